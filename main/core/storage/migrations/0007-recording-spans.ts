// Schema 7: recorded stretches per camera, kept up to date as segments come and go, so the timeline reads a few rows.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    -- one row per run of a camera's segments with gaps of at most 2 s between them (SegmentIndex keeps it in step)
    CREATE TABLE recording_spans (
      id INTEGER PRIMARY KEY,
      camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
      start INTEGER NOT NULL,
      end INTEGER NOT NULL,
      -- at least the longest segment in the span: bounds the look-back when a segment is removed
      longest_ms INTEGER NOT NULL
    ) STRICT;
    -- spans are disjoint per camera, so end order is start order: window reads and merges seek on end
    CREATE INDEX recording_spans_camera_end ON recording_spans(camera_id, end);

    -- gaps and islands: a segment opens a new span when it starts more than 2 s after every earlier segment has ended
    INSERT INTO recording_spans (camera_id, start, end, longest_ms)
    SELECT camera_id, min(start), max(end), max(max(end - start, 0)) FROM (
      SELECT camera_id, start, end, sum(opens) OVER (PARTITION BY camera_id ORDER BY start, id ROWS UNBOUNDED PRECEDING) AS island FROM (
        SELECT id, camera_id, start, end,
          coalesce(start - max(end) OVER (PARTITION BY camera_id ORDER BY start, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) > 2000, 1) AS opens
        FROM segments
      )
    )
    GROUP BY camera_id, island;
  `);
}
