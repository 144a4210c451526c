// Motion search over a real camera: the vtest plaza through the RTSP server, the engine watching it; movement is
// found where people walk, nothing before the camera started, and the data goes with the camera.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MotionMoment } from '../../common/contract/index.js';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { sql } from '../storage/sql.js';

let camera: RtspCamera;
let h: Awaited<ReturnType<typeof withEngine>>;
let cameraId = '';
let started = 0;

type Found = { moments: MotionMoment[]; bucketsWithMotion: number; truncated: boolean };
async function search(region: Array<[number, number]>, after: number, before: number): Promise<Found> {
  const r = await h.engine.router.dispatch(ADMIN, 'motion.search', { cameraId, region, after, before });
  if (!r.ok) throw new Error(r.error.message);
  return r.value as Found;
}

// the plaza floor, where people walk (the lower two thirds of the picture), and the whole frame
const FLOOR: Array<[number, number]> = [[0, 0.35], [1, 0.35], [1, 1], [0, 1]];
const FRAME: Array<[number, number]> = [[0, 0], [1, 0], [1, 1], [0, 1]];

beforeAll(async () => {
  camera = await startRtspCamera({ hevc: false });
  h = await withEngine({ startCameras: true });
  started = Date.now();
  const r = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', { name: 'Plaza', recordMode: 'off', streams: [{ name: 'main', url: camera.url('vtest'), roles: ['detect', 'live'] }] });
  if (!r.ok) throw new Error(r.error.message);
  cameraId = (r.value as { id: string }).id;
}, 60_000);

afterAll(async () => {
  await h?.close();
  await camera?.stop();
});

describe('motion search', () => {
  it('finds the moments people crossed a drawn region, from motion stored while watching', async () => {
    // watch until a few seconds of movement are stored (the bound only stops a hang)
    await waitFor(() => (h.engine.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM motion_activity WHERE camera_id = ${cameraId}`)?.n ?? 0) >= 5 || undefined, 60_000, 'stored motion');
    const now = Date.now() + 10_000;
    const floor = await search(FLOOR, started, now);
    expect(floor.moments.length).toBeGreaterThan(0);
    expect(floor.truncated).toBe(false);
    for (const m of floor.moments) {
      expect(m.end).toBeGreaterThan(m.start);
      expect(m.start).toBeGreaterThanOrEqual(started - 2000);
      expect(m.peakCells).toBeGreaterThan(0);
    }
    // the moments come in time order and do not overlap
    for (let i = 1; i < floor.moments.length; i++) expect(floor.moments[i]!.start).toBeGreaterThan(floor.moments[i - 1]!.end);
    // the whole frame holds at least what the floor does
    const frame = await search(FRAME, started, now);
    const covered = (ms: MotionMoment[]) => ms.reduce((a, m) => a + (m.end - m.start), 0);
    expect(covered(frame.moments)).toBeGreaterThanOrEqual(covered(floor.moments));
    // before the camera was added nothing was seen
    expect((await search(FRAME, started - 3600_000, started - 60_000)).moments).toEqual([]);
  }, 120_000);

  it('refuses a bad query with a plain error, and forgets the motion with the camera', async () => {
    const reversed = await h.engine.router.dispatch(ADMIN, 'motion.search', { cameraId, region: FRAME, after: 10, before: 5 });
    expect(reversed).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const unknown = await h.engine.router.dispatch(ADMIN, 'motion.search', { cameraId: 'nope', region: FRAME, after: 0, before: 1 });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await h.engine.router.dispatch(ADMIN, 'cameras.delete', { id: cameraId })).ok).toBe(true);
    expect(h.engine.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM motion_activity WHERE camera_id = ${cameraId}`)?.n).toBe(0);
  }, 60_000);
});
