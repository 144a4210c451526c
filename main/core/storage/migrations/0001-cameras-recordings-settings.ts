// Schema 1: cameras and their streams, recording segments, settings.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE cameras (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      enabled INTEGER NOT NULL DEFAULT 1,
      record_mode TEXT NOT NULL DEFAULT 'continuous' CHECK (record_mode IN ('continuous', 'events', 'off')),
      detect_enabled INTEGER NOT NULL DEFAULT 1,
      detect_width INTEGER NOT NULL DEFAULT 640,
      detect_height INTEGER NOT NULL DEFAULT 360,
      detect_fps REAL NOT NULL DEFAULT 5,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE camera_streams (
      camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
      name TEXT NOT NULL CHECK (name IN ('main', 'sub')),
      url TEXT NOT NULL,
      roles TEXT NOT NULL,
      PRIMARY KEY (camera_id, name)
    ) STRICT;

    CREATE TABLE segments (
      id INTEGER PRIMARY KEY,
      camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
      start INTEGER NOT NULL,
      end INTEGER NOT NULL,
      duration_ms INTEGER NOT NULL,
      path TEXT NOT NULL UNIQUE,
      bytes INTEGER NOT NULL,
      keep INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    -- timeline spans and playback: one camera's segments in a time window
    CREATE INDEX segments_camera_start ON segments(camera_id, start);
    -- retention: oldest first across cameras
    CREATE INDEX segments_start ON segments(start);

    CREATE TABLE settings (
      section TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
  `);
}
