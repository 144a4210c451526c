// The SQLite connection: encrypted at rest, WAL, foreign keys, cached statements, slow-query logging.
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger } from '../log/index.js';
import { applyKey, assertReadable, connect, isPlainSqlite } from './cipher.js';
import { encryptionStatus, encryptPlainDatabase, recoverInterrupted } from './encryption.js';
import { migrate, type Migration } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import type { SqlFragment } from './sql.js';

const log = createLogger('storage');
const SLOW_MS = 50;

export type Row = Record<string, unknown>;

export class Database {
  private conn: BetterSqlite3.Database;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  /** The file and key it was opened with (`open`); `convertInPlace` reopens it. */
  private origin: { file: string; key: Buffer | null } | null = null;

  private constructor(raw: BetterSqlite3.Database) {
    this.conn = raw;
  }

  /** The connection (replaced by `convertInPlace`: take it per use, never keep it). */
  get raw(): BetterSqlite3.Database {
    return this.conn;
  }

  /**
   * Opens (creating if needed) and migrates the database; throws a clear error for a newer schema.
   *
   * With `key` (32 bytes; the engine passes its secret's `deriveKey('database')`, the vault's key once there is one) the
   * file is encrypted: a new one is created encrypted, an existing plain one is first encrypted beside itself (see
   * encryption.ts) unless the owner rolled that back, and a wrong or missing key throws DatabaseLockedError without
   * writing anything. Without a key the database is plain (tests, tools on throwaway files).
   */
  static open(file: string, opts: { key?: Buffer; migrations?: readonly Migration[] } = {}): Database {
    const onDisk = file !== ':memory:';
    if (onDisk) {
      mkdirSync(dirname(file), { recursive: true });
      recoverInterrupted(file);
      if (opts.key && isPlainSqlite(file) && !encryptionStatus(file).keepPlain) encryptPlainDatabase(file, opts.key);
    }
    const raw = connect(file);
    try {
      const keyed = !!opts.key && onDisk && !isPlainSqlite(file);
      if (keyed && opts.key) applyKey(raw, opts.key);
      assertReadable(raw, file, keyed);
      const backup = onDisk ? encryptionStatus(file).plainBackup : null;
      if (backup) log.warn({ backup }, 'a plain copy of the database is kept from its encryption: `porchlight db confirm-encryption` deletes it, `porchlight db rollback-encryption` goes back');
    } catch (err) {
      raw.close();
      throw err;
    }
    const db = Database.adopt(raw, opts.migrations);
    if (onDisk) db.origin = { file, key: opts.key && !isPlainSqlite(file) ? opts.key : null };
    return db;
  }

  /** The database file (null in memory). */
  get file(): string | null {
    return this.origin?.file ?? null;
  }

  /** Whether the file under this connection is encrypted. */
  get encrypted(): boolean {
    return !!this.origin?.key;
  }

  /**
   * Moves the open database between plain and encrypted while the engine runs: the connection closes, `change`
   * converts the file (encryption.ts: a verified copy, then one atomic rename), and a new connection opens it with
   * `key` (null: plain). All synchronous, so no statement of the engine runs in between; when change throws, the old
   * file is reopened as it was.
   */
  convertInPlace(change: (file: string) => void, key: Buffer | null): void {
    const origin = this.origin;
    if (!origin) throw new Error('only a database opened from a file can be converted');
    this.statements.clear();
    this.conn.close();
    let next = origin;
    try {
      change(origin.file);
      next = { file: origin.file, key };
    } finally {
      const raw = connect(origin.file, { mustExist: true });
      if (next.key) applyKey(raw, next.key);
      assertReadable(raw, origin.file, !!next.key);
      Database.setup(raw);
      this.conn = raw;
      this.origin = next;
    }
  }

  /** A Database over a connection opened (and keyed) elsewhere, set up and migrated as `open` does; bench/db compares drivers with it. */
  static adopt(raw: BetterSqlite3.Database, migrations: readonly Migration[] = MIGRATIONS): Database {
    try {
      Database.setup(raw);
      migrate(raw, migrations);
    } catch (err) {
      raw.close();
      throw err;
    }
    return new Database(raw);
  }

  private static setup(raw: BetterSqlite3.Database): void {
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('busy_timeout = 5000');
    // pages are decrypted into this cache: 16 MB (SQLite's default is 2 MB) keeps the recent events and the indexes hot
    raw.pragma('cache_size = -16384');
  }

  get schemaVersion(): number {
    return this.raw.pragma('user_version', { simple: true }) as number;
  }

  private prepare(q: SqlFragment): BetterSqlite3.Statement {
    let stmt = this.statements.get(q.text);
    if (!stmt) {
      stmt = this.raw.prepare(q.text);
      this.statements.set(q.text, stmt);
    }
    return stmt;
  }

  private timed<T>(q: SqlFragment, fn: () => T): T {
    const t0 = performance.now();
    const out = fn();
    const ms = performance.now() - t0;
    if (ms > SLOW_MS) log.warn({ durationMs: Math.round(ms), sql: q.text.slice(0, 200) }, 'slow query');
    return out;
  }

  all<T = Row>(q: SqlFragment): T[] {
    return this.timed(q, () => this.prepare(q).all(...q.values) as T[]);
  }

  get<T = Row>(q: SqlFragment): T | undefined {
    return this.timed(q, () => this.prepare(q).get(...q.values) as T | undefined);
  }

  run(q: SqlFragment): BetterSqlite3.RunResult {
    return this.timed(q, () => this.prepare(q).run(...q.values));
  }

  /** Runs fn in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.raw.transaction(fn)();
  }

  integrityCheck(): string {
    return String(this.raw.pragma('integrity_check', { simple: true }));
  }

  close(): void {
    if (!this.conn.open) return;
    this.statements.clear();
    this.conn.close();
  }
}
