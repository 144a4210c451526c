// Schema 10: per-camera retention days, snapshot bytes in the quota, expiry indexes (events.last_seen, from schema 9, bounds open events).
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    -- NULL: the camera follows the global storage settings
    ALTER TABLE cameras ADD COLUMN continuous_days INTEGER CHECK (continuous_days IS NULL OR continuous_days BETWEEN 0 AND 3650);
    ALTER TABLE cameras ADD COLUMN event_days INTEGER CHECK (event_days IS NULL OR event_days BETWEEN 0 AND 3650);
    -- a camera deleted with "keep its recordings": hidden from the registry, its media still counted and aged out
    ALTER TABLE cameras ADD COLUMN deleted_at INTEGER;

    -- the snapshot and its thumbnail on disk, so snapshots count in the quota
    ALTER TABLE events ADD COLUMN snapshot_bytes INTEGER NOT NULL DEFAULT 0;
    -- expiry walks one camera's unkept events oldest first without visiting kept ones
    CREATE INDEX events_camera_unkept_start ON events(camera_id, start) WHERE keep = 0;
    -- the quota reads every kept event's window once per pass (few rows)
    CREATE INDEX events_kept ON events(camera_id, start) WHERE keep = 1;
    -- expiring an event removes its alerts: without this, each delete would scan the alerts table (ON DELETE SET NULL)
    CREATE INDEX alerts_event ON alerts(event_id);
    CREATE INDEX alerts_camera_time ON alerts(camera_id, time);

    -- how far each camera's age and events-only sweeps have gone: each pass reads only the segments aged since the last
    CREATE TABLE retention_marks (
      camera_id TEXT PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
      aged_through INTEGER NOT NULL DEFAULT 0,
      unclaimed_through INTEGER NOT NULL DEFAULT 0
    ) STRICT;
  `);
}
