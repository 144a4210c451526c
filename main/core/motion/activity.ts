// Records where each camera saw movement (a 16 x 9 grid per 2-second bucket, only buckets with movement) and answers
// motion search from it: "did anything move here between then and then?", without decoding a single recording.
import { emptyGrid, GRID_BYTES, markBox, mergeMoments, overlap, regionGrid, type Moment } from '../../common/motion-grid.js';
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

interface Open {
  t: number;
  grid: Uint8Array;
}

export class MotionActivity {
  private readonly open = new Map<string, Open>();
  private writes = 0;

  constructor(private readonly db: Database) {}

  /** One frame's moving boxes (pixels of a width x height frame). */
  record(cameraId: string, time: number, boxes: readonly Box[], width: number, height: number): void {
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

  /** Writes a camera's open bucket (its pipeline stops). */
  flush(cameraId?: string): void {
    for (const [id, cur] of this.open) {
      if (cameraId !== undefined && id !== cameraId) continue;
      this.write(id, cur);
      this.open.delete(id);
    }
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
    return this.db.run(sql`DELETE FROM motion_activity WHERE camera_id = ${cameraId} AND t < ${floor}`).changes;
  }

  /** The moments something moved inside the region, in time order. */
  search(cameraId: string, region: Polygon, after: number, before: number): { moments: Moment[]; bucketsWithMotion: number; truncated: boolean } {
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
    const moments = mergeMoments(hits, BUCKET_MS, MOMENT_GAP_MS);
    return { moments: moments.slice(0, MAX_MOMENTS), bucketsWithMotion: rows.length, truncated: moments.length > MAX_MOMENTS };
  }
}
