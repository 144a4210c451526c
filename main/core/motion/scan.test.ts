// Motion scan over real recordings: the vtest plaza cut by real ffmpeg into segments and stored through the media store
// (plain, and encrypted), with no stored motion: decoding finds the people walking, a still lawn gives nothing, stored
// "still" segments are skipped undecoded, and a cancel mid-scan kills ffmpeg at once and keeps what was found.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MotionScan } from '../../common/contract/index.js';
import { vtestClip } from '../../../test/fixtures/rtsp-camera.js';
import { ADMIN, VIEWER } from '../../../test/helpers/engine.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { startEngine, type Engine } from '../app.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { sql } from '../storage/sql.js';

const tmp = makeTempDir('porchlight-scan-');
afterAll(() => tmp.cleanup());

const SEG_MS = 4000;
const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
// the road, where people walk the whole clip; the lawn at the lower left, where nothing moves
const ROAD: Array<[number, number]> = [[0.3, 0.3], [1, 0.3], [1, 0.7], [0.3, 0.7]];
const LAWN: Array<[number, number]> = [[0, 0.72], [0.3, 0.72], [0.3, 1], [0, 1]];

/** The 20 s clip as 4 s segments, cut at its keyframes without re-encoding (as a camera's recording is). */
function cutClip(): string[] {
  const dir = join(tmp.dir, 'cut');
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(locateFfmpeg().ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-i', vtestClip(), '-an', '-c', 'copy', '-f', 'segment', '-segment_time', '4', '-reset_timestamps', '1', join(dir, '%03d.mp4')]);
  if (r.status !== 0) throw new Error(`ffmpeg could not cut the clip: ${String(r.stderr)}`);
  return readdirSync(dir).filter((f) => f.endsWith('.mp4')).sort().map((f) => join(dir, f));
}

/** Hands the files to the store as ffmpeg hands a recording (closed files in its staging area), n times over from t0. */
async function record(engine: Engine, cameraId: string, files: string[], t0: number, rounds: number): Promise<void> {
  const sink = engine.media.segmentSink(cameraId);
  for (let i = 0; i < files.length * rounds; i++) {
    const start = t0 + i * SEG_MS;
    sink.prepare(start);
    const iso = new Date(start).toISOString();
    const name = `${iso.slice(11, 19).replaceAll(':', '-')}.mp4`;
    copyFileSync(files[i % files.length]!, join(sink.dir, iso.slice(0, 10), name));
    const done = await sink.finish(name, start);
    if (!done) throw new Error('the store did not take the segment');
    engine.segments.add({ cameraId, path: done.path, start, end: start + SEG_MS, durationMs: SEG_MS, bytes: done.bytes });
  }
}

async function scan(engine: Engine, input: Record<string, unknown>, ctx = ADMIN): Promise<MotionScan> {
  const r = await engine.router.dispatch(ctx, 'motion.scanStart', input);
  if (!r.ok) throw new Error(r.error.message);
  const started = r.value as MotionScan;
  return (await engine.motionScans.wait(started.id))!;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let files: string[];
beforeAll(() => {
  files = cutClip();
  expect(files.length).toBe(5);
});

describe.each([
  { encrypted: false, name: 'plain store' },
  { encrypted: true, name: 'encrypted store' },
])('motion scan by decoding ($name)', ({ encrypted }) => {
  let engine: Engine;
  const dataDir = join(tmp.dir, encrypted ? 'enc' : 'plain');

  beforeAll(async () => {
    mkdirSync(dataDir, { recursive: true });
    engine = await startEngine({ dataDir, host: 'server', startCameras: false, ...(encrypted ? { vault: { encryption: 'on' as const } } : {}) });
    for (const id of ['plaza', 'long']) engine.cameras.upsert({ id, name: id, recordMode: 'off', streams: [{ name: 'main', url: 'rtsp://127.0.0.1:1/x', roles: ['record', 'detect', 'live'] }] });
    await record(engine, 'plaza', files, T0, 1);
    // a longer recording to cancel in the middle of: the clip twelve times over (4 minutes)
    await record(engine, 'long', files, T0, 12);
    expect(engine.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM motion_activity`)?.n).toBe(0);
  }, 60_000);
  afterAll(() => engine?.stop());

  it('finds the people walking on the road by decoding, with times inside the recording, and nothing on the still lawn', async () => {
    const decodes = engine.motionScans.decodes;
    const road = await scan(engine, { cameraId: 'plaza', region: ROAD, after: T0 - 60_000, before: T0 + 60_000 });
    expect(road.state).toBe('done');
    expect(road).toMatchObject({ segmentsTotal: 5, segmentsDone: 5, decoded: 5, skipped: 0, unreadable: 0 });
    expect(engine.motionScans.decodes - decodes).toBe(5);
    expect(road.moments.length).toBeGreaterThan(0);
    for (const m of road.moments) {
      expect(m.sources).toEqual(['decoded']);
      expect(m.start).toBeGreaterThanOrEqual(T0 - 1000);
      expect(m.end).toBeLessThanOrEqual(T0 + 5 * SEG_MS);
      expect(m.end).toBeGreaterThan(m.start);
      expect(m.peak).toBeGreaterThan(0);
    }
    // people walk there the whole clip: the moments cover most of it
    const covered = road.moments.reduce((a, m) => a + (m.end - m.start), 0);
    expect(covered).toBeGreaterThan(10_000);
    const lawn = await scan(engine, { cameraId: 'plaza', region: LAWN, after: T0 - 60_000, before: T0 + 60_000 });
    expect(lawn).toMatchObject({ state: 'done', decoded: 5, moments: [] });
  }, 120_000);

  it('cancel mid-scan: ffmpeg is gone at once, the moments found so far stay, another scan may start', async () => {
    const started = await engine.router.dispatch(VIEWER, 'motion.scanStart', { cameraId: 'long', region: ROAD, after: T0, before: T0 + 60 * SEG_MS });
    if (!started.ok) throw new Error(started.error.message);
    const id = (started.value as MotionScan).id;
    // one scan per user at a time
    const second = await engine.router.dispatch(VIEWER, 'motion.scanStart', { cameraId: 'plaza', region: ROAD, after: T0, before: T0 + 1000 });
    expect(second).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // partial results while it runs: some segments done and moments found, an ffmpeg at work
    const pids = await waitFor(() => {
      const s = engine.motionScans.status(VIEWER.user.name, id);
      const p = engine.motionScans.pids();
      return s && s.segmentsDone >= 2 && s.moments.length > 0 && p.length > 0 ? p : undefined;
    }, 60_000, 'a scan under way', 10);
    const cancelled = await engine.router.dispatch(VIEWER, 'motion.scanCancel', { id });
    if (!cancelled.ok) throw new Error(cancelled.error.message);
    const c = cancelled.value as MotionScan;
    expect(c.state).toBe('cancelled');
    expect(c.segmentsDone).toBeLessThan(c.segmentsTotal);
    expect(c.moments.length).toBeGreaterThan(0);
    for (const pid of pids) expect(alive(pid), `ffmpeg ${pid} still running`).toBe(false);
    expect(engine.motionScans.pids()).toEqual([]);
    // the status keeps saying so, and stays put
    const later = await engine.router.dispatch(VIEWER, 'motion.scanStatus', {});
    expect(later).toMatchObject({ ok: true, value: { id, state: 'cancelled', segmentsDone: c.segmentsDone } });
    // another user's scan is not theirs to see or stop
    const other = { ...VIEWER, user: { ...VIEWER.user, name: 'someone-else' } };
    expect(await engine.router.dispatch(other, 'motion.scanStatus', { id })).toMatchObject({ ok: true, value: null });
    expect(await engine.router.dispatch(other, 'motion.scanCancel', { id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const again = await scan(engine, { cameraId: 'plaza', region: LAWN, after: T0, before: T0 + SEG_MS }, VIEWER);
    expect(again.state).toBe('done');
  }, 120_000);

  it('skips, undecoded, the segments whose stored motion says the region stayed still, and confirms stored movement', async () => {
    // motion detection watched the first three segments; it stored movement on the road in the second one only
    engine.db.run(sql`INSERT INTO motion_watch (camera_id, start, end) VALUES ('plaza', ${T0 - 200}, ${T0 + 3 * SEG_MS + 100})`);
    const roadCells = Buffer.alloc(18);
    roadCells[8] = 0xff; // row 4 (of 9), columns 0-7: the left half of the middle row, on the road and beside it
    engine.db.run(sql`INSERT INTO motion_activity (camera_id, t, cells) VALUES ('plaza', ${T0 + SEG_MS + 2000}, ${roadCells})`);
    // the lawn: two watched segments still there are skipped, the one with stored (road) movement too; two decoded
    let decodes = engine.motionScans.decodes;
    const lawn = await scan(engine, { cameraId: 'plaza', region: LAWN, after: T0, before: T0 + 5 * SEG_MS });
    expect(lawn).toMatchObject({ state: 'done', segmentsTotal: 5, segmentsDone: 5, skipped: 3, decoded: 2, moments: [] });
    expect(engine.motionScans.decodes - decodes).toBe(2);
    // the road without confirming: the stored moment stands as it is, the watched segments are not decoded
    decodes = engine.motionScans.decodes;
    const quick = await scan(engine, { cameraId: 'plaza', region: [[0, 0.4], [0.5, 0.4], [0.5, 0.6], [0, 0.6]], after: T0, before: T0 + 5 * SEG_MS, confirm: false });
    expect(quick).toMatchObject({ state: 'done', skipped: 2, decoded: 2 });
    expect(engine.motionScans.decodes - decodes).toBe(2);
    expect(quick.moments.some((m) => m.sources.includes('stored') && m.start === T0 + SEG_MS + 2000)).toBe(true);
    // confirming: the segment with stored movement is decoded too, and what decoding found there replaces it
    const sure = await scan(engine, { cameraId: 'plaza', region: ROAD, after: T0, before: T0 + 5 * SEG_MS });
    expect(sure).toMatchObject({ state: 'done', skipped: 2, decoded: 3 });
    expect(sure.moments.every((m) => m.sources.includes('decoded'))).toBe(true);
    // a motion mask over the lawn: the stored motion was blind there, so its "still" counts for nothing
    const plaza = engine.cameras.get('plaza')!;
    engine.cameras.upsert({ ...plaza, masks: { ...plaza.masks, motion: [LAWN] } });
    const masked = await scan(engine, { cameraId: 'plaza', region: LAWN, after: T0, before: T0 + 5 * SEG_MS });
    expect(masked).toMatchObject({ state: 'done', skipped: 0, decoded: 5, moments: [] });
    engine.cameras.upsert({ ...plaza, masks: { ...plaza.masks, motion: [] } });
    engine.db.run(sql`DELETE FROM motion_watch`);
    engine.db.run(sql`DELETE FROM motion_activity`);
  }, 120_000);
});

describe('motion scan input', () => {
  let engine: Engine;
  beforeAll(async () => {
    const dir = join(tmp.dir, 'input');
    mkdirSync(dir, { recursive: true });
    engine = await startEngine({ dataDir: dir, host: 'server', startCameras: false });
    engine.cameras.upsert({ id: 'cam', name: 'cam', streams: [{ name: 'main', url: 'rtsp://127.0.0.1:1/x', roles: ['record'] }] });
  });
  afterAll(() => engine?.stop());

  it('refuses a reversed or too long range and an unknown camera; a span with no recording ends at once with nothing', async () => {
    const region = ROAD;
    expect(await engine.router.dispatch(ADMIN, 'motion.scanStart', { cameraId: 'cam', region, after: 10, before: 5 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await engine.router.dispatch(ADMIN, 'motion.scanStart', { cameraId: 'cam', region, after: 0, before: 25 * 3600_000 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await engine.router.dispatch(ADMIN, 'motion.scanStart', { cameraId: 'nope', region, after: 0, before: 1000 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await engine.router.dispatch(ADMIN, 'motion.scanStart', { cameraId: 'cam', region: [[0, 0], [2, 0], [1, 1]], after: 0, before: 1000 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const empty = await scan(engine, { cameraId: 'cam', region, after: T0, before: T0 + 3600_000 });
    expect(empty).toMatchObject({ state: 'done', segmentsTotal: 0, moments: [] });
    expect(await engine.router.dispatch(ADMIN, 'motion.scanCancel', { id: 'scan-unknown' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
