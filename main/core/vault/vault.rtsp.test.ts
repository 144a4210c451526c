// The engine with encryption on and a real RTSP camera: only ciphertext on disk, playback across segments with a seek,
// then a restart without the key: locked, nothing written or deleted; the key back: recording resumes.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { readableAtRest, walkFiles } from '../../../test/helpers/at-rest.js';
import { ADMIN } from '../../../test/helpers/engine.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { startEngine, type Engine } from '../app.js';
import { ffprobeJson } from '../ffmpeg/ffprobe.js';
import { openPlayback } from '../recordings/recorded-media.js';
import { sql } from '../storage/sql.js';
import { keyFileSource } from './index.js';

const tmp = makeTempDir();
const dataDir = join(tmp.dir, 'data');
const keyDir = join(tmp.dir, 'usb-key');
const keyFile = join(keyDir, 'vault.key');
let cam: RtspCamera;
let engine: Engine | undefined;

const start = (): Promise<Engine> =>
  startEngine({ dataDir, host: 'server', startCameras: true, repairMinAgeMs: 0, storageGuard: { intervalMs: 500 }, vault: { encryption: 'auto', source: keyFileSource(keyFile) } });

const walk = walkFiles;

const segmentCount = (e: Engine): number => e.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM segments`)?.n ?? 0;

beforeAll(async () => {
  mkdirSync(dataDir);
  mkdirSync(keyDir);
  cam = await startRtspCamera({ hevc: false });
}, 60_000);
afterAll(async () => {
  await engine?.stop();
  await cam?.stop();
  tmp.cleanup();
});

describe('recording with encryption on', () => {
  let cameraId = '';

  it('writes only ciphertext, and plays across segments from a seek', async () => {
    engine = await start();
    expect(engine.vault.status().state).toBe('unlocked');
    const res = await engine.router.dispatch(ADMIN, 'cameras.upsert', { name: 'Porch', streams: [{ name: 'main', url: cam.url('/pattern'), roles: ['record'] }], detect: { enabled: false }, recordMode: 'continuous' });
    if (!res.ok) throw new Error(res.error.message);
    cameraId = (res.value as { id: string }).id;
    const e = engine;
    await waitFor(() => segmentCount(e) >= 2, 60_000, 'two recorded segments');
    expect(await readableAtRest(dataDir)).toEqual([]);
    const segs = e.segments.segments(cameraId, 0, Date.now() + 60_000);
    const from = segs[0]!.start + 3000;
    const play = await openPlayback(e, cameraId, { start: String(from), end: String(segs[1]!.end) });
    if (!play.ok) throw new Error(play.message);
    const chunks: Buffer[] = [];
    for await (const c of play.play.stream) chunks.push(c as Buffer);
    const out = join(tmp.dir, 'played.mp4');
    writeFileSync(out, Buffer.concat(chunks));
    const probe = await ffprobeJson(out);
    expect(probe.ok).toBe(true);
    // what remains of the first segment after the seek, and the whole second one
    const duration = Number(probe.ok ? probe.data.format?.duration : 0);
    expect(duration).toBeGreaterThan((segs[1]!.end - segs[0]!.start) / 1000 - 3 - 2.5);
    await e.stop();
    engine = undefined;
  }, 120_000);

  it('restarted without its key: locked, nothing written or deleted; the key back: recording resumes', async () => {
    renameSync(keyFile, `${keyFile}.away`);
    const before = walk(join(dataDir, 'recordings')).sort();
    engine = await start();
    const e = engine;
    expect(e.vault.status()).toMatchObject({ state: 'locked', message: expect.stringMatching(/key file .* is missing/) });
    expect(e.storage.problem()?.code).toBe('vault_locked');
    const health = await e.router.dispatch(ADMIN, 'system.health', {});
    expect(health.ok && (health.value as { vault?: { state: string } }).vault?.state).toBe('locked');
    const rows = segmentCount(e);
    // longer than a segment: a recording camera would have closed one by now
    await new Promise((r) => setTimeout(r, 12_000));
    await e.retention.run();
    expect(walk(join(dataDir, 'recordings')).sort()).toEqual(before);
    expect(segmentCount(e)).toBe(rows);
    expect(e.states.get(cameraId)?.reason ?? '').toMatch(/locked/);

    renameSync(`${keyFile}.away`, keyFile);
    expect((await e.router.dispatch(ADMIN, 'vault.unlock', {})).ok).toBe(true);
    await waitFor(() => e.storage.problem() === null, 10_000, 'the storage check to clear');
    await waitFor(() => segmentCount(e) > rows, 60_000, 'a new segment after unlocking');
    expect(e.vault.status().state).toBe('unlocked');
  }, 120_000);
});
