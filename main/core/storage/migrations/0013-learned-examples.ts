// Schema 13: the owner's feedback on events kept as labelled examples (appearance + place), and events whose alerts are held.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    -- why an event raises no alert: 'stationary' (there, unmoved, since detection started) or 'learned' (the owner's examples)
    ALTER TABLE events ADD COLUMN quiet TEXT CHECK (quiet IS NULL OR quiet IN ('stationary', 'learned'));

    -- "false alarm" / "correct" on an event: what it looked like and where, so the camera can tell the next one apart
    CREATE TABLE learned_examples (
      id INTEGER PRIMARY KEY,
      camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
      -- the event may age out; the example stays until the owner undoes it
      event_id TEXT REFERENCES events(id) ON DELETE SET NULL,
      verdict TEXT NOT NULL CHECK (verdict IN ('false_alarm', 'correct')),
      label TEXT NOT NULL,
      score REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
      -- normalised [x1, y1, x2, y2] in the frame
      box TEXT NOT NULL,
      -- float32 appearance vector of the crop (colour and gradient histograms)
      embedding BLOB NOT NULL,
      -- the crop itself (JPEG), shown in the "learned from you" list
      crop BLOB,
      time INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      undone_at INTEGER
    ) STRICT;
    CREATE INDEX learned_examples_camera ON learned_examples(camera_id, label) WHERE undone_at IS NULL;
    CREATE UNIQUE INDEX learned_examples_event ON learned_examples(event_id) WHERE undone_at IS NULL AND event_id IS NOT NULL;
  `);
}
