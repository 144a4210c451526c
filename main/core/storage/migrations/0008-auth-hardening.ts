// Schema 8: sessions expire when idle as well as at an absolute time; the first-run setup is recorded once, ever.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
    UPDATE sessions SET last_seen_at = created_at;
    -- one row per one-time fact ('setup'): the primary key makes a second first admin impossible, even across processes
    CREATE TABLE auth_state (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      time INTEGER NOT NULL
    ) STRICT;
    INSERT INTO auth_state (key, value, time)
      SELECT 'setup', 'before schema 8', (SELECT min(created_at) FROM users) WHERE EXISTS (SELECT 1 FROM users);
  `);
}
