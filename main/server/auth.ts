// Accounts over HTTP: first-run setup with a one-time code, sign-in limited per account and per client network, session cookies.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_ROUTES, Credentials, SetupInput, type AuthStatus } from '../common/contract/index.js';
import { describeIssues } from '../common/zod-errors.js';
import type { Engine } from '../core/app.js';
import { clientNetwork, FailureCounter, type LockoutPolicy } from '../core/auth/limits.js';
import { hashToken } from '../core/auth/users.js';
import { setupCodeMatches } from './setup-code.js';

export const SESSION_COOKIE = 'porchlight_session';

/** Failed sign-ins per client network (an IPv4 address, or an IPv6 /64) before that network waits. */
export const DEFAULT_NETWORK_LIMIT: LockoutPolicy = { maxFailures: 50, lockMs: 5 * 60_000, maxLockMs: 60 * 60_000 };

export interface AuthOptions {
  secureCookies: boolean;
  /** The code printed at first start; undefined once set up (then setup is refused anyway). */
  setupCode: () => string | undefined;
  networkLimit?: LockoutPolicy;
  loginsPerMinute: number;
}

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.status(status).send({ ok: false, error: { code, message } });
}

function lockedReply(reply: FastifyReply, retryAfterMs: number, what: string) {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  reply.header('retry-after', String(Math.ceil(retryAfterMs / 1000)));
  return fail(reply, 429, 'rate_limited', `Too many failed sign-ins ${what}. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
}

/** The session a request presents: its user and the token's hash (sockets are registered under it). */
export function sessionOf(engine: Engine, req: FastifyRequest): { user: NonNullable<FastifyRequest['user']>; tokenHash: string } | undefined {
  const token = req.cookies[SESSION_COOKIE];
  if (!token || token.length > 200) return undefined;
  const tokenHash = hashToken(token);
  const user = engine.accounts.sessionByHash(tokenHash);
  return user ? { user, tokenHash } : undefined;
}

export function registerAuth(app: FastifyInstance, engine: Engine, opts: AuthOptions): void {
  const { accounts, audit } = engine;
  const networks = new FailureCounter(opts.networkLimit ?? DEFAULT_NETWORK_LIMIT);

  const startSession = (req: FastifyRequest, reply: FastifyReply, userId: number): void => {
    // a new session on every sign-in; the one the browser brought (if any) ends, so a planted cookie is worthless
    accounts.endSession(req.cookies[SESSION_COOKIE]);
    const session = accounts.createSession(userId, req.ip, req.headers['user-agent'] ?? '');
    reply.setCookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'strict', secure: opts.secureCookies, path: '/', expires: new Date(session.expiresAt) });
  };

  app.get(AUTH_ROUTES.status, { config: { access: 'public' } }, async (req): Promise<AuthStatus> => ({
    needsSetup: !accounts.isSetUp(),
    user: req.user ? { username: req.user.username, role: req.user.role, permissions: req.user.permissions, cameras: req.user.cameras } : null,
  }));

  app.post(AUTH_ROUTES.setup, { config: { access: 'public', rateLimit: { max: opts.loginsPerMinute, timeWindow: 60_000 } } }, async (req, reply) => {
    const parsed = SetupInput.safeParse(req.body);
    if (!parsed.success) return fail(reply, 400, 'invalid_input', describeIssues(parsed.error));
    if (accounts.isSetUp()) return fail(reply, 403, 'forbidden', 'Porchlight is already set up; sign in instead');
    const network = clientNetwork(req.ip);
    const taken = networks.take(network);
    if (!taken.ok) return lockedReply(reply, taken.retryAfterMs, 'from this network');
    const code = opts.setupCode();
    if (!code || !setupCodeMatches(parsed.data.setupCode, code)) {
      audit.record({ actor: parsed.data.username, action: 'auth.setup', target: parsed.data.username, origin: req.ip, ok: false, details: { reason: 'setup code' } });
      return fail(reply, 403, 'forbidden', 'That is not the setup code: use the one Porchlight printed on its console when it started');
    }
    networks.forgive(network);
    let user;
    try {
      user = await accounts.setup(parsed.data.username, parsed.data.password);
    } catch {
      // the other of two parallel setups won
      return fail(reply, 403, 'forbidden', 'Porchlight is already set up; sign in instead');
    }
    audit.record({ actor: user.username, action: 'auth.setup', target: user.username, origin: req.ip, ok: true });
    startSession(req, reply, user.id);
    return { ok: true, value: { username: user.username, role: user.role } };
  });

  app.post(AUTH_ROUTES.login, { config: { access: 'public', rateLimit: { max: opts.loginsPerMinute, timeWindow: 60_000 } } }, async (req, reply) => {
    const parsed = Credentials.safeParse(req.body);
    if (!parsed.success) return fail(reply, 400, 'invalid_input', describeIssues(parsed.error));
    const { username } = parsed.data;
    const network = clientNetwork(req.ip);
    // counted before the password is checked, like the account's own count
    const taken = networks.take(network);
    if (!taken.ok) {
      audit.record({ actor: username, action: 'auth.login', target: username, origin: req.ip, ok: false, details: { reason: 'network locked' } });
      return lockedReply(reply, taken.retryAfterMs, 'from this network');
    }
    const result = await accounts.login(username, parsed.data.password);
    if (!result.ok) {
      audit.record({ actor: username, action: 'auth.login', target: username, origin: req.ip, ok: false, details: { reason: result.reason } });
      if (result.reason === 'locked') return lockedReply(reply, result.retryAfterMs, 'for this account');
      return fail(reply, 401, 'unauthorized', 'Wrong user name or password');
    }
    networks.forgive(network);
    audit.record({ actor: result.user.username, action: 'auth.login', target: result.user.username, origin: req.ip, ok: true });
    startSession(req, reply, result.user.id);
    return { ok: true, value: { username: result.user.username, role: result.user.role } };
  });

  app.post(AUTH_ROUTES.logout, { config: { access: 'public' } }, async (req, reply) => {
    accounts.endSession(req.cookies[SESSION_COOKIE]);
    if (req.user) audit.record({ actor: req.user.username, action: 'auth.logout', target: req.user.username, origin: req.ip, ok: true });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true, value: null };
  });
}
