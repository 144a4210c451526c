// The segment index: every finished segment in SQLite, spans for the timeline, repair after a crash.
import type { SegmentDto, Span } from '../../common/contract/index.js';
import type { Bus } from '../bus/index.js';
import type { SegmentInfo } from '../ingest/segments.js';
import { createLogger } from '../log/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import type { MediaStore } from '../media/index.js';

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

interface SpanRow {
  id: number;
  start: number;
  end: number;
  longest_ms: number;
}

export class SegmentIndex {
  private usedBytes: number;
  private added = 0;

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

  /** Bytes indexed since this process started, never decreasing: the free-space floor may reclaim only what we wrote. */
  get addedBytes(): number {
    return this.added;
  }

  add(s: SegmentFacts): void {
    const added = this.db.transaction(() => {
      const res = this.db.run(sql`
        INSERT INTO segments (camera_id, start, end, duration_ms, path, bytes) VALUES (${s.cameraId}, ${s.start}, ${s.end}, ${s.durationMs}, ${s.path}, ${s.bytes})
        ON CONFLICT (path) DO NOTHING`);
      if (res.changes > 0) this.spanAdded(s.cameraId, s.start, s.end);
      return res.changes > 0;
    });
    if (!added) return;
    this.usedBytes += s.bytes;
    this.added += s.bytes;
    this.bus?.publish('segment.new', { cameraId: s.cameraId, start: s.start, end: s.end, bytes: s.bytes });
  }

  /**
   * Indexes a finished segment, or deletes its file when it cannot be indexed (database full or failing, camera deleted
   * meanwhile): a file the index does not know would never be freed by retention nor counted in the quota.
   */
  async addOrDiscard(s: SegmentFacts): Promise<{ ok: true } | { ok: false; message: string }> {
    try {
      this.add(s);
      return { ok: true };
    } catch (err) {
      const message = (err as Error).message;
      log.error({ camera: s.cameraId, path: s.path, err }, 'segment could not be indexed; its file is deleted');
      try {
        await this.store.remove('recordings', s.path);
      } catch (rmErr) {
        log.error({ camera: s.cameraId, path: s.path, err: rmErr }, 'unindexed segment could not be deleted either');
      }
      return { ok: false, message };
    }
  }

  knownPaths(cameraId: string): Set<string> {
    return new Set(this.db.all<{ path: string }>(sql`SELECT path FROM segments WHERE camera_id = ${cameraId}`).map((r) => r.path));
  }

  /** Removes a segment's row and file; the caller has decided it may go. */
  async remove(row: { id: number; path: string; bytes: number }): Promise<void> {
    await this.store.remove('recordings', row.path);
    if (this.db.transaction(() => this.deleteRow(row.id))) this.usedBytes -= row.bytes;
  }

  /**
   * Rows whose files vanished (deleted by hand) are dropped so the timeline does not lie. Reads the camera's rows a
   * batch at a time and stats them without blocking the loop; present() is asked before every batch, so an unmounted
   * disk (every file "missing") stops it instead of emptying the index.
   */
  async dropMissingFiles(cameraId: string, present: () => boolean = () => true, batch = 500): Promise<number> {
    let dropped = 0;
    let after = -1;
    for (;;) {
      if (!present()) {
        log.warn({ camera: cameraId }, 'recordings folder missing: the index is left as it is');
        break;
      }
      const rows = this.db.all<{ id: number; path: string; bytes: number }>(sql`
        SELECT id, path, bytes FROM segments WHERE camera_id = ${cameraId} AND id > ${after} ORDER BY id LIMIT ${batch}`);
      if (rows.length === 0) break;
      after = rows.at(-1)!.id;
      // a batch of stats, then the loop breathes: start-up never blocks on 30 days of files
      const missing = rows.filter((r) => this.store.size('recordings', r.path) === 0);
      await new Promise((r) => setImmediate(r));
      if (missing.length === 0 || !present()) continue;
      this.db.transaction(() => {
        for (const row of missing) {
          if (!this.deleteRow(row.id)) continue;
          this.usedBytes -= row.bytes;
          dropped++;
        }
      });
    }
    if (dropped) log.warn({ camera: cameraId, dropped }, 'segments missing on disk were removed from the index');
    return dropped;
  }

  /** Bytes of one camera's recordings (a camera about to be deleted). */
  cameraBytes(cameraId: string): number {
    return this.db.get<{ b: number | null }>(sql`SELECT sum(bytes) AS b FROM segments WHERE camera_id = ${cameraId}`)?.b ?? 0;
  }

  /** Rows removed by a cascade (a camera deleted) leave the quota at once. */
  discount(bytes: number): void {
    this.usedBytes -= bytes;
  }

  hasSegments(): boolean {
    return this.db.get(sql`SELECT 1 AS x FROM segments LIMIT 1`) !== undefined;
  }

  /** Deletes one segment row and mends its span; false when the row was already gone. Call inside a transaction. */
  private deleteRow(id: number): boolean {
    const gone = this.db.get<{ camera_id: string; start: number; end: number }>(sql`DELETE FROM segments WHERE id = ${id} RETURNING camera_id, start, end`);
    if (gone) this.spanRemoved(gone.camera_id, gone.start, gone.end);
    return gone !== undefined;
  }

  /** Merges a new segment into the spans within SPAN_GAP_MS of it (an out-of-order one can bridge several). */
  private spanAdded(cameraId: string, start: number, end: number): void {
    const lo = start - SPAN_GAP_MS;
    const hi = end + SPAN_GAP_MS;
    // spans are disjoint, so those meeting [lo, hi] end inside it, except at most one that reaches past hi
    const met = this.db.all<SpanRow>(sql`SELECT id, start, end, longest_ms FROM recording_spans WHERE camera_id = ${cameraId} AND end >= ${lo} AND end <= ${hi}`);
    const beyond = this.db.get<SpanRow>(sql`SELECT id, start, end, longest_ms FROM recording_spans WHERE camera_id = ${cameraId} AND end > ${hi} ORDER BY end LIMIT 1`);
    if (beyond && beyond.start <= hi) met.push(beyond);
    const merged = { start, end, longest: Math.max(0, end - start) };
    for (const m of met) {
      merged.start = Math.min(merged.start, m.start);
      merged.end = Math.max(merged.end, m.end);
      merged.longest = Math.max(merged.longest, m.longest_ms);
    }
    const [only] = met;
    if (only && met.length === 1) {
      if (only.start === merged.start && only.end === merged.end && only.longest_ms === merged.longest) return;
      this.db.run(sql`UPDATE recording_spans SET start = ${merged.start}, end = ${merged.end}, longest_ms = ${merged.longest} WHERE id = ${only.id}`);
      return;
    }
    if (met.length > 0) this.db.run(sql`DELETE FROM recording_spans WHERE id IN ${sql.list(met.map((m) => m.id))}`);
    this.db.run(sql`INSERT INTO recording_spans (camera_id, start, end, longest_ms) VALUES (${cameraId}, ${merged.start}, ${merged.end}, ${merged.longest})`);
  }

  /**
   * Mends the span a just-deleted segment [start, end] belonged to, reading only segments near it: the ones before it
   * still form one run up to their furthest end, and every one starting more than SPAN_GAP_MS after its end still joins
   * the run before it; only those starting in between can split off. Retention deletes the oldest segment each time,
   * so this must not rescan a span (30 days are 259k segments).
   */
  private spanRemoved(cameraId: string, start: number, end: number): void {
    const span = this.db.get<SpanRow>(sql`SELECT id, start, end, longest_ms FROM recording_spans WHERE camera_id = ${cameraId} AND end >= ${end} ORDER BY end LIMIT 1`);
    if (!span || span.start > start) {
      log.warn({ camera: cameraId, start, end }, 'removed segment was in no recorded span');
      return;
    }
    // the run before reached within SPAN_GAP_MS of this start, so its furthest end belongs to a segment starting at most
    // longest_ms + SPAN_GAP_MS earlier
    const before = this.db.get<{ end: number | null }>(sql`
      SELECT max(end) AS end FROM segments
      WHERE camera_id = ${cameraId} AND start >= ${Math.max(span.start, start - SPAN_GAP_MS - span.longest_ms)} AND start < ${start}`)?.end;
    const between = this.db.all<{ start: number; end: number }>(sql`
      SELECT start, end FROM segments WHERE camera_id = ${cameraId} AND start >= ${start} AND start <= ${end + SPAN_GAP_MS} ORDER BY start`);
    const after = this.db.get<{ start: number }>(sql`
      SELECT start FROM segments WHERE camera_id = ${cameraId} AND start > ${end + SPAN_GAP_MS} AND start <= ${span.end} ORDER BY start LIMIT 1`);

    const runs: { start: number; end: number }[] = [];
    let cur = before == null ? undefined : { start: span.start, end: before };
    for (const r of between) {
      if (cur && r.start - cur.end <= SPAN_GAP_MS) cur.end = Math.max(cur.end, r.end);
      else {
        if (cur) runs.push(cur);
        cur = { start: r.start, end: r.end };
      }
    }
    if (after) {
      cur ??= { start: after.start, end: span.end };
      cur.end = span.end;
    }
    if (cur) runs.push(cur);

    const [first, ...rest] = runs;
    if (!first) this.db.run(sql`DELETE FROM recording_spans WHERE id = ${span.id}`);
    else if (first.start !== span.start || first.end !== span.end) {
      this.db.run(sql`UPDATE recording_spans SET start = ${first.start}, end = ${first.end} WHERE id = ${span.id}`);
    }
    for (const r of rest) {
      this.db.run(sql`INSERT INTO recording_spans (camera_id, start, end, longest_ms) VALUES (${cameraId}, ${r.start}, ${r.end}, ${span.longest_ms})`);
    }
  }

  segments(cameraId: string, after: number, before: number): SegmentDto[] {
    const rows = this.db.all<SegmentRow>(sql`
      SELECT * FROM segments WHERE camera_id = ${cameraId} AND start < ${before} AND end > ${after} ORDER BY start`);
    return rows.map(segmentDto);
  }

  /** The camera's newest closed segment, if it recorded anything. */
  newest(cameraId: string): SegmentDto | undefined {
    const row = this.db.get<SegmentRow>(sql`SELECT * FROM segments WHERE camera_id = ${cameraId} ORDER BY start DESC LIMIT 1`);
    return row && segmentDto(row);
  }

  /** Recorded time per camera in a window, contiguous segments merged, cut to the window. */
  spans(cameraIds: string[], after: number, before: number): Span[] {
    const out: Span[] = [];
    for (const cameraId of cameraIds) {
      // spans are disjoint, so those in the window end inside it, except at most one that reaches past its end
      const rows = this.db.all<{ start: number; end: number }>(sql`
        SELECT start, end FROM recording_spans WHERE camera_id = ${cameraId} AND end > ${after} AND end < ${before} ORDER BY end`);
      const last = this.db.get<{ start: number; end: number }>(sql`
        SELECT start, end FROM recording_spans WHERE camera_id = ${cameraId} AND end >= ${before} ORDER BY end LIMIT 1`);
      if (last && last.start < before) rows.push(last);
      for (const r of rows) out.push({ cameraId, start: Math.max(r.start, after), end: Math.min(r.end, before) });
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

  /** Bytes of the segments started since t, of every camera or of those listed. */
  bytesSince(t: number, cameraIds?: readonly string[]): number {
    const only = cameraIds ? sql`AND camera_id IN ${sql.list(cameraIds)}` : sql.empty;
    return this.db.get<{ b: number | null }>(sql`SELECT sum(bytes) AS b FROM segments WHERE start >= ${t} ${only}`)?.b ?? 0;
  }
}

function segmentDto(r: SegmentRow): SegmentDto {
  return { id: r.id, cameraId: r.camera_id, start: r.start, end: r.end, bytes: r.bytes, keep: r.keep === 1, url: r.path };
}
