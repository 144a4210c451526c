// The one gate every request passes before a handler runs: request-target form, Host, Origin, session, and the route's declared role.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasPermission, PERMISSION_LABELS, type CameraScope, type Permission, type User } from '../common/contract/index.js';
import { roleAllows } from '../core/api/router.js';
import { createLogger } from '../core/log/index.js';
import type { HostPolicy } from './hosts.js';

const log = createLogger('gate');

/** Who may reach a route. Every route declares one; a route without one is refused (deny by default). */
export type Access = 'public' | 'viewer' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * For 'viewer' routes: the permission a viewer needs (null: none beyond signing in). A viewer route that does not
     * declare it is refused to viewers (deny by default); the handler then checks the camera it serves.
     */
    needs?: Permission | null;
  }
  interface FastifyRequest {
    user?: User;
    /** The hash of the session token this request authenticated with (sockets are closed by it on logout). */
    sessionHash?: string;
  }
}

export interface GateDeps {
  hosts: HostPolicy;
  /** Resolves a session cookie to its user (and the token's hash), or undefined. */
  session(req: FastifyRequest): { user: User; tokenHash: string } | undefined;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.status(status).header('connection', 'close').send({ ok: false, error: { code, message } });
}

/**
 * The path as the router sees it, for paths no route matched: percent-decoded, slashes collapsed, dot segments
 * resolved, lower-cased. Undefined when it cannot be decoded (then nothing is served).
 */
export function normalisedPath(rawUrl: string): string | undefined {
  const path = rawUrl.split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const out: string[] = [];
  for (const part of decoded.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`.toLowerCase();
}

/** Paths that hold data: nothing under them is ever served without a session, matched by a route or not. */
export function isDataPath(normalised: string): boolean {
  return /^\/(api|media)(\/|$)/.test(normalised);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The declared access of the route Fastify matched; for unmatched paths, decided from the normalised path. */
function accessOf(req: FastifyRequest): Access | 'unmatched' | undefined {
  if (req.is404) return 'unmatched';
  return req.routeOptions.config.access;
}

export function registerGate(app: FastifyInstance, deps: GateDeps): void {
  app.addHook('onRequest', async (req, reply) => {
    const target = req.raw.url ?? '';
    // Only origin-form targets ("/path?query"): absolute-form and authority-form are for proxies, "*" for OPTIONS.
    if (!target.startsWith('/') || target.startsWith('//')) return refuse(reply, 400, 'invalid_input', 'Request targets must be a path');
    if (!deps.hosts.hostAllowed(req.headers.host)) return refuse(reply, 421, 'forbidden', 'This server does not answer to that host name');
    const origin = req.headers.origin;
    const isUpgrade = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    if (origin !== undefined && !deps.hosts.originAllowed(origin, req.headers.host)) {
      return refuse(reply, 403, 'forbidden', 'Cross-origin requests are refused');
    }
    if (origin === undefined && isUpgrade && req.headers['sec-fetch-site'] === 'cross-site') {
      return refuse(reply, 403, 'forbidden', 'Cross-origin requests are refused');
    }
    if (!SAFE_METHODS.has(req.method) && req.headers['sec-fetch-site'] === 'cross-site') {
      return refuse(reply, 403, 'forbidden', 'Cross-origin requests are refused');
    }
    const found = deps.session(req);
    if (found) {
      req.user = found.user;
      req.sessionHash = found.tokenHash;
    }
    const access = accessOf(req);
    if (access === 'unmatched') {
      const path = normalisedPath(target);
      if (path === undefined) return refuse(reply, 400, 'invalid_input', 'The address is not valid');
      if (isDataPath(path) && !req.user) return refuse(reply, 401, 'unauthorized', 'Sign in to use Porchlight');
      return;
    }
    if (access === undefined) {
      log.error({ method: req.method, route: req.routeOptions.url }, 'route without a declared access refused');
      return refuse(reply, 403, 'forbidden', 'This route is not open to anyone');
    }
    if (access === 'public') return;
    if (!req.user) return refuse(reply, 401, 'unauthorized', 'Sign in to use Porchlight');
    if (!roleAllows(req.user.role, access)) return refuse(reply, 403, 'forbidden', `This needs the ${access} role`);
    if (req.user.role === 'admin') return;
    const needs = req.routeOptions.config.needs;
    if (needs === undefined) {
      log.error({ method: req.method, route: req.routeOptions.url }, 'route without a declared permission refused to a viewer');
      return refuse(reply, 403, 'forbidden', 'This route is not open to viewers');
    }
    if (needs !== null && !hasPermission(req.user, needs)) return refuse(reply, 403, 'forbidden', `This needs the "${PERMISSION_LABELS[needs]}" permission`);
  });
}

/** A signed-in caller with the grant their session carried on this very request. */
export interface Caller {
  name: string;
  role: 'admin' | 'viewer';
  id: number;
  permissions: readonly Permission[];
  cameras: CameraScope;
}

/** The signed-in caller of a handler that serves data, taken from the request itself; replies 401 when there is none. */
export function requireCaller(req: FastifyRequest, reply: FastifyReply | undefined): Caller | undefined {
  if (!req.user) {
    if (reply) void refuse(reply, 401, 'unauthorized', 'Sign in to use Porchlight');
    return undefined;
  }
  const u = req.user;
  return { name: u.username, role: u.role, id: u.id, permissions: u.permissions, cameras: u.cameras };
}
