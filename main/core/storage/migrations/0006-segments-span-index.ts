// Schema 6: timeline spans read a day of segments (8,640 per camera at 10 s) from an index that covers them.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    -- timeline spans and playback: one camera's segments in a time window, with their ends, without visiting the table;
    -- it serves every query segments_camera_start served, so that one goes
    CREATE INDEX segments_camera_start_end ON segments(camera_id, start, end);
    DROP INDEX segments_camera_start;
  `);
}
