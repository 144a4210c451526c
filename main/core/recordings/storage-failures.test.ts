// The engine over storage trouble: camera delete frees media, injected database errors, background repair, a missing folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from '../app.js';
import { CameraRuntime } from '../cameras/runtime.js';
import { utcDay } from '../ingest/segments.js';
import { sql } from '../storage/sql.js';
import { ADMIN } from '../../../test/helpers/engine.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';

const DEAD_URL = 'rtsp://127.0.0.1:9/none';
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function engineAt(dataDir: string, startCameras = false): Promise<Engine> {
  const engine = await startEngine({ dataDir, host: 'server', startCameras, repairMinAgeMs: 1000 });
  closers.push(() => engine.stop());
  return engine;
}

function tmpDir(): string {
  const t = makeTempDir();
  closers.push(t.cleanup);
  return t.dir;
}

async function addCamera(engine: Engine, name: string): Promise<string> {
  const res = await engine.router.dispatch(ADMIN, 'cameras.upsert', { name, streams: [{ name: 'main', url: DEAD_URL, roles: ['record'] }], detect: { enabled: false } });
  if (!res.ok) throw new Error(res.error.message);
  return (res.value as { id: string }).id;
}

/** A segment file (bytes of zeros: the index does not read it) named as the ingest names them, and its row. */
function addSegment(engine: Engine, cameraId: string, start: number, bytes = 1000, index = true): string {
  const d = new Date(start);
  const dir = join(join(engine.media.root('recordings'), cameraId), utcDay(start));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${String(d.getUTCHours()).padStart(2, '0')}-${String(d.getUTCMinutes()).padStart(2, '0')}-${String(d.getUTCSeconds()).padStart(2, '0')}.mp4`);
  writeFileSync(path, Buffer.alloc(bytes));
  if (index) engine.segments.add({ cameraId, path: relOf(engine, path), start, end: start + 10_000, durationMs: 10_000, bytes });
  return path;
}

/** The path the index keeps for a file: relative to the recordings root. */
function relOf(engine: Engine, abs: string): string {
  return relative(engine.media.root('recordings'), abs);
}

function addEventWithSnapshot(engine: Engine, cameraId: string, id: string, start: number): string {
  const rel = `${cameraId}/${id}.jpg`;
  const file = join(engine.media.root('snapshots'), rel);
  mkdirSync(join(engine.media.root('snapshots'), cameraId), { recursive: true });
  writeFileSync(file, Buffer.alloc(400));
  writeFileSync(file.replace('.jpg', '.thumb.jpg'), Buffer.alloc(100));
  engine.events.upsert({ id, cameraId, label: 'person', start, end: start + 2000, topScore: 0.9, box: [0, 0, 1, 1], zones: [], snapshot: rel, snapshotBytes: 500 });
  return file;
}

const segmentRows = (engine: Engine, cameraId: string) => engine.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM segments WHERE camera_id = ${cameraId}`)!.n;

/** Polls a condition every 100 ms, bounded so a broken engine fails the test instead of hanging it. */
async function until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  for (let waited = 0; !ok(); waited += 100) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('deleting a camera', () => {
  it('removes its recordings, snapshots and thumbnails through the media store, and its bytes from the counts at once', async () => {
    const engine = await engineAt(tmpDir());
    const gone = await addCamera(engine, 'Gone');
    const other = await addCamera(engine, 'Other');
    const t0 = Date.now() - 3600_000;
    const files = [addSegment(engine, gone, t0, 5000), addSegment(engine, gone, t0 + 10_000, 5000)];
    const snap = addEventWithSnapshot(engine, gone, 'ev-gone', t0 + 1000);
    const kept = addSegment(engine, other, t0, 7000);
    expect(engine.retention.usedBytes).toBe(17_500);

    const res = await engine.router.dispatch(ADMIN, 'cameras.delete', { id: gone });
    expect(res).toEqual({ ok: true, value: { deleted: true, freedBytes: 10_500 } });
    expect(files.some(existsSync)).toBe(false);
    expect([existsSync(snap), existsSync(snap.replace('.jpg', '.thumb.jpg'))]).toEqual([false, false]);
    expect(existsSync(join(engine.media.root('recordings'), gone))).toBe(false);
    expect(existsSync(kept)).toBe(true);
    // the quota sees 7,000 bytes now, not the deleted camera's stale 10,500 as well
    expect(engine.retention.usedBytes).toBe(7000);
    expect(engine.segments.totalBytes).toBe(7000);
    const stats = await engine.router.dispatch(ADMIN, 'system.storage', {});
    expect(stats.ok && (stats.value as { usedBytes: number }).usedBytes).toBe(7000);
  });

  it('keeps its media when asked: the camera goes from the list, its footage stays and counts in the quota', async () => {
    const engine = await engineAt(tmpDir());
    const id = await addCamera(engine, 'Retired');
    const file = addSegment(engine, id, Date.now() - 60_000, 4000);
    const res = await engine.router.dispatch(ADMIN, 'cameras.delete', { id, keepRecordings: true });
    expect(res).toEqual({ ok: true, value: { deleted: true, freedBytes: 0 } });
    expect(engine.cameras.list().map((c) => c.id)).not.toContain(id);
    expect(existsSync(file)).toBe(true);
    expect(engine.retention.usedBytes).toBe(4000);
    // deleting it for good later frees it
    expect(await engine.router.dispatch(ADMIN, 'cameras.delete', { id })).toEqual({ ok: true, value: { deleted: true, freedBytes: 4000 } });
    expect(existsSync(file)).toBe(false);
  });
});

describe('database errors on the segment and event paths', () => {
  it('a segment the database refuses is deleted, never left unknown on disk; the next one is indexed', async () => {
    const engine = await engineAt(tmpDir());
    const id = await addCamera(engine, 'Cam');
    const t = Date.now() - 60_000;
    const refused = addSegment(engine, id, t, 1000, false);
    const run = engine.db.run.bind(engine.db);
    engine.db.run = ((q) => {
      if (q.text.includes('INSERT INTO segments')) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return run(q);
    }) as typeof engine.db.run;
    const r1 = await engine.segments.addOrDiscard({ cameraId: id, path: relOf(engine, refused), start: t, end: t + 10_000, durationMs: 10_000, bytes: 1000 });
    expect(r1).toEqual({ ok: false, message: 'database or disk is full' });
    expect(existsSync(refused)).toBe(false);
    engine.db.run = run;
    const fine = addSegment(engine, id, t + 10_000, 1000, false);
    expect(await engine.segments.addOrDiscard({ cameraId: id, path: relOf(engine, fine), start: t + 10_000, end: t + 20_000, durationMs: 10_000, bytes: 1000 })).toEqual({ ok: true });
    expect(segmentRows(engine, id)).toBe(1);
  });

  it('an event the database refuses is logged, not thrown: the detection path goes on', async () => {
    const engine = await engineAt(tmpDir());
    const id = await addCamera(engine, 'Cam');
    const runtime = new CameraRuntime({ ...engine, dataDir: engine.dataDir, segments: engine.segments });
    const upsert = engine.events.upsert.bind(engine.events);
    engine.events.upsert = () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    const w = 32;
    const h = 32;
    const frame = { cameraId: id, width: w, height: h, data: new Uint8Array(w * h * 1.5).fill(128), time: Date.now() };
    const object = { objectId: 'o1', cameraId: id, label: 'person', start: Date.now(), end: null, topScore: 0.9, enteredZones: [], bestFrame: { frame, box: [0, 0, 8, 8], score: 0.9 } };
    // the runtime's private handler, as the pipeline calls it: it must resolve, not reject
    const onObject = (runtime as unknown as { onObject: (e: unknown, ended: boolean) => Promise<void> }).onObject.bind(runtime);
    await expect(onObject(object, false)).resolves.toBeUndefined();
    await expect(onObject({ ...object, end: Date.now() }, true)).resolves.toBeUndefined();
    engine.events.upsert = upsert;
    expect(engine.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM events`)!.n).toBe(0);
  });

  it('an export whose row cannot be written ends failed with a message; the engine stays up', async () => {
    const engine = await engineAt(tmpDir());
    const id = await addCamera(engine, 'Cam');
    const run = engine.db.run.bind(engine.db);
    engine.db.run = ((q) => {
      if (q.text.includes('UPDATE exports')) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return run(q);
    }) as typeof engine.db.run;
    const job = engine.exports.create({ cameras: [id], start: Date.now() - 60_000, end: Date.now() - 30_000 }, { name: 'admin', origin: 'test' });
    const done = await engine.exports.wait(job.id);
    engine.db.run = run;
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/Recording is missing/);
    // the engine still answers
    expect((await engine.router.dispatch(ADMIN, 'cameras.list', {})).ok).toBe(true);
  });
});

describe('start-up repair', () => {
  it('runs in the background after the cameras start: missing files are dropped, unindexed playable ones indexed', async () => {
    const dataDir = tmpDir();
    const first = await engineAt(dataDir);
    const id = await addCamera(first, 'Cam');
    const t0 = Date.now() - 2 * 86_400_000;
    for (let i = 0; i < 1200; i++) addSegment(first, id, t0 + i * 10_000, 100);
    // their files vanish (deleted by hand)
    rmSync(join(first.media.root('recordings'), id), { recursive: true });
    // and ffmpeg finished one file the index never heard of (a crash): a real, playable MP4, old enough
    const lost = new Date(t0 + 86_400_000);
    const lostDir = join(join(first.media.root('recordings'), id), utcDay(lost.getTime()));
    mkdirSync(lostDir, { recursive: true });
    const lostFile = join(lostDir, '12-00-00.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=5', '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', lostFile]);
    utimesSync(lostFile, lost, lost);
    await first.stop();

    const engine = await engineAt(dataDir, true);
    // the engine is up and its cameras started before the repair has dropped anything
    expect(segmentRows(engine, id)).toBe(1200);
    await engine.runtime.repaired();
    expect(engine.db.all<{ path: string }>(sql`SELECT path FROM segments WHERE camera_id = ${id}`).map((r) => r.path)).toEqual([relOf(engine, lostFile)]);
  }, 60_000);
});

describe('a missing recordings folder (an unmounted disk)', () => {
  it('stops recording with a clear state, keeps the index through repair and retention, and recovers when it is back', async () => {
    const dataDir = tmpDir();
    const first = await engineAt(dataDir);
    const id = await addCamera(first, 'Cam');
    const old = Date.now() - 30 * 86_400_000;
    for (let i = 0; i < 3; i++) addSegment(first, id, old + i * 10_000);
    await first.stop();
    const recordings = join(dataDir, 'recordings');
    renameSync(recordings, `${recordings}-unmounted`);

    const engine = await engineAt(dataDir, true);
    expect(engine.storage.problem()).toMatchObject({ code: 'media_missing' });
    await engine.runtime.repaired();
    await engine.retention.run();
    expect(segmentRows(engine, id)).toBe(3);
    await until('the camera to say why it does not record', () => /recordings folder/.test(engine.states.get(id)?.reason ?? ''));
    expect(engine.states.get(id)?.state).toBe('error');
    // nothing was created on the empty mount point for the camera
    expect(readdirSync(recordings)).toEqual([]);

    rmSync(recordings, { recursive: true });
    renameSync(`${recordings}-unmounted`, recordings);
    expect(await engine.storage.check()).toBeNull();
    expect(segmentRows(engine, id)).toBe(3);
  }, 60_000);
});
