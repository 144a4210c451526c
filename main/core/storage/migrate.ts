// Runs numbered migrations in order, in one transaction, and refuses a database from the future.
import type BetterSqlite3 from 'better-sqlite3';
import { createLogger } from '../log/index.js';

const log = createLogger('storage');

export interface Migration {
  version: number;
  name: string;
  up(db: BetterSqlite3.Database): void;
}

export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This database was written by a newer Porchlight (schema ${found}; this version understands up to ${supported}). ` +
        'Update Porchlight, or point it at another data directory; the database was left untouched.',
    );
    this.name = 'SchemaTooNewError';
  }
}

export function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}: migrations must be numbered 1..n without gaps`);
    }
  });
}

export function migrate(db: BetterSqlite3.Database, migrations: readonly Migration[]): void {
  checkOrder(migrations);
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.length;
  if (current > latest) throw new SchemaTooNewError(current, latest);
  if (current === latest) return;
  const pending = migrations.slice(current);
  db.transaction(() => {
    for (const m of pending) {
      m.up(db);
      log.info({ version: m.version, name: m.name }, 'migrated');
    }
    db.pragma(`user_version = ${latest}`);
  })();
}
