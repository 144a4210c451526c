// The SQLite connection: WAL, foreign keys, cached statements, slow-query logging.
import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger } from '../log/index.js';
import { migrate, type Migration } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { sqliteBinding } from './native-binding.js';
import type { SqlFragment } from './sql.js';

const log = createLogger('storage');
const SLOW_MS = 50;

export type Row = Record<string, unknown>;

export class Database {
  readonly raw: BetterSqlite3.Database;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  private constructor(raw: BetterSqlite3.Database) {
    this.raw = raw;
  }

  /** Opens (creating if needed) and migrates the database; throws a clear error for a newer schema. */
  static open(file: string, opts: { migrations?: readonly Migration[] } = {}): Database {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const nativeBinding = sqliteBinding();
    const raw = new BetterSqlite3(file, nativeBinding ? { nativeBinding } : {});
    try {
      raw.pragma('journal_mode = WAL');
      raw.pragma('foreign_keys = ON');
      raw.pragma('synchronous = NORMAL');
      raw.pragma('busy_timeout = 5000');
      migrate(raw, opts.migrations ?? MIGRATIONS);
    } catch (err) {
      raw.close();
      throw err;
    }
    return new Database(raw);
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
    if (!this.raw.open) return;
    this.statements.clear();
    this.raw.close();
  }
}
