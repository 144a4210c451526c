// Schema 17: the install's export signing key, and evidence holds (events and per-camera ranges retention never touches).
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    -- one row: the Ed25519 key made at install; the private half sealed by the secret box, never stored in clear
    CREATE TABLE signing_keys (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      algorithm TEXT NOT NULL CHECK (algorithm = 'ed25519'),
      public_key TEXT NOT NULL,
      private_key_sealed TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;

    -- an evidence hold: an event (its footage, snapshot and row) or a time range of one camera, until released
    CREATE TABLE evidence_holds (
      id INTEGER PRIMARY KEY,
      camera_id TEXT NOT NULL,
      -- set for an event hold; the event's own times are read at each retention pass (an open event still grows)
      event_id TEXT,
      -- set for a range hold
      start INTEGER,
      end INTEGER,
      reason TEXT NOT NULL DEFAULT '',
      created_by TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      released_by TEXT,
      released_at INTEGER,
      CHECK ((event_id IS NOT NULL AND start IS NULL AND end IS NULL) OR (event_id IS NULL AND start IS NOT NULL AND end > start))
    ) STRICT;
    CREATE INDEX evidence_holds_active ON evidence_holds(camera_id, start) WHERE released_at IS NULL;
    CREATE UNIQUE INDEX evidence_holds_event ON evidence_holds(event_id) WHERE released_at IS NULL AND event_id IS NOT NULL;
  `);
}
