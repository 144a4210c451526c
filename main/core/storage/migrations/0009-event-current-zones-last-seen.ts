// Schema 9: events carry the zones their object is in now and when it was last seen (closing events left open by a crash).
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    -- zones holds every zone entered; dwell rules need the ones the object is in now
    ALTER TABLE events ADD COLUMN current_zones TEXT NOT NULL DEFAULT '[]';
    -- the last frame the object was seen in: an event left open by a crash is closed here at start-up
    ALTER TABLE events ADD COLUMN last_seen INTEGER;
    UPDATE events SET current_zones = zones, last_seen = COALESCE(end, start);
    -- start-up and maintenance look for open events only
    CREATE INDEX events_open ON events(camera_id) WHERE end IS NULL;
  `);
}
