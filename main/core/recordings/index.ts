// The segment index: every finished segment in SQLite, spans for the timeline, repair after a crash.
import type { SegmentDto, Span } from '../../common/contract/index.js';
import type { Bus } from '../bus/index.js';
import type { SegmentInfo } from '../ingest/segments.js';
import { createLogger } from '../log/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import type { MediaStore } from './media-store.js';

const log = createLogger('recordings');

/** Segments closer than this are one continuous span on the timeline. */
const SPAN_GAP_MS = 2_000;

/** One finished recording file, as the ingest reports it and the index stores it (UTC epoch ms). */
export type SegmentFacts = SegmentInfo;

interface SegmentRow {
  id: number;
  camera_id: string;
  start: number;
  end: number;
  duration_ms: number;
  path: string;
  bytes: number;
  keep: number;
}

export class SegmentIndex {
  private usedBytes: number;

  constructor(
    private readonly db: Database,
    private readonly store: MediaStore,
    private readonly bus?: Bus,
  ) {
    this.usedBytes = db.get<{ b: number | null }>(sql`SELECT sum(bytes) AS b FROM segments`)?.b ?? 0;
  }

  get totalBytes(): number {
    return this.usedBytes;
  }

  add(s: SegmentFacts): void {
    const res = this.db.run(sql`
      INSERT INTO segments (camera_id, start, end, duration_ms, path, bytes) VALUES (${s.cameraId}, ${s.start}, ${s.end}, ${s.durationMs}, ${s.path}, ${s.bytes})
      ON CONFLICT (path) DO NOTHING`);
    if (res.changes === 0) return;
    this.usedBytes += s.bytes;
    this.bus?.publish('segment.new', { cameraId: s.cameraId, start: s.start, end: s.end, bytes: s.bytes });
  }

  knownPaths(cameraId: string): Set<string> {
    return new Set(this.db.all<{ path: string }>(sql`SELECT path FROM segments WHERE camera_id = ${cameraId}`).map((r) => r.path));
  }

  /** Removes a segment's row and file; the caller has decided it may go. */
  async remove(row: { id: number; path: string; bytes: number }): Promise<void> {
    await this.store.remove(row.path);
    if (this.db.run(sql`DELETE FROM segments WHERE id = ${row.id}`).changes > 0) this.usedBytes -= row.bytes;
  }

  /** Rows whose files vanished (deleted by hand, disk swapped) are dropped so the timeline does not lie. */
  dropMissingFiles(cameraId: string): number {
    let dropped = 0;
    for (const row of this.db.all<SegmentRow>(sql`SELECT * FROM segments WHERE camera_id = ${cameraId}`)) {
      if (this.store.size(row.path) === 0) {
        this.db.run(sql`DELETE FROM segments WHERE id = ${row.id}`);
        this.usedBytes -= row.bytes;
        dropped++;
      }
    }
    if (dropped) log.warn({ camera: cameraId, dropped }, 'segments missing on disk were removed from the index');
    return dropped;
  }

  segments(cameraId: string, after: number, before: number): SegmentDto[] {
    const rows = this.db.all<SegmentRow>(sql`
      SELECT * FROM segments WHERE camera_id = ${cameraId} AND start < ${before} AND end > ${after} ORDER BY start`);
    return rows.map((r) => ({
      id: r.id,
      cameraId: r.camera_id,
      start: r.start,
      end: r.end,
      bytes: r.bytes,
      keep: r.keep === 1,
      url: this.store.relativePath('recordings', r.path),
    }));
  }

  /** Recorded time per camera in a window, contiguous segments merged. */
  spans(cameraIds: string[], after: number, before: number): Span[] {
    const out: Span[] = [];
    for (const cameraId of cameraIds) {
      // segments start within their 10 s length of the window start, so look back one segment
      const rows = this.db.all<{ start: number; end: number }>(sql`
        SELECT start, end FROM segments WHERE camera_id = ${cameraId} AND start >= ${after - 60_000} AND start < ${before} AND end > ${after} ORDER BY start`);
      let cur: Span | undefined;
      for (const r of rows) {
        if (cur && r.start - cur.end <= SPAN_GAP_MS) cur.end = Math.max(cur.end, r.end);
        else {
          if (cur) out.push(cur);
          cur = { cameraId, start: r.start, end: r.end };
        }
      }
      if (cur) out.push(cur);
    }
    return out;
  }

  setKeep(ids: number[], keep: boolean): number {
    return this.db.run(sql`UPDATE segments SET keep = ${keep} WHERE id IN ${sql.list(ids)}`).changes;
  }

  perCamera(): { cameraId: string; bytes: number; segments: number; oldest: number | null }[] {
    return this.db
      .all<{ camera_id: string; bytes: number; n: number; oldest: number | null }>(
        sql`SELECT camera_id, sum(bytes) AS bytes, count(*) AS n, min(start) AS oldest FROM segments GROUP BY camera_id`,
      )
      .map((r) => ({ cameraId: r.camera_id, bytes: r.bytes, segments: r.n, oldest: r.oldest }));
  }

  bytesSince(t: number): number {
    return this.db.get<{ b: number | null }>(sql`SELECT sum(bytes) AS b FROM segments WHERE start >= ${t}`)?.b ?? 0;
  }
}
