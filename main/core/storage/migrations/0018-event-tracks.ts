// Schema 18: where each event's object was, frame by frame (box, label, score), so its clip plays with the box drawn over it.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE event_tracks (
      event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      -- when the detection was made (epoch ms, the frame's time)
      t INTEGER NOT NULL,
      -- the box as shares of the frame (0..1), left, top, right, bottom
      x1 REAL NOT NULL,
      y1 REAL NOT NULL,
      x2 REAL NOT NULL,
      y2 REAL NOT NULL,
      label TEXT NOT NULL,
      score REAL NOT NULL,
      PRIMARY KEY (event_id, t)
    ) STRICT, WITHOUT ROWID;
  `);
}
