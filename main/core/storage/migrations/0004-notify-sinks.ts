// Schema 4: notification sinks (webhook, MQTT), one row each; secrets in their own column.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE notify_sinks (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      enabled INTEGER NOT NULL DEFAULT 1,
      -- the sink's settings without its secret, validated by the contract's SinkConfig on read
      config TEXT NOT NULL,
      -- webhook shared secret or MQTT password: one column, so encrypting it at rest touches one place
      secret TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
  `);
}
