// The headless host: the built UI, the contract over POST /api/rpc/:method and a WebSocket for topics, behind one gate.
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { HTTP_STATUS, type ApiError, type Permission } from '../common/contract/index.js';
import { CONTENT_SECURITY_POLICY } from '../common/csp.js';
import type { CallContext } from '../core/api/router.js';
import type { Engine } from '../core/app.js';
import type { LockoutPolicy } from '../core/auth/limits.js';
import { clientNetwork } from '../core/auth/limits.js';
import { createLogger } from '../core/log/index.js';
import { registerAuth, sessionOf } from './auth.js';
import { isDataPath, normalisedPath, registerGate, requireCaller, type Access } from './gate.js';
import { hostPolicy } from './hosts.js';
import { registerLiveRoute } from './live.js';
import { registerFrameRoute, registerMediaRoutes, registerPlaybackRoute } from './media.js';
import { newSetupCode } from './setup-code.js';
import { SocketRegistry } from './sockets.js';
import { isLoopback, type TlsMaterial } from './tls.js';
import { registerTopicsSocket } from './topics-socket.js';

const log = createLogger('server');

export const RPC_BODY_LIMIT = 1024 * 1024;

/** Timeouts and caps that keep slow or many clients from starving the recorder of sockets and file descriptors. */
export const CONNECTION_LIMITS = {
  /** Whole request headers must arrive within this (slowloris). */
  headersTimeoutMs: 10_000,
  /** The whole request (headers and body) within this; responses such as playback may stream for longer. */
  requestTimeoutMs: 30_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** How often Node checks the two timeouts above. */
  checkIntervalMs: 1_000,
  /** Connections beyond this are refused at once, leaving descriptors for ffmpeg and the database. */
  maxConnections: 400,
};

export interface ServerOptions {
  engine: Engine;
  host: string;
  port: number;
  /** The built renderer (dist/renderer); absent in API-only tests. */
  staticDir?: string;
  /** Required for any address but loopback. */
  tls?: TlsMaterial;
  /** Extra names or addresses this server answers to (beyond loopback and this machine's own). */
  allowedHosts?: readonly string[];
  /** The first-run setup code; one is made when the server starts unset-up and none is given. */
  setupCode?: string;
  /** Failed sign-ins per client network before it waits (tests raise it). */
  networkLimit?: LockoutPolicy;
  /** Sign-in and setup requests per client network per minute, right or wrong (each costs a 32 MiB scrypt). */
  loginsPerMinute?: number;
  maxConnections?: number;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  routes: RouteInfo[];
  /** The code that must accompany the first admin's creation, while none exists; printed by the CLI. */
  setupCode: string | undefined;
  sockets: SocketRegistry;
  close(): Promise<void>;
}

function errorReply(error: ApiError): { ok: false; error: ApiError } {
  return { ok: false, error };
}

/** Every route registered, with the access it declared, for the tests that prove each one is guarded. */
export interface RouteInfo {
  method: string;
  url: string;
  access: Access | undefined;
  /** The permission a viewer needs (null: none); undefined: not declared, so refused to viewers. */
  needs: Permission | null | undefined;
  websocket: boolean;
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': CONTENT_SECURITY_POLICY,
};

export async function createServer(opts: ServerOptions): Promise<RunningServer> {
  const { engine } = opts;
  if (!isLoopback(opts.host) && !opts.tls) {
    throw new Error(`Listening on ${opts.host} exposes Porchlight to the network: that needs TLS (give --tls-cert/--tls-key, or let Porchlight make a self-signed certificate)`);
  }
  const routes: RouteInfo[] = [];
  const limits = { ...CONNECTION_LIMITS, ...(opts.maxConnections ? { maxConnections: opts.maxConnections } : {}) };
  const nodeOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
  };
  const app = Fastify({
    serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
      const server = opts.tls ? createHttpsServer({ ...nodeOptions, cert: opts.tls.cert, key: opts.tls.key }, handler) : createHttpServer(nodeOptions, handler);
      server.maxConnections = limits.maxConnections;
      return server;
    },
    logger: false,
    bodyLimit: RPC_BODY_LIMIT,
    // JSON bodies carrying __proto__ or constructor.prototype are refused outright
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    trustProxy: false,
    return503OnClosing: true,
  });

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 413) return reply.status(413).send(errorReply({ code: 'too_large', message: `Request body is larger than ${RPC_BODY_LIMIT} bytes` }));
    if (status === 429) return reply.status(429).send(errorReply({ code: 'rate_limited', message: 'Too many requests; wait a minute and try again' }));
    if (status >= 400 && status < 500) {
      return reply.status(400).send(errorReply({ code: 'invalid_input', message: `Malformed request: ${err.message.slice(0, 200)}` }));
    }
    log.error({ err }, 'request failed');
    return reply.status(500).send(errorReply({ code: 'internal', message: 'The server failed to handle the request' }));
  });

  let registeringUi = false;
  app.addHook('onRoute', (r) => {
    if (registeringUi) r.config = { ...(r.config as object), access: 'public' };
    const websocket = (r as { websocket?: boolean }).websocket === true;
    const config = (): { access?: Access; needs?: Permission | null } | undefined => r.config as { access?: Access; needs?: Permission | null } | undefined;
    for (const method of [r.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: r.url, websocket, get access() { return config()?.access; }, get needs() { return config()?.needs; } });
    }
  });
  const hosts = hostPolicy(opts.host, opts.allowedHosts, opts.tls ? 'https:' : 'http:');
  await app.register(fastifyCookie);
  // Only routes that opt in (sign-in, setup) are limited; the key is the client network (an IPv6 /64 is one client).
  await app.register(fastifyRateLimit, { global: false, keyGenerator: (req: FastifyRequest) => clientNetwork(req.ip) });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  registerGate(app, { hosts, session: (req) => sessionOf(engine, req) });

  let setupCode = opts.setupCode ?? (engine.accounts.isSetUp() ? undefined : newSetupCode());
  const sockets = new SocketRegistry(engine.accounts);
  registerAuth(app, engine, {
    secureCookies: Boolean(opts.tls),
    setupCode: () => (engine.accounts.isSetUp() ? (setupCode = undefined) : setupCode),
    networkLimit: opts.networkLimit,
    loginsPerMinute: opts.loginsPerMinute ?? 60,
  });

  registerMediaRoutes(app, engine);
  registerPlaybackRoute(app, engine);
  registerFrameRoute(app, engine);
  registerLiveRoute(app, engine, sockets);
  registerTopicsSocket(app, engine, sockets);

  // each method declares the permission and cameras it serves; the router checks them against this request's caller
  app.post<{ Params: { method: string } }>('/api/rpc/:method', { config: { access: 'viewer', needs: null } }, async (req, reply) => {
    const caller = requireCaller(req, reply);
    if (!caller) return reply;
    const ctx: CallContext = { user: { name: caller.name, role: caller.role, permissions: caller.permissions, cameras: caller.cameras }, origin: req.ip };
    const result = await engine.router.dispatch(ctx, req.params.method, req.body);
    if (!result.ok) return reply.status(HTTP_STATUS[result.error.code]).send(result);
    return reply.send(result);
  });

  const notFound = (req: FastifyRequest) => errorReply({ code: 'not_found', message: `No route ${req.method} ${(normalisedPath(req.url) ?? '').slice(0, 200)}` });
  if (opts.staticDir && existsSync(opts.staticDir)) {
    const root = opts.staticDir;
    // the UI's files are public (they hold no data): the routes the plugin adds while it registers get that access
    registeringUi = true;
    await app.register(fastifyStatic, { root, index: 'index.html', wildcard: false });
    await app.after();
    registeringUi = false;
    // client-side routes fall back to the app shell; paths that hold data never do
    app.setNotFoundHandler((req, reply) => {
      const path = normalisedPath(req.url);
      if (req.method === 'GET' && path !== undefined && !isDataPath(path)) return reply.sendFile('index.html', root);
      return reply.status(404).send(notFound(req));
    });
  } else {
    app.setNotFoundHandler((req, reply) => reply.status(404).send(notFound(req)));
  }

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });

  await app.listen({ host: opts.host, port: opts.port });
  const addr = app.server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `${opts.tls ? 'https' : 'http'}://${shownHost}:${addr.port}`;
  log.info({ url }, 'listening');
  return {
    app,
    url,
    routes,
    get setupCode() {
      return engine.accounts.isSetUp() ? undefined : setupCode;
    },
    sockets,
    close: async () => {
      sockets.stop();
      await app.close();
    },
  };
}
