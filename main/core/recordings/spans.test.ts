// Recorded spans kept in step with segments: a randomized model against the old full merge, the migration, and timings.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Span } from '../../common/contract/index.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { Database } from '../storage/database.js';
import { MIGRATIONS } from '../storage/migrations/index.js';
import { sql } from '../storage/sql.js';
import { SegmentIndex } from './index.js';
import type { MediaStore } from '../media/index.js';
import { prng } from '../../../test/helpers/prng.js';

const GAP = 2_000;
const SEG = 10_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);
const ALL = { after: Number.MIN_SAFE_INTEGER, before: Number.MAX_SAFE_INTEGER };

let tmp: ReturnType<typeof makeTempDir>;
let db: Database;
/** Paths whose file is "on disk": the store is a stand-in, the database is a real file. */
let present: Set<string>;
let index: SegmentIndex;

function fakeStore(): MediaStore {
  const store: Pick<MediaStore, 'size' | 'remove'> = {
    size: (_kind, p) => (present.has(p) ? 1 : 0),
    remove: (_kind, p) => Promise.resolve(present.delete(p)),
  };
  return store as MediaStore;
}

function addCameras(d: Database, ids: readonly string[]): void {
  for (const id of ids) d.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES (${id}, ${id}, 0, 0)`);
}

beforeEach(() => {
  tmp = makeTempDir();
  db = Database.open(join(tmp.dir, 'porchlight.db'));
  present = new Set();
  index = new SegmentIndex(db, fakeStore());
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

/** The old algorithm: every segment row of each camera, merged when the next starts within GAP of the furthest end. */
function naiveSpans(d: Database, cameraIds: readonly string[], after: number, before: number): Span[] {
  const out: Span[] = [];
  for (const cameraId of cameraIds) {
    const rows = d.all<{ start: number; end: number }>(sql`SELECT start, end FROM segments WHERE camera_id = ${cameraId} ORDER BY start, id`);
    const runs: Span[] = [];
    let cur: Span | undefined;
    for (const r of rows) {
      if (cur && r.start - cur.end <= GAP) cur.end = Math.max(cur.end, r.end);
      else {
        if (cur) runs.push(cur);
        cur = { cameraId, start: r.start, end: r.end };
      }
    }
    if (cur) runs.push(cur);
    for (const r of runs) if (r.end > after && r.start < before) out.push({ cameraId, start: Math.max(r.start, after), end: Math.min(r.end, before) });
  }
  return out;
}

/** The spans() of before this change, verbatim: the timing baseline. */
function oldSpans(d: Database, cameraIds: readonly string[], after: number, before: number): Span[] {
  const out: Span[] = [];
  for (const cameraId of cameraIds) {
    const rows = d.all<{ start: number; end: number }>(sql`
      SELECT start, end FROM segments WHERE camera_id = ${cameraId} AND start >= ${after - 60_000} AND start < ${before} AND end > ${after} ORDER BY start`);
    let cur: Span | undefined;
    for (const r of rows) {
      if (cur && r.start - cur.end <= GAP) cur.end = Math.max(cur.end, r.end);
      else {
        if (cur) out.push(cur);
        cur = { cameraId, start: r.start, end: r.end };
      }
    }
    if (cur) out.push(cur);
  }
  return out;
}

/** Each stored span is at least as long-reaching as its longest segment says (removal relies on it). */
function longestHolds(d: Database): boolean {
  const bad = d.get<{ n: number }>(sql`
    SELECT count(*) AS n FROM segments s
    WHERE s.end - s.start > (SELECT longest_ms FROM recording_spans r WHERE r.camera_id = s.camera_id AND r.end >= s.end ORDER BY r.end LIMIT 1)`);
  return bad?.n === 0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe('recorded spans', () => {
  it('match a full merge of the segment rows through thousands of adds and removals', async () => {
    const cams = ['a', 'b'];
    addCameras(db, cams);
    const rand = prng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const cursor = new Map(cams.map((c) => [c, T0]));
    let n = 0;
    const add = (cameraId: string, start: number, end: number): void => {
      const path = `/rec/${cameraId}/${n++}.mp4`;
      present.add(path);
      index.add({ cameraId, path, start, end, durationMs: end - start, bytes: 100 });
    };
    type Row = { id: number; path: string; bytes: number };
    const rows = (cameraId: string) => db.all<Row>(sql`SELECT id, path, bytes FROM segments WHERE camera_id = ${cameraId} ORDER BY start, id`);

    let checks = 0;
    for (let batch = 0; batch < 80; batch++) {
      for (let op = 0; op < 50; op++) {
        const cameraId = pick(cams);
        const roll = rand();
        if (roll < 0.62) {
          // in order, mostly back to back; now and then an overlap, a short or long gap, an odd length
          const gap = pick([0, 0, 0, 0, 0, 1_000, 2_000, 2_001, 3_000, -3_000, 120_000, 900_000]);
          const len = rand() < 0.9 ? SEG : pick([1, 4_000, 15_000, 60_000]);
          const start = cursor.get(cameraId)! + gap;
          add(cameraId, start, start + len);
          cursor.set(cameraId, Math.max(cursor.get(cameraId)!, start + len));
        } else if (roll < 0.76) {
          // crash repair: somewhere in what is already recorded, some long enough to bridge spans
          const lo = T0 - 60_000;
          const start = lo + Math.floor(rand() * (cursor.get(cameraId)! - lo));
          add(cameraId, start, start + pick([SEG, SEG, 3_000, 30_000, 240_000]));
        } else if (roll < 0.84) {
          const oldest = db.get<Row>(sql`SELECT id, path, bytes FROM segments WHERE camera_id = ${cameraId} ORDER BY start, id LIMIT 1`);
          if (oldest) await index.remove(oldest);
        } else if (roll < 0.88) {
          const newest = db.get<Row>(sql`SELECT id, path, bytes FROM segments WHERE camera_id = ${cameraId} ORDER BY start DESC, id DESC LIMIT 1`);
          if (newest) await index.remove(newest);
        } else if (roll < 0.985) {
          const all = rows(cameraId);
          if (all.length) await index.remove(pick(all));
        } else {
          // files vanish from disk: a few scattered and one stretch
          const all = rows(cameraId);
          for (const r of all) if (rand() < 0.02) present.delete(r.path);
          const from = Math.floor(rand() * all.length);
          for (const r of all.slice(from, from + 10)) present.delete(r.path);
          await index.dropMissingFiles(cameraId);
        }
      }
      expect(index.spans(cams, ALL.after, ALL.before), `batch ${batch}`).toEqual(naiveSpans(db, cams, ALL.after, ALL.before));
      for (let w = 0; w < 5; w++) {
        const after = T0 + Math.floor(rand() * (Math.max(...cursor.values()) - T0));
        const before = after + pick([1, 5_000, 60_000, 3_600_000, DAY]);
        expect(index.spans(cams, after, before), `batch ${batch} window ${after}..${before}`).toEqual(naiveSpans(db, cams, after, before));
      }
      expect(longestHolds(db)).toBe(true);
      checks++;
    }
    const count = (q: ReturnType<typeof sql>) => db.get<{ n: number }>(q)?.n ?? 0;
    const segments = count(sql`SELECT count(*) AS n FROM segments`);
    const spans = count(sql`SELECT count(*) AS n FROM recording_spans`);
    console.log(`spans model: ${checks} batches of 50 operations; ${segments} segments left in ${spans} spans`);
    // the walk must have kept a real mix alive, or it proved little
    expect(segments).toBeGreaterThan(200);
    expect(spans).toBeGreaterThan(20);
    expect(index.totalBytes).toBe(segments * 100);
  });

  it('goes when its camera goes', () => {
    addCameras(db, ['a']);
    index.add({ cameraId: 'a', path: '/rec/a/1.mp4', start: T0, end: T0 + SEG, durationMs: SEG, bytes: 1 });
    db.run(sql`DELETE FROM cameras WHERE id = 'a'`);
    expect(db.get(sql`SELECT count(*) AS n FROM recording_spans`)).toEqual({ n: 0 });
  });

  it('are built from the segments already recorded when a database at schema 6 is upgraded', () => {
    const file = join(tmp.dir, 'v6.db');
    const v6 = Database.open(file, { migrations: MIGRATIONS.slice(0, 6) });
    addCameras(v6, ['a', 'b', 'c']);
    const rand = prng(6);
    let n = 0;
    v6.transaction(() => {
      for (const cameraId of ['a', 'b']) {
        let t = T0;
        for (let i = 0; i < 3_000; i++) {
          t += [0, 0, 0, 0, 1_000, 2_000, 2_001, 3_000, -4_000, 600_000][Math.floor(rand() * 10)]!;
          const len = rand() < 0.95 ? SEG : 45_000;
          v6.run(sql`INSERT INTO segments (camera_id, start, end, duration_ms, path, bytes) VALUES (${cameraId}, ${t}, ${t + len}, ${len}, ${`/rec/${n++}.mp4`}, 1)`);
          t += len;
        }
      }
    });
    v6.close();

    const db7 = Database.open(file);
    expect(db7.schemaVersion).toBe(MIGRATIONS.length);
    const upgraded = new SegmentIndex(db7, fakeStore());
    const expected = naiveSpans(db7, ['a', 'b', 'c'], ALL.after, ALL.before);
    expect(expected.length).toBeGreaterThan(100);
    expect(upgraded.spans(['a', 'b', 'c'], ALL.after, ALL.before)).toEqual(expected);
    expect(longestHolds(db7)).toBe(true);
    db7.close();
  });

  it('read a few rows for 16 cameras over 3 days, and the oldest segment of 100,000 goes reading only its neighbours', async () => {
    const cams = Array.from({ length: 16 }, (_, i) => `cam${i}`);
    addCameras(db, [...cams, 'big']);
    const rand = prng(16);
    const dayStart = T0 + DAY;
    let seedMs = performance.now();
    db.transaction(() => {
      for (const cameraId of cams) {
        // a day of 10 s segments with an outage or two, as the scale seed has
        const outages = Array.from({ length: 1 + Math.floor(rand() * 2) }, () => {
          const s = dayStart + Math.floor(rand() * (DAY - 3_600_000));
          return { start: s, end: s + 300_000 + Math.floor(rand() * 1_500_000) };
        });
        for (let s = dayStart; s < dayStart + DAY; s += SEG) {
          if (outages.some((o) => s >= o.start && s < o.end)) continue;
          index.add({ cameraId, path: `/rec/${cameraId}/${s}.mp4`, start: s, end: s + SEG, durationMs: SEG, bytes: 1 });
        }
      }
    });
    seedMs = performance.now() - seedMs;

    const after = T0;
    const before = T0 + 3 * DAY;
    const runs = 9;
    const oldMs: number[] = [];
    const newMs: number[] = [];
    let oldOut: Span[] = [];
    let newOut: Span[] = [];
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      oldOut = oldSpans(db, cams, after, before);
      oldMs.push(performance.now() - t);
      t = performance.now();
      newOut = index.spans(cams, after, before);
      newMs.push(performance.now() - t);
    }
    expect(newOut).toEqual(oldOut);
    // a few spans per camera: the stored rows are exactly what is returned
    expect(newOut.length).toBeLessThanOrEqual(cams.length * 3);
    expect(db.get(sql`SELECT count(*) AS n FROM recording_spans`)).toEqual({ n: newOut.length });
    const segments = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM segments`)?.n;

    // one camera with 100,000 back-to-back segments (11.6 days, one span); retention takes the oldest each time
    let bigMs = performance.now();
    db.transaction(() => {
      for (let i = 0; i < 100_000; i++) {
        const s = T0 + i * SEG;
        index.add({ cameraId: 'big', path: `/rec/big/${i}.mp4`, start: s, end: s + SEG, durationMs: SEG, bytes: 1 });
      }
    });
    bigMs = performance.now() - bigMs;
    const removeMs: number[] = [];
    const rowsPerRemove: number[] = [];
    const all = db.all.bind(db);
    let rowsRead = 0;
    for (let i = 0; i < 20; i++) {
      const oldest = db.get<{ id: number; path: string; bytes: number }>(sql`SELECT id, path, bytes FROM segments WHERE camera_id = 'big' ORDER BY start LIMIT 1`)!;
      rowsRead = 0;
      db.all = ((q) => {
        const out = all(q);
        rowsRead += out.length;
        return out;
      }) as typeof db.all;
      const t = performance.now();
      await index.remove(oldest);
      removeMs.push(performance.now() - t);
      db.all = all;
      rowsPerRemove.push(rowsRead);
    }
    expect(index.spans(['big'], ALL.after, ALL.before)).toEqual([{ cameraId: 'big', start: T0 + 20 * SEG, end: T0 + 100_000 * SEG }]);

    const r = (x: number) => Math.round(x * 100) / 100;
    console.log(
      `spans, 16 cameras × 3-day window (${segments} segments, ${newOut.length} spans): ` +
        `old merge of segment rows median ${r(median(oldMs))} ms, recording_spans median ${r(median(newMs))} ms; ` +
        `adding the ${segments} segments ${Math.round(seedMs)} ms; adding 100,000 on one camera ${Math.round(bigMs)} ms, ` +
        `removing its oldest median ${r(median(removeMs))} ms (max ${r(Math.max(...removeMs))} ms)`,
    );
    // mending the span reads the few segments next to the removed one, never the 100,000 of its span
    expect(Math.max(...rowsPerRemove)).toBeLessThanOrEqual(10);
  });
});
