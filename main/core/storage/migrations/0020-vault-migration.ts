// Schema 19: the state of moving a plain install into the vault (one row), so a killed engine resumes it at next start.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    -- which files are done is read from the media itself (a vault header, a kept original); this row says what the job is doing
    CREATE TABLE vault_migration (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'done', 'confirmed', 'rolling_back')),
      phase TEXT NOT NULL CHECK (phase IN ('database', 'media', 'finished')),
      -- the database was plain when the migration started (rollback makes it plain again; otherwise it stays encrypted)
      db_was_plain INTEGER NOT NULL CHECK (db_was_plain IN (0, 1)),
      reason TEXT,
      started_at INTEGER NOT NULL,
      finished_at INTEGER,
      confirmed_at INTEGER
    ) STRICT;
  `);
}
