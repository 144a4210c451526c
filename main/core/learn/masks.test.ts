// A mask suggested from repeated false alarms at one place: offered, accepted into the camera's object masks (after which
// the camera's pipeline no longer sees that place) or dismissed; and the crops the "learned from you" list shows.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Camera, LearnedCrop, MaskSuggestion } from '../../common/contract/index.js';
import type { Box } from '../../common/contract/events.js';
import { i420Size, type Frame } from '../detect/frame.js';
import { FramePipeline } from '../detect/pipeline.js';
import { pipelineSettings } from '../cameras/runtime.js';
import { ADMIN, VIEWER, withEngine } from '../../../test/helpers/engine.js';
import { ScriptedDetector } from '../../../test/helpers/scripted-detector.js';
import { EMBEDDING_LENGTH } from './appearance.js';
import { suggestMasks } from './masks.js';

type Harness = Awaited<ReturnType<typeof withEngine>>;
const W = 640;
const H = 360;
// a poster by the door the model keeps calling a person: normalised, feet at y 0.7
const POSTER: Box = [0.6, 0.3, 0.7, 0.7];

async function call<T>(h: Harness, ctx: typeof ADMIN, method: string, input: unknown): Promise<T> {
  const res = await h.engine.router.dispatch(ctx, method as never, input as never);
  if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
  return res.value as T;
}

describe('mask suggestions from repeated false alarms (real engine, real database)', () => {
  let h: Harness;
  let cam: Camera;
  let jpeg: Buffer;
  const look = new Float32Array(EMBEDDING_LENGTH).fill(0.1);
  const jitter = (b: Box, d: number): Box => [b[0] + d, b[1], b[2] + d, b[3] + d / 2];

  beforeAll(async () => {
    h = await withEngine();
    jpeg = await sharp({ create: { width: 32, height: 64, channels: 3, background: '#aa3322' } }).jpeg().toBuffer();
    cam = await call<Camera>(h, ADMIN, 'cameras.upsert', { name: 'Door', streams: [{ name: 'main', url: 'rtsp://127.0.0.1:9/door', roles: ['record', 'detect'] }] });
  });
  afterAll(() => h?.close());

  const mark = (box: Box, verdict: 'false_alarm' | 'correct' = 'false_alarm', time = 0): number =>
    h.engine.learned.add({ cameraId: cam.id, eventId: null, verdict, label: 'person', score: 0.7, box, embedding: look, crop: jpeg, time }).id;

  /** People scripted at the poster's place (in pixels), through the camera's own pipeline settings: how many events. */
  async function eventsAtPoster(): Promise<number> {
    const camera = h.engine.cameras.require(cam.id);
    let starts = 0;
    const p = new FramePipeline({
      cameraId: cam.id,
      detector: new ScriptedDetector((t) => [{ label: 'person', score: 0.8, box: [POSTER[0] * W + t / 400, POSTER[1] * H, POSTER[2] * W + t / 400, POSTER[3] * H] }]),
      secondLook: false,
      settings: { ...pipelineSettings(camera), motion: { enabled: false } },
      callbacks: { onStart: () => starts++ },
    });
    for (let i = 0; i < 12; i++) await p.process({ cameraId: cam.id, width: W, height: H, data: new Uint8Array(i420Size(W, H)).fill(100), time: i * 200 } satisfies Frame);
    await p.flush();
    return starts;
  }

  it('offers nothing for two marks, a box round the feet at the third; a viewer sees it, only an admin accepts it', async () => {
    mark(POSTER, 'false_alarm', 1);
    mark(jitter(POSTER, 0.01), 'false_alarm', 2);
    // somewhere else entirely: never part of the suggestion
    mark([0.05, 0.1, 0.15, 0.4], 'false_alarm', 3);
    expect(await call<MaskSuggestion[]>(h, VIEWER, 'learned.maskSuggestions', { cameraId: cam.id })).toEqual([]);
    mark(jitter(POSTER, -0.01), 'false_alarm', 4);
    const [s, ...rest] = await call<MaskSuggestion[]>(h, VIEWER, 'learned.maskSuggestions', { cameraId: cam.id });
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ cameraId: cam.id, labels: ['person'], examples: 3 });
    const box = (s as MaskSuggestion).box;
    // round the feet (x 0.64-0.66, y 0.695-0.705), not the whole poster
    expect(box[0]).toBeLessThan(0.64);
    expect(box[2]).toBeGreaterThan(0.66);
    expect(box[1]).toBeGreaterThan(POSTER[1]);
    expect(box[3]).toBeGreaterThan(0.705);

    expect(await eventsAtPoster()).toBe(1);
    await expect(call(h, VIEWER, 'learned.acceptMask', { cameraId: cam.id, box })).rejects.toMatchObject({ code: 'forbidden' });
    // a box the engine did not offer is no way to write a mask
    await expect(call(h, ADMIN, 'learned.acceptMask', { cameraId: cam.id, box: [0, 0, 1, 1] })).rejects.toMatchObject({ code: 'not_found' });
    expect(await call(h, ADMIN, 'learned.acceptMask', { cameraId: cam.id, box })).toEqual({ objectMasks: 1 });

    const masks = h.engine.cameras.require(cam.id).masks.objects;
    expect(masks).toEqual([
      [
        [box[0], box[1]],
        [box[2], box[1]],
        [box[2], box[3]],
        [box[0], box[3]],
      ],
    ]);
    // the camera no longer makes events there, and the place is not offered again
    expect(await eventsAtPoster()).toBe(0);
    expect(await call<MaskSuggestion[]>(h, VIEWER, 'learned.maskSuggestions', { cameraId: cam.id })).toEqual([]);
  });

  it('dismissed stays dismissed as more marks come in; a "correct" there means no suggestion at all', async () => {
    const shed: Box = [0.2, 0.5, 0.3, 0.9];
    for (let i = 0; i < 3; i++) mark(jitter(shed, i * 0.005), 'false_alarm', 10 + i);
    const [s] = await call<MaskSuggestion[]>(h, VIEWER, 'learned.maskSuggestions', { cameraId: cam.id });
    expect(s?.examples).toBe(3);
    expect(await call(h, ADMIN, 'learned.dismissMask', { cameraId: cam.id, box: s?.box })).toEqual({ ok: true });
    mark(jitter(shed, 0.008), 'false_alarm', 14);
    expect(await call<MaskSuggestion[]>(h, VIEWER, 'learned.maskSuggestions', { cameraId: cam.id })).toEqual([]);
    expect(h.engine.settings.get('learning').dismissedMasks).toEqual([{ cameraId: cam.id, box: s?.box }]);

    const examples: Parameters<typeof suggestMasks>[1] = [0, 1, 2].map(() => ({ verdict: 'false_alarm', label: 'dog', box: shed }));
    expect(suggestMasks('x', examples, [], [])).toHaveLength(1);
    expect(suggestMasks('x', [...examples, { verdict: 'correct', label: 'dog', box: shed }], [], [])).toEqual([]);
  });

  it('serves each example’s crop to a viewer, as it was kept', async () => {
    const id = mark([0.4, 0.1, 0.45, 0.2], 'correct', 20);
    const crop = await call<LearnedCrop>(h, VIEWER, 'learned.crop', { id });
    expect(Buffer.from(crop.jpeg ?? '', 'base64').equals(jpeg)).toBe(true);
    const meta = await sharp(Buffer.from(crop.jpeg ?? '', 'base64')).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 32, height: 64 });
    const none = h.engine.learned.add({ cameraId: cam.id, eventId: null, verdict: 'correct', label: 'cat', score: 0.7, box: [0, 0, 0.1, 0.1], embedding: look, time: 21 }).id;
    expect(await call<LearnedCrop>(h, VIEWER, 'learned.crop', { id: none })).toEqual({ id: none, jpeg: null });
    await expect(call(h, VIEWER, 'learned.crop', { id: 99_999 })).rejects.toMatchObject({ code: 'not_found' });
  });
});
