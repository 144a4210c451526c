// User accounts, login checks with lockout after repeated failures, and login sessions.
import { createHash, randomBytes } from 'node:crypto';
import { ApiFailure, DEFAULT_VIEWER_PERMISSIONS, Permission, PERMISSIONS, type CameraScope, type User, type UserAccess } from '../../common/contract/index.js';
import type { Role } from '../../common/contract/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { FailureCounter, lockUntil, type LockoutPolicy } from './limits.js';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords.js';

export type { LockoutPolicy } from './limits.js';

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 10, lockMs: 5 * 60_000, maxLockMs: 60 * 60_000 };
/** A session ends this long after sign-in, whatever happens (absolute timeout). */
export const SESSION_TTL_MS = 30 * 24 * 3600_000;
/** A session unused for this long ends (idle timeout). */
export const SESSION_IDLE_MS = 7 * 24 * 3600_000;
/** last_seen_at is written at most this often per session. */
const SEEN_WRITE_MS = 60_000;

/** What ended sessions: a socket opened with one of them is closed at once. */
export type Revocation = { userId: number; reason: 'deleted' | 'password' | 'role' | 'unlocked' | 'access' } | { tokenHash: string; reason: 'logout' };

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  created_at: number;
  failed_logins: number;
  locked_until: number;
  permissions: string;
  all_cameras: number;
  /** The camera ids of user_cameras, joined with the row (NUL-separated), or null. */
  camera_ids: string | null;
}

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterMs: number };

/** Permission names as stored; anything unknown (a newer version's, or an edited row) grants nothing. */
function storedPermissions(text: string): Permission[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return [];
  }
  return Array.isArray(list) ? list.filter((p): p is Permission => Permission.safeParse(p).success) : [];
}

function toUser(r: UserRow): User {
  // an admin may do everything, whatever the row says
  if (r.role === 'admin') return { id: r.id, username: r.username, role: r.role, createdAt: r.created_at, permissions: [...PERMISSIONS], cameras: null };
  const cameras: CameraScope = r.all_cameras === 1 ? null : (r.camera_ids ?? '').split('\0').filter(Boolean).sort();
  return { id: r.id, username: r.username, role: r.role, createdAt: r.created_at, permissions: storedPermissions(r.permissions), cameras };
}

/** Every user column and the camera list, in one read: the grant a request is served under comes from one view. */
const USER_COLUMNS = sql`users.*, (SELECT group_concat(camera_id, char(0)) FROM user_cameras WHERE user_cameras.user_id = users.id) AS camera_ids`;
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class Accounts {
  private readonly revokeListeners = new Set<(r: Revocation) => void>();
  /** Unknown names lock exactly as real ones do, so the reply never tells which names exist. */
  private readonly unknownNames: FailureCounter;

  constructor(
    private readonly db: Database,
    private readonly lockout: LockoutPolicy = DEFAULT_LOCKOUT,
  ) {
    this.unknownNames = new FailureCounter(lockout);
  }

  /** Called whenever sessions end (logout, password or role change, deletion); returns its unsubscribe. */
  onRevoke(listener: (r: Revocation) => void): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  private revoke(r: Revocation): void {
    for (const l of this.revokeListeners) {
      try {
        l(r);
      } catch {
        // a listener that fails must not keep the others from closing their sockets
      }
    }
  }

  count(): number {
    return this.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM users`)?.n ?? 0;
  }

  /** True once the first admin was made; never false again (the setup route stays closed). */
  isSetUp(): boolean {
    return this.db.get(sql`SELECT 1 FROM auth_state WHERE key = 'setup'`) !== undefined || this.count() > 0;
  }

  list(): User[] {
    return this.db.all<UserRow>(sql`SELECT ${USER_COLUMNS} FROM users ORDER BY id`).map(toUser);
  }

  get(id: number): User | undefined {
    const row = this.db.get<UserRow>(sql`SELECT ${USER_COLUMNS} FROM users WHERE id = ${id}`);
    return row ? toUser(row) : undefined;
  }

  byName(username: string): User | undefined {
    const row = this.db.get<UserRow>(sql`SELECT ${USER_COLUMNS} FROM users WHERE username = ${username}`);
    return row ? toUser(row) : undefined;
  }

  /** A new account; a viewer without `access` gets the defaults (DEFAULT_VIEWER_PERMISSIONS on every camera). */
  async create(username: string, password: string, role: Role, access?: Partial<UserAccess>): Promise<User> {
    if (this.byName(username)) throw new ApiFailure('conflict', `A user named ${JSON.stringify(username)} already exists`);
    const hash = await hashPassword(password);
    return this.db.transaction(() => {
      if (this.byName(username)) throw new ApiFailure('conflict', `A user named ${JSON.stringify(username)} already exists`);
      const user = this.insert(username, hash, role);
      if (role === 'admin') return user;
      this.writeAccess(user.id, { permissions: access?.permissions ?? [...DEFAULT_VIEWER_PERMISSIONS], cameras: access?.cameras ?? null });
      return this.get(user.id)!;
    });
  }

  /** Inside a transaction: replaces a user's permissions and camera list; names a camera that does not exist. */
  private writeAccess(id: number, access: UserAccess): void {
    const permissions = PERMISSIONS.filter((p) => access.permissions.includes(p));
    this.db.run(sql`UPDATE users SET permissions = ${JSON.stringify(permissions)}, all_cameras = ${access.cameras === null ? 1 : 0} WHERE id = ${id}`);
    this.db.run(sql`DELETE FROM user_cameras WHERE user_id = ${id}`);
    for (const cameraId of new Set(access.cameras ?? [])) {
      if (!this.db.get(sql`SELECT 1 FROM cameras WHERE id = ${cameraId}`)) throw new ApiFailure('invalid_input', `cameras: there is no camera with id ${JSON.stringify(cameraId)}`);
      this.db.run(sql`INSERT INTO user_cameras (user_id, camera_id) VALUES (${id}, ${cameraId})`);
    }
  }

  /**
   * What a viewer may do and on which cameras. It takes effect at once: every request reads the grant anew, and the
   * user's open sockets are closed (they reconnect under the new grant); sessions stay signed in.
   */
  setAccess(id: number, access: UserAccess): User {
    const user = this.db.transaction(() => {
      const row = this.get(id);
      if (!row) throw new ApiFailure('not_found', 'No such user');
      if (row.role === 'admin') throw new ApiFailure('conflict', 'An admin may do everything on every camera: make them a viewer first');
      this.writeAccess(id, access);
      return this.get(id)!;
    });
    this.revoke({ userId: id, reason: 'access' });
    return user;
  }

  private insert(username: string, hash: string, role: Role): User {
    const id = Number(this.db.run(sql`INSERT INTO users (username, password_hash, role, created_at) VALUES (${username}, ${hash}, ${role}, ${Date.now()})`).lastInsertRowid);
    return this.get(id)!;
  }

  /**
   * Creates the first admin, at most once ever: the check and both writes are one immediate transaction, and the
   * 'setup' row's primary key refuses a second one even from another process.
   */
  async setup(username: string, password: string): Promise<User> {
    if (this.isSetUp()) throw new ApiFailure('forbidden', 'Porchlight is already set up; sign in instead');
    const hash = await hashPassword(password);
    const once = this.db.raw.transaction(() => {
      if (this.isSetUp()) throw new ApiFailure('forbidden', 'Porchlight is already set up; sign in instead');
      const user = this.insert(username, hash, 'admin');
      this.db.run(sql`INSERT INTO auth_state (key, value, time) VALUES ('setup', ${username}, ${Date.now()})`);
      return user;
    });
    return once.immediate();
  }

  delete(id: number): boolean {
    const deleted = this.db.transaction(() => {
      const row = this.db.get<UserRow>(sql`SELECT ${USER_COLUMNS} FROM users WHERE id = ${id}`);
      if (!row) return false;
      if (row.role === 'admin' && this.adminCount() <= 1) throw new ApiFailure('conflict', 'The last admin cannot be removed');
      return this.db.run(sql`DELETE FROM users WHERE id = ${id}`).changes > 0;
    });
    if (deleted) this.revoke({ userId: id, reason: 'deleted' });
    return deleted;
  }

  private adminCount(): number {
    return this.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM users WHERE role = 'admin'`)?.n ?? 0;
  }

  /** A new role takes effect at once: the user's sessions end and they sign in again. */
  setRole(id: number, role: Role): User {
    const user = this.db.transaction(() => {
      const row = this.db.get<UserRow>(sql`SELECT ${USER_COLUMNS} FROM users WHERE id = ${id}`);
      if (!row) throw new ApiFailure('not_found', 'No such user');
      if (row.role === role) return toUser(row);
      if (row.role === 'admin' && this.adminCount() <= 1) throw new ApiFailure('conflict', 'The last admin cannot become a viewer');
      this.db.run(sql`UPDATE users SET role = ${role} WHERE id = ${id}`);
      this.db.run(sql`DELETE FROM sessions WHERE user_id = ${id}`);
      return this.get(id)!;
    });
    this.revoke({ userId: id, reason: 'role' });
    return user;
  }

  async setPassword(id: number, password: string): Promise<void> {
    const hash = await hashPassword(password);
    this.db.transaction(() => {
      if (this.db.run(sql`UPDATE users SET password_hash = ${hash} WHERE id = ${id}`).changes === 0) throw new ApiFailure('not_found', 'No such user');
      this.db.run(sql`DELETE FROM sessions WHERE user_id = ${id}`);
    });
    this.revoke({ userId: id, reason: 'password' });
  }

  /** Clears a lockout (the owner's CLI does it for an account that locked itself out). */
  unlock(id: number): boolean {
    return this.db.run(sql`UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ${id}`).changes > 0;
  }

  /**
   * Checks a password. The attempt is counted before the (slow) password check, in one synchronous step, so parallel
   * guesses cannot all slip past the limit. While an account is locked every attempt, even the right password, is
   * refused unevaluated, so a guesser learns nothing from a lucky guess during the lock. Unknown names count and
   * lock the same way.
   */
  async login(username: string, password: string, now = Date.now()): Promise<LoginResult> {
    const taken = this.db.transaction(() => {
      const row = this.db.get<UserRow>(sql`SELECT ${USER_COLUMNS} FROM users WHERE username = ${username}`);
      if (!row) return { kind: 'unknown' as const };
      if (row.locked_until > now) return { kind: 'locked' as const, retryAfterMs: row.locked_until - now };
      const failures = row.failed_logins + 1;
      const lockedUntil = lockUntil(failures, this.lockout, now);
      this.db.run(sql`UPDATE users SET failed_logins = ${failures}, locked_until = ${lockedUntil} WHERE id = ${row.id}`);
      return { kind: 'counted' as const, row, lockedUntil };
    });
    if (taken.kind === 'locked') return { ok: false, reason: 'locked', retryAfterMs: taken.retryAfterMs };
    if (taken.kind === 'unknown') {
      const t = this.unknownNames.take(username.toLowerCase(), now);
      if (!t.ok) return { ok: false, reason: 'locked', retryAfterMs: t.retryAfterMs };
      await verifyPassword(password, await dummyHash());
      if (t.lockedNow) return { ok: false, reason: 'locked', retryAfterMs: this.lockout.lockMs };
      return { ok: false, reason: 'invalid' };
    }
    const { row, lockedUntil } = taken;
    if (await verifyPassword(password, row.password_hash)) {
      this.db.run(sql`UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ${row.id}`);
      if (needsRehash(row.password_hash)) {
        // stored under older, cheaper parameters: upgrade it now that the password is at hand
        const hash = await hashPassword(password);
        this.db.run(sql`UPDATE users SET password_hash = ${hash} WHERE id = ${row.id} AND password_hash = ${row.password_hash}`);
      }
      return { ok: true, user: toUser(row) };
    }
    if (lockedUntil) return { ok: false, reason: 'locked', retryAfterMs: lockedUntil - now };
    return { ok: false, reason: 'invalid' };
  }

  /** A new session: the cookie holds the random token, the database only its hash. */
  createSession(userId: number, ip: string, userAgent: string, now = Date.now()): { token: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + SESSION_TTL_MS;
    this.db.run(sql`INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent, last_seen_at)
      VALUES (${hashToken(token)}, ${userId}, ${now}, ${expiresAt}, ${ip}, ${userAgent.slice(0, 300)}, ${now})`);
    return { token, expiresAt };
  }

  /** The user a session token belongs to, while the session is neither expired nor idle too long. */
  sessionUser(token: string | undefined, now = Date.now()): User | undefined {
    if (!token || token.length > 200) return undefined;
    return this.sessionByHash(hashToken(token), now);
  }

  sessionByHash(tokenHash: string, now = Date.now()): User | undefined {
    const row = this.db.get<UserRow & { last_seen_at: number }>(sql`
      SELECT ${USER_COLUMNS}, sessions.last_seen_at AS last_seen_at FROM sessions JOIN users ON users.id = sessions.user_id
      WHERE sessions.token_hash = ${tokenHash} AND sessions.expires_at > ${now} AND sessions.last_seen_at > ${now - SESSION_IDLE_MS}`);
    if (!row) return undefined;
    if (now - row.last_seen_at > SEEN_WRITE_MS) {
      try {
        this.db.run(sql`UPDATE sessions SET last_seen_at = ${now} WHERE token_hash = ${tokenHash}`);
      } catch {
        // a full disk must not sign people out: the idle clock just does not move
      }
    }
    return toUser(row);
  }

  endSession(token: string | undefined): void {
    if (!token || token.length > 200) return;
    const tokenHash = hashToken(token);
    if (this.db.run(sql`DELETE FROM sessions WHERE token_hash = ${tokenHash}`).changes > 0) this.revoke({ tokenHash, reason: 'logout' });
  }

  pruneSessions(now = Date.now()): number {
    return this.db.run(sql`DELETE FROM sessions WHERE expires_at <= ${now} OR last_seen_at <= ${now - SESSION_IDLE_MS}`).changes;
  }
}
