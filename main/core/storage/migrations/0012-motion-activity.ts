// Schema 12: where each camera saw movement, second by second, as a coarse grid: motion search reads it instead of
// decoding recordings, and skips the stretches where nothing moved (they have no rows).
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE motion_activity (
      camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
      -- the bucket's start (epoch ms, a multiple of the bucket length)
      t INTEGER NOT NULL,
      -- one bit per grid cell (16 x 9, row by row) that saw movement in the bucket
      cells BLOB NOT NULL,
      PRIMARY KEY (camera_id, t)
    ) STRICT, WITHOUT ROWID;
  `);
}
