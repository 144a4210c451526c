// The headless host: the built UI, the contract over POST /api/rpc/:method and a WebSocket for topics.
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { HTTP_STATUS, isTopicName, type ApiError, type TopicName } from '../common/contract/index.js';
import type { CallContext } from '../core/api/router.js';
import type { Engine } from '../core/app.js';
import { createLogger } from '../core/log/index.js';
import { callerOf, registerAuth } from './auth.js';
import { registerLiveRoute } from './live.js';
import { registerFrameRoute, registerMediaRoutes, registerPlaybackRoute } from './media.js';
import { isLoopback, type TlsMaterial } from './tls.js';

const log = createLogger('server');

export const RPC_BODY_LIMIT = 1024 * 1024;

export interface ServerOptions {
  engine: Engine;
  host: string;
  port: number;
  /** The built renderer (dist/renderer); absent in API-only tests. */
  staticDir?: string;
  /** Required for any address but loopback. */
  tls?: TlsMaterial;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  routes: RouteInfo[];
  close(): Promise<void>;
}

function errorReply(error: ApiError): { ok: false; error: ApiError } {
  return { ok: false, error };
}

/** Browsers send Origin; a page from another site must not drive this API (CSRF, DNS rebinding). */
export function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (!URL.canParse(origin)) return false;
  return new URL(origin).host === req.headers.host;
}

function callContext(req: FastifyRequest): CallContext {
  return { user: callerOf(req), origin: req.ip };
}

/** Every route registered, for the test that proves each one is guarded. */
export interface RouteInfo {
  method: string;
  url: string;
}

export async function createServer(opts: ServerOptions): Promise<RunningServer> {
  const { engine } = opts;
  if (!isLoopback(opts.host) && !opts.tls) {
    throw new Error(`Listening on ${opts.host} exposes Porchlight to the network: that needs TLS (give --tls-cert/--tls-key, or let Porchlight make a self-signed certificate)`);
  }
  const routes: RouteInfo[] = [];
  const app = Fastify({
    ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
    logger: false,
    bodyLimit: RPC_BODY_LIMIT,
    // JSON bodies carrying __proto__ or constructor.prototype are refused outright
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    trustProxy: false,
  });

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 413) return reply.status(413).send(errorReply({ code: 'too_large', message: `Request body is larger than ${RPC_BODY_LIMIT} bytes` }));
    if (status === 429) return reply.status(429).send(errorReply({ code: 'rate_limited', message: 'Too many requests; wait a minute and try again' }));
    if (status >= 400 && status < 500) {
      return reply.status(400).send(errorReply({ code: 'invalid_input', message: `Malformed request: ${err.message}` }));
    }
    log.error({ err }, 'request failed');
    return reply.status(500).send(errorReply({ code: 'internal', message: 'The server failed to handle the request' }));
  });

  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
  });
  await app.register(fastifyCookie);
  // Only routes that opt in (login) are limited; the limit is per client address.
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  registerAuth(app, engine, { secureCookies: Boolean(opts.tls) });

  registerMediaRoutes(app, engine);
  registerPlaybackRoute(app, engine);
  registerFrameRoute(app, engine);
  registerLiveRoute(app, engine);

  app.post<{ Params: { method: string } }>('/api/rpc/:method', async (req, reply) => {
    if (!sameOrigin(req)) return reply.status(403).send(errorReply({ code: 'forbidden', message: 'Cross-origin requests are refused' }));
    const result = await engine.router.dispatch(callContext(req), req.params.method, req.body);
    if (!result.ok) return reply.status(HTTP_STATUS[result.error.code]).send(result);
    return reply.send(result);
  });

  app.get('/api/ws', { websocket: true }, (socket, req) => {
    if (!sameOrigin(req)) {
      socket.close(1008, 'cross-origin');
      return;
    }
    const wanted = new Set<TopicName>();
    const unsubscribe = engine.bus.subscribeAll((topic, payload) => {
      if (wanted.has(topic) && socket.readyState === socket.OPEN) socket.send(JSON.stringify({ topic, payload }));
    });
    socket.on('message', (raw) => {
      let msg: { type?: unknown; topics?: unknown };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        socket.send(JSON.stringify({ error: { code: 'invalid_input', message: 'messages are JSON' } }));
        return;
      }
      // live video has its own binary WebSocket here (/api/live); its IPC topic is not for JSON clients
      const topics = Array.isArray(msg.topics) ? msg.topics.filter((t): t is TopicName => typeof t === 'string' && isTopicName(t) && t !== 'live.chunk') : [];
      if (msg.type === 'subscribe') topics.forEach((t) => wanted.add(t));
      else if (msg.type === 'unsubscribe') topics.forEach((t) => wanted.delete(t));
      // an acknowledgement, so a client knows from when on it receives the topics
      socket.send(JSON.stringify({ type: 'subscribed', topics: [...wanted] }));
    });
    socket.on('close', unsubscribe);
  });

  if (opts.staticDir && existsSync(opts.staticDir)) {
    await app.register(fastifyStatic, { root: opts.staticDir, index: 'index.html', wildcard: false });
    // client-side routes fall back to the app shell
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/media/')) return reply.sendFile('index.html');
      return reply.status(404).send(errorReply({ code: 'not_found', message: `No route ${req.method} ${req.url.slice(0, 200)}` }));
    });
  } else {
    app.setNotFoundHandler((req, reply) =>
      reply.status(404).send(errorReply({ code: 'not_found', message: `No route ${req.method} ${req.url.slice(0, 200)}` })),
    );
  }

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    reply.header(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
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
    close: async () => {
      await app.close();
    },
  };
}
