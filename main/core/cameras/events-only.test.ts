// An events-only camera with no model: motion becomes `motion` events, and retention keeps the footage around them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Camera, CameraInput, SegmentDto } from '../../common/contract/index.js';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { sql } from '../storage/sql.js';

let cam: RtspCamera;
let h: Awaited<ReturnType<typeof withEngine>>;
// no model anywhere: the engine runs motion only
const noModels = makeTempDir('porchlight-no-models-');

beforeAll(async () => {
  cam = await startRtspCamera({ hevc: false });
  h = await withEngine({ startCameras: true, modelsDir: noModels.dir });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await cam?.stop();
  noModels.cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface EventRow {
  label: string;
  start: number;
  end: number | null;
}

describe('an events-only camera without a model', () => {
  it('keeps the footage around a minute of motion and drops the still footage on either side', async () => {
    expect(h.engine.runtime.health().detector().status).toBe('motion-only');
    const input = (path: string): CameraInput => ({
      name: 'Yard',
      streams: [{ name: 'main', url: cam.url(path), roles: ['record', 'detect', 'live'] }],
      recordMode: 'events',
      detect: { enabled: true, fps: 5, width: 640, height: 360 },
    });
    const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', input('static'));
    if (!res.ok) throw new Error(res.error.message);
    const id = (res.value as Camera).id;
    const segments = (): SegmentDto[] => h.engine.segments.segments(id, 0, Date.now() + 60_000);
    // retention runs as segments arrive: remember every segment that ever existed
    const seen = new Map<number, SegmentDto>();
    const look = (): void => segments().forEach((s) => seen.set(s.id, s));
    const poll = setInterval(look, 1000);

    // still, moving for a minute, still again (each stretch several 10 s segments; the padding is 5 s)
    await sleep(30_000);
    const motionFrom = Date.now();
    await h.engine.router.dispatch(ADMIN, 'cameras.upsert', { ...input('vtest'), id });
    await sleep(60_000);
    const motionTo = Date.now();
    await h.engine.router.dispatch(ADMIN, 'cameras.upsert', { ...input('static'), id });
    await sleep(40_000);
    // stopped, so the footage does not change under the retention pass
    await h.engine.router.dispatch(ADMIN, 'cameras.upsert', { ...input('static'), id, enabled: false });
    await cam.waitForSessions((n) => n === 0, 15_000);
    await sleep(1000);
    clearInterval(poll);
    look();

    const events = h.engine.db.all<EventRow>(sql`SELECT label, start, end FROM events WHERE camera_id = ${id} ORDER BY start`);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.label === 'motion')).toBe(true);
    // the moving stretch is one event or a few; the still scene made none, and every one has ended
    expect(events.every((e) => e.end !== null)).toBe(true);
    expect(events[0]!.start).toBeGreaterThanOrEqual(motionFrom);
    expect(events.at(-1)!.end!).toBeLessThanOrEqual(motionTo + 15_000);
    const before = [...seen.values()];
    expect(before.some((s) => s.end < motionFrom - 10_000)).toBe(true);
    expect(before.some((s) => s.start > motionTo + 20_000)).toBe(true);

    // retention as it runs once the grace for events-only footage is over
    await h.engine.retention.run(Date.now() + 10 * 60_000);
    const kept = segments();
    const { eventPrePaddingS: pre, eventPostPaddingS: post } = h.engine.settings.get('storage');
    const claimed = (s: SegmentDto): boolean => events.some((e) => e.start - pre * 1000 <= s.end && e.end! + post * 1000 >= s.start);
    // still footage away from any event is gone, footage overlapping the motion is all there
    console.log(`motion events ${events.length} (${events.map((e) => `${Math.round((e.start - motionFrom) / 1000)}..${Math.round((e.end! - motionFrom) / 1000)} s`).join(', ')}); segments seen ${before.length}, kept ${kept.length}`);
    expect(kept.every(claimed)).toBe(true);
    expect(before.filter(claimed).map((s) => s.id).sort()).toEqual(kept.map((s) => s.id).sort());
    expect(before.filter((s) => !claimed(s)).length).toBeGreaterThan(0);
    // the kept footage covers the moving stretch (after the reconnect to the moving scene) without holes
    const coveredFrom = events[0]!.start;
    const coveredTo = events.at(-1)!.end!;
    for (let t = coveredFrom; t <= coveredTo; t += 2000) {
      expect(kept.some((s) => s.start - 1500 <= t && s.end + 1500 >= t), `footage at ${t - coveredFrom} ms into the motion`).toBe(true);
    }
    expect(coveredTo - coveredFrom).toBeGreaterThan(40_000);
  }, 300_000);
});
