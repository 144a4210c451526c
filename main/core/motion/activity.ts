// Records where each camera saw movement (a 16 x 9 grid per 2-second bucket, only buckets with movement) and when it
// watched at all, and answers motion search from it: "did anything move here between then and then?", without decoding.
import { emptyGrid, GRID_BYTES, markBox, mergeMoments, overlap, regionGrid, type Moment } from '../../common/motion-grid.js';
import type { ScanPiece } from '../../common/motion-moments.js';
import type { Polygon } from '../../common/contract/zones.js';
import type { Box } from '../detect/frame.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';

export const BUCKET_MS = 2000;
/** Buckets closer than this are one moment. */
export const MOMENT_GAP_MS = 6000;
/** At most this many moments are listed (the newest scan range first is not needed: they come in time order). */
const MAX_MOMENTS = 500;
/** Motion rows older than this go, even for a camera that never records. */
const KEEP_MS = 31 * 86_400_000;
/** Frames further apart than this end a watched stretch (the pipeline stopped, or dropped a long run of frames). */
export const WATCH_GAP_MS = 5000;
/** An open watched stretch is written at least this often, so a crash loses little of it. */
const WATCH_WRITE_MS = 10_000;

interface Open {
  t: number;
  grid: Uint8Array;
}

interface Watch {
  start: number;
  last: number;
  written: number;
}

export interface WatchSpan {
  start: number;
  end: number;
}

export class MotionActivity {
  private readonly open = new Map<string, Open>();
  private readonly watch = new Map<string, Watch>();
  private writes = 0;

  constructor(private readonly db: Database) {}

  /** One frame's moving boxes (pixels of a width x height frame); no boxes: the frame was watched and nothing moved. */
  record(cameraId: string, time: number, boxes: readonly Box[], width: number, height: number): void {
    this.watched(cameraId, time);
    const t = Math.floor(time / BUCKET_MS) * BUCKET_MS;
    let cur = this.open.get(cameraId);
    if (cur && cur.t !== t) {
      this.write(cameraId, cur);
      cur = undefined;
    }
    if (!cur) {
      cur = { t, grid: emptyGrid() };
      this.open.set(cameraId, cur);
    }
    for (const b of boxes) markBox(cur.grid, b, width, height);
  }

  /** Extends the camera's watched stretch to this frame, or starts a new one after a gap (or a clock jump back). */
  private watched(cameraId: string, time: number): void {
    const w = this.watch.get(cameraId);
    if (w && time >= w.last && time - w.last <= WATCH_GAP_MS) {
      w.last = time;
      if (time - w.written >= WATCH_WRITE_MS) this.writeWatch(cameraId, w);
      return;
    }
    if (w) this.writeWatch(cameraId, w);
    const fresh = { start: time, last: time, written: time };
    this.watch.set(cameraId, fresh);
    this.writeWatch(cameraId, fresh);
  }

  private writeWatch(cameraId: string, w: Watch): void {
    this.db.run(sql`
      INSERT INTO motion_watch (camera_id, start, end) VALUES (${cameraId}, ${w.start}, ${w.last})
      ON CONFLICT (camera_id, start) DO UPDATE SET end = max(end, excluded.end)`);
    w.written = w.last;
    // a camera that never sees movement still has its watched stretches pruned now and then
    if (++this.writes % 500 === 0) this.prune(cameraId, w.last);
  }

  /** Writes a camera's open bucket and watched stretch (its pipeline stops). */
  flush(cameraId?: string): void {
    for (const [id, cur] of this.open) {
      if (cameraId !== undefined && id !== cameraId) continue;
      this.write(id, cur);
      this.open.delete(id);
    }
    for (const [id, w] of this.watch) {
      if (cameraId !== undefined && id !== cameraId) continue;
      this.writeWatch(id, w);
      this.watch.delete(id);
    }
  }

  /** The stretches motion detection watched the camera that overlap a window, in time order (the open one included). */
  watchedSpans(cameraId: string, after: number, before: number): WatchSpan[] {
    const rows = this.db.all<WatchSpan>(sql`
      SELECT start, end FROM motion_watch WHERE camera_id = ${cameraId} AND start < ${before} AND end > ${after} ORDER BY start`);
    const w = this.watch.get(cameraId);
    if (w && w.start < before && w.last > after) {
      const i = rows.findIndex((r) => r.start === w.start);
      if (i >= 0) rows[i] = { start: w.start, end: Math.max(rows[i]!.end, w.last) };
      else rows.push({ start: w.start, end: w.last });
    }
    return rows.sort((a, b) => a.start - b.start);
  }

  private write(cameraId: string, cur: Open): void {
    if (!cur.grid.some((b) => b !== 0)) return;
    this.db.run(sql`
      INSERT INTO motion_activity (camera_id, t, cells) VALUES (${cameraId}, ${cur.t}, ${Buffer.from(cur.grid)})
      ON CONFLICT (camera_id, t) DO UPDATE SET cells = excluded.cells`);
    // now and then: what is older than the camera's oldest recording (it can no longer be played) or a month goes
    if (++this.writes % 500 === 0) this.prune(cameraId, cur.t);
  }

  prune(cameraId: string, now: number): number {
    const oldest = this.db.get<{ s: number | null }>(sql`SELECT min(start) AS s FROM segments WHERE camera_id = ${cameraId}`)?.s ?? null;
    const floor = Math.max(now - KEEP_MS, oldest ?? now - KEEP_MS);
    this.db.run(sql`DELETE FROM motion_watch WHERE camera_id = ${cameraId} AND end < ${floor}`);
    return this.db.run(sql`DELETE FROM motion_activity WHERE camera_id = ${cameraId} AND t < ${floor}`).changes;
  }

  /** The moments something moved inside the region, in time order. */
  search(cameraId: string, region: Polygon, after: number, before: number): { moments: Moment[]; bucketsWithMotion: number; truncated: boolean } {
    const { hits, rows } = this.hits(cameraId, region, after, before);
    const moments = mergeMoments(hits, BUCKET_MS, MOMENT_GAP_MS);
    return { moments: moments.slice(0, MAX_MOMENTS), bucketsWithMotion: rows, truncated: moments.length > MAX_MOMENTS };
  }

  /** The buckets with movement in the region as scan pieces (peak: the share of the region's cells that moved). */
  pieces(cameraId: string, region: Polygon, after: number, before: number): ScanPiece[] {
    const cells = overlap(regionGrid(region), new Uint8Array(GRID_BYTES).fill(255));
    return this.hits(cameraId, region, after, before).hits.map((h) => ({ start: h.t, end: h.t + BUCKET_MS, peak: h.cells / cells, peakAt: h.t, source: 'stored' }));
  }

  private hits(cameraId: string, region: Polygon, after: number, before: number): { hits: Array<{ t: number; cells: number }>; rows: number } {
    const want = regionGrid(region);
    const rows: Array<{ t: number; cells: Uint8Array }> = this.db.all<{ t: number; cells: Buffer }>(
      sql`SELECT t, cells FROM motion_activity WHERE camera_id = ${cameraId} AND t >= ${after - BUCKET_MS} AND t < ${before} ORDER BY t`,
    );
    // the bucket still filling is read where it is: writing it now would split it in two rows' worth of one
    const open = this.open.get(cameraId);
    if (open && open.t >= after - BUCKET_MS && open.t < before && open.grid.some((b) => b !== 0)) rows.push({ t: open.t, cells: open.grid });
    const hits: Array<{ t: number; cells: number }> = [];
    for (const r of rows) {
      if (r.cells.length !== GRID_BYTES) continue;
      const n = overlap(want, r.cells);
      if (n > 0) hits.push({ t: r.t, cells: n });
    }
    return { hits, rows: rows.length };
  }
}
