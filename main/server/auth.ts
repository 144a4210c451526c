// Accounts over HTTP: first-run setup, rate-limited login with lockout, session cookies, and the gate on every route.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_ROUTES, Credentials, SetupInput, type AuthStatus, type User } from '../common/contract/index.js';
import { describeIssues } from '../common/zod-errors.js';
import type { Engine } from '../core/app.js';

export const SESSION_COOKIE = 'porchlight_session';

/** Routes anyone may call: they exist to let a person sign in. Everything else under /api and /media needs a session. */
export const PUBLIC_ROUTES = new Set<string>([`GET ${AUTH_ROUTES.status}`, `POST ${AUTH_ROUTES.setup}`, `POST ${AUTH_ROUTES.login}`, `POST ${AUTH_ROUTES.logout}`]);

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
  }
}

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.status(status).send({ ok: false, error: { code, message } });
}

export function isGuarded(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('/media/');
}

export function registerAuth(app: FastifyInstance, engine: Engine, opts: { secureCookies: boolean }): void {
  const { accounts, audit } = engine;

  const setCookie = (reply: FastifyReply, token: string, expiresAt: number): void => {
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: opts.secureCookies, path: '/', expires: new Date(expiresAt) });
  };

  // The gate: resolve the session for every request, refuse guarded routes without one.
  app.addHook('onRequest', async (req, reply) => {
    req.user = accounts.sessionUser(req.cookies[SESSION_COOKIE]);
    const route = `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}`;
    if (req.user || PUBLIC_ROUTES.has(route) || !isGuarded(req.url)) return;
    return fail(reply, 401, 'unauthorized', 'Sign in to use Porchlight');
  });

  app.get(AUTH_ROUTES.status, async (req): Promise<AuthStatus> => ({
    needsSetup: accounts.count() === 0,
    user: req.user ? { username: req.user.username, role: req.user.role } : null,
  }));

  app.post(AUTH_ROUTES.setup, async (req, reply) => {
    const parsed = SetupInput.safeParse(req.body);
    if (!parsed.success) return fail(reply, 400, 'invalid_input', describeIssues(parsed.error));
    if (accounts.count() > 0) return fail(reply, 403, 'forbidden', 'Porchlight is already set up; sign in instead');
    const user = await accounts.setup(parsed.data.username, parsed.data.password);
    audit.record({ actor: user.username, action: 'auth.setup', target: user.username, origin: req.ip, ok: true });
    const session = accounts.createSession(user.id, req.ip, req.headers['user-agent'] ?? '');
    setCookie(reply, session.token, session.expiresAt);
    return { ok: true, value: { username: user.username, role: user.role } };
  });

  app.post(
    AUTH_ROUTES.login,
    { config: { rateLimit: { max: 30, timeWindow: 60_000 } } },
    async (req, reply) => {
      const parsed = Credentials.safeParse(req.body);
      if (!parsed.success) return fail(reply, 400, 'invalid_input', describeIssues(parsed.error));
      const { username } = parsed.data;
      const result = await accounts.login(username, parsed.data.password);
      if (!result.ok) {
        audit.record({ actor: username, action: 'auth.login', target: username, origin: req.ip, ok: false, details: { reason: result.reason } });
        if (result.reason === 'locked') {
          const minutes = Math.ceil(result.retryAfterMs / 60_000);
          reply.header('retry-after', String(Math.ceil(result.retryAfterMs / 1000)));
          return fail(reply, 429, 'rate_limited', `Too many failed sign-ins for this account. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
        }
        return fail(reply, 401, 'unauthorized', 'Wrong user name or password');
      }
      audit.record({ actor: result.user.username, action: 'auth.login', target: result.user.username, origin: req.ip, ok: true });
      const session = accounts.createSession(result.user.id, req.ip, req.headers['user-agent'] ?? '');
      setCookie(reply, session.token, session.expiresAt);
      return { ok: true, value: { username: result.user.username, role: result.user.role } };
    },
  );

  app.post(AUTH_ROUTES.logout, async (req, reply) => {
    accounts.endSession(req.cookies[SESSION_COOKIE]);
    if (req.user) audit.record({ actor: req.user.username, action: 'auth.logout', target: req.user.username, origin: req.ip, ok: true });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true, value: null };
  });
}

export function callerOf(req: FastifyRequest): { name: string; role: 'admin' | 'viewer' } {
  if (!req.user) throw new Error('guarded route reached without a user');
  return { name: req.user.username, role: req.user.role };
}
