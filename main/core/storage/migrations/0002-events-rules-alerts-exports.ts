// Schema 2: detection events, alert rules and alerts, clip exports; per-camera detection config.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    ALTER TABLE cameras ADD COLUMN config TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE cameras ADD COLUMN onvif TEXT;

    CREATE TABLE events (
      id TEXT PRIMARY KEY,
      camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
      label TEXT NOT NULL,
      start INTEGER NOT NULL,
      end INTEGER,
      top_score REAL NOT NULL,
      box TEXT NOT NULL,
      zones TEXT NOT NULL DEFAULT '[]',
      snapshot TEXT,
      false_positive INTEGER NOT NULL DEFAULT 0,
      keep INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    -- the events page: camera + label + time range, newest first
    CREATE INDEX events_camera_label_start ON events(camera_id, label, start, id);
    -- all cameras, newest first; retention and timeline markers
    CREATE INDEX events_start ON events(start, id);
    -- retention and playback: one camera's events over time, whatever the label
    CREATE INDEX events_camera_start ON events(camera_id, start);

    CREATE TABLE alert_rules (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      enabled INTEGER NOT NULL DEFAULT 1,
      config TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE alerts (
      id INTEGER PRIMARY KEY,
      rule_id TEXT NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
      event_id TEXT REFERENCES events(id) ON DELETE SET NULL,
      camera_id TEXT NOT NULL,
      label TEXT NOT NULL,
      time INTEGER NOT NULL,
      seen INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX alerts_time ON alerts(time);
    CREATE INDEX alerts_rule_camera_time ON alerts(rule_id, camera_id, time);

    CREATE TABLE exports (
      id TEXT PRIMARY KEY,
      camera_ids TEXT NOT NULL,
      start INTEGER NOT NULL,
      end INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
      progress REAL NOT NULL DEFAULT 0,
      path TEXT,
      bytes INTEGER,
      sha256 TEXT,
      error TEXT,
      created_by TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      finished_at INTEGER
    ) STRICT;
    CREATE INDEX exports_created ON exports(created_at);
  `);
}
