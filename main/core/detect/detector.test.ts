// The Detector's shared bounded queue: under overload it drops the oldest frames and counts drops per camera.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector, type Detector } from './detector.js';
import type { DetectError} from './frame.js';
import { type Detection, type Frame } from './frame.js';
import { decodeImage } from './media.js';
import { fullFrame } from './regions.js';
import { MODELS_DIR, photo } from '../../../test/helpers/test-data.js';

describe('Detector queue', () => {
  let detector: Detector;
  let frame: Frame;
  beforeAll(async () => {
    detector = await createDetector({ modelsDir: MODELS_DIR, workers: 1, queuePerWorker: 2 });
    frame = await decodeImage(photo('darknet_dog.jpg'));
  });
  afterAll(() => detector.close());

  it('drops the oldest waiting frames when full and counts them per camera', async () => {
    const region = [fullFrame(frame.width, frame.height)];
    const calls: Promise<Detection[]>[] = [];
    for (let i = 0; i < 12; i++) calls.push(detector.detect({ ...frame, cameraId: i % 2 ? 'back' : 'front', time: i }, region));
    const settled = await Promise.allSettled(calls);
    const ok = settled.filter((s) => s.status === 'fulfilled');
    const dropped = settled.filter((s) => s.status === 'rejected');
    // One frame runs at once, two wait: the first and the last two survive.
    expect(ok).toHaveLength(3);
    expect(settled[0]?.status).toBe('fulfilled');
    expect(settled[10]?.status).toBe('fulfilled');
    expect(settled[11]?.status).toBe('fulfilled');
    for (const d of dropped) expect(((d as PromiseRejectedResult).reason as DetectError).code).toBe('frame_dropped');
    for (const s of ok) expect((s as PromiseFulfilledResult<Detection[]>).value.some((d) => d.label === 'dog')).toBe(true);
    const stats = detector.stats();
    expect(stats.framesDropped).toBe(9);
    // Frames 1..9 were dropped: odd ones are the back camera's.
    expect(stats.droppedByCamera).toEqual({ back: 5, front: 4 });
    expect(stats.queueCapacity).toBe(2);
    expect(stats.queueLength).toBe(0);
    expect(stats.inferMsMedian).toBeGreaterThan(0);
  });

  it('rejects frames and regions it cannot read instead of reading out of bounds', async () => {
    const err = await detector.detect(frame, [{ x: 700, y: 0, width: 200, height: 100 }]).catch((e: unknown) => e as DetectError);
    expect((err as DetectError).code).toBe('invalid_frame');
    const short = await detector.detect({ ...frame, data: frame.data.subarray(0, 100) }, [fullFrame(frame.width, frame.height)]).catch((e: unknown) => e as DetectError);
    expect((short as DetectError).code).toBe('invalid_frame');
  });

  it('replaces a crashed inference worker and keeps detecting', async () => {
    const slots = (detector as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots;
    await slots[0]!.worker.terminate();
    // Until the replacement is up (about 1 s), frames wait in the bounded queue instead of hanging or failing.
    const dets = await detector.detect(frame, [fullFrame(frame.width, frame.height)]);
    expect(dets.some((d) => d.label === 'dog')).toBe(true);
  });

  it('finds objects through a crop region and maps boxes back to source pixels', async () => {
    // The van sits at x 467..692, y 77..171 of the 768x576 photo; look only at the top-right 416x416 square.
    const dets = await detector.detect(frame, [{ x: 352, y: 0, width: 416, height: 416 }]);
    const car = dets.find((d) => d.label === 'car' || d.label === 'truck');
    expect(car).toBeDefined();
    const [x1, y1, x2, y2] = car!.box;
    expect(Math.abs(x1 - 467)).toBeLessThan(20);
    expect(Math.abs(y1 - 77)).toBeLessThan(20);
    expect(Math.abs(x2 - 692)).toBeLessThan(20);
    expect(Math.abs(y2 - 171)).toBeLessThan(20);
  });
});
