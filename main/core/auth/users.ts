// User accounts, login checks with lockout after repeated failures, and login sessions.
import { createHash, randomBytes } from 'node:crypto';
import { ApiFailure, type User } from '../../common/contract/index.js';
import type { Role } from '../../common/contract/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { dummyHash, hashPassword, verifyPassword } from './passwords.js';

export interface LockoutPolicy {
  /** Failed logins in a row before the account is locked. */
  maxFailures: number;
  /** How long the lock lasts; it doubles for every further failure burst, up to maxLockMs. */
  lockMs: number;
  maxLockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 10, lockMs: 5 * 60_000, maxLockMs: 60 * 60_000 };
export const SESSION_TTL_MS = 30 * 24 * 3600_000;

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  created_at: number;
  failed_logins: number;
  locked_until: number;
}

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterMs: number };

const toUser = (r: UserRow): User => ({ id: r.id, username: r.username, role: r.role, createdAt: r.created_at });
const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class Accounts {
  constructor(
    private readonly db: Database,
    private readonly lockout: LockoutPolicy = DEFAULT_LOCKOUT,
  ) {}

  count(): number {
    return this.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM users`)?.n ?? 0;
  }

  list(): User[] {
    return this.db.all<UserRow>(sql`SELECT * FROM users ORDER BY id`).map(toUser);
  }

  async create(username: string, password: string, role: Role): Promise<User> {
    if (this.db.get(sql`SELECT 1 FROM users WHERE username = ${username}`)) {
      throw new ApiFailure('conflict', `A user named ${JSON.stringify(username)} already exists`);
    }
    const hash = await hashPassword(password);
    const id = Number(this.db.run(sql`INSERT INTO users (username, password_hash, role, created_at) VALUES (${username}, ${hash}, ${role}, ${Date.now()})`).lastInsertRowid);
    return toUser(this.db.get<UserRow>(sql`SELECT * FROM users WHERE id = ${id}`)!);
  }

  /** Creates the first admin; refused once any account exists (no takeover of a set-up server). */
  async setup(username: string, password: string): Promise<User> {
    if (this.count() > 0) throw new ApiFailure('forbidden', 'Porchlight is already set up; sign in instead');
    return this.create(username, password, 'admin');
  }

  delete(id: number): boolean {
    const row = this.db.get<UserRow>(sql`SELECT * FROM users WHERE id = ${id}`);
    if (!row) return false;
    if (row.role === 'admin' && (this.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM users WHERE role = 'admin'`)?.n ?? 0) <= 1) {
      throw new ApiFailure('conflict', 'The last admin cannot be removed');
    }
    return this.db.run(sql`DELETE FROM users WHERE id = ${id}`).changes > 0;
  }

  async setPassword(id: number, password: string): Promise<void> {
    const hash = await hashPassword(password);
    if (this.db.run(sql`UPDATE users SET password_hash = ${hash} WHERE id = ${id}`).changes === 0) throw new ApiFailure('not_found', 'No such user');
    this.db.run(sql`DELETE FROM sessions WHERE user_id = ${id}`);
  }

  /**
   * Checks a password. While an account is locked every attempt, even the right password, is refused,
   * so a guesser learns nothing from a lucky guess during the lock.
   */
  async login(username: string, password: string, now = Date.now()): Promise<LoginResult> {
    const row = this.db.get<UserRow>(sql`SELECT * FROM users WHERE username = ${username}`);
    if (!row) {
      await verifyPassword(password, await dummyHash());
      return { ok: false, reason: 'invalid' };
    }
    if (row.locked_until > now) return { ok: false, reason: 'locked', retryAfterMs: row.locked_until - now };
    if (await verifyPassword(password, row.password_hash)) {
      this.db.run(sql`UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ${row.id}`);
      return { ok: true, user: toUser(row) };
    }
    const failures = row.failed_logins + 1;
    let lockedUntil = 0;
    if (failures >= this.lockout.maxFailures && failures % this.lockout.maxFailures === 0) {
      const bursts = failures / this.lockout.maxFailures;
      lockedUntil = now + Math.min(this.lockout.maxLockMs, this.lockout.lockMs * 2 ** (bursts - 1));
    }
    this.db.run(sql`UPDATE users SET failed_logins = ${failures}, locked_until = ${lockedUntil} WHERE id = ${row.id}`);
    if (lockedUntil) return { ok: false, reason: 'locked', retryAfterMs: lockedUntil - now };
    return { ok: false, reason: 'invalid' };
  }

  /** A new session: the cookie holds the random token, the database only its hash. */
  createSession(userId: number, ip: string, userAgent: string): { token: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    const expiresAt = now + SESSION_TTL_MS;
    this.db.run(sql`INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent)
      VALUES (${hashToken(token)}, ${userId}, ${now}, ${expiresAt}, ${ip}, ${userAgent.slice(0, 300)})`);
    return { token, expiresAt };
  }

  sessionUser(token: string | undefined, now = Date.now()): User | undefined {
    if (!token || token.length > 200) return undefined;
    const row = this.db.get<UserRow>(sql`
      SELECT users.* FROM sessions JOIN users ON users.id = sessions.user_id
      WHERE sessions.token_hash = ${hashToken(token)} AND sessions.expires_at > ${now}`);
    return row ? toUser(row) : undefined;
  }

  endSession(token: string | undefined): void {
    if (token) this.db.run(sql`DELETE FROM sessions WHERE token_hash = ${hashToken(token)}`);
  }

  pruneSessions(now = Date.now()): number {
    return this.db.run(sql`DELETE FROM sessions WHERE expires_at <= ${now}`).changes;
  }
}
