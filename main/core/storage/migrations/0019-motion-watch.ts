// Schema 22: when each camera's motion detection was watching. motion_activity holds only the buckets with movement, so
// an empty stretch there means "still" only where this says it was watched; elsewhere motion search decodes the footage.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS motion_watch (
      camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
      -- the first and the last frame motion was checked on in one unbroken stretch (epoch ms)
      start INTEGER NOT NULL,
      end INTEGER NOT NULL,
      PRIMARY KEY (camera_id, start)
    ) STRICT, WITHOUT ROWID;
  `);
}
