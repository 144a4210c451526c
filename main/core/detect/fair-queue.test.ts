// The Detector's queue is fair between cameras and its pre-processing runs in the workers; workers and the provider are settable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoWorkers, createDetector, type Detector } from './detector.js';
import type { Detection, Frame } from './frame.js';
import { decodeImage } from './media.js';
import { fullFrame } from './regions.js';
import { MODELS_DIR, photo } from '../../../test/helpers/test-data.js';

let frame: Frame;
beforeAll(async () => {
  frame = await decodeImage(photo('darknet_dog.jpg'));
});

describe('fair detector queue', () => {
  let detector: Detector;
  beforeAll(async () => {
    detector = await createDetector({ modelsDir: MODELS_DIR, workers: 1, queuePerWorker: 2 });
  });
  afterAll(() => detector.close());

  it('a busy camera loses its own frames, never a quiet camera’s one frame', async () => {
    const region = [fullFrame(frame.width, frame.height)];
    const calls: { cam: string; p: Promise<Detection[]> }[] = [];
    const send = (cam: string, i: number): void => {
      calls.push({ cam, p: detector.detect({ ...frame, cameraId: cam, time: i }, region) });
    };
    for (let i = 0; i < 4; i++) send('busy', i);
    send('quiet', 100);
    for (let i = 4; i < 12; i++) send('busy', i);
    const settled = await Promise.all(calls.map(async (c) => ({ cam: c.cam, ok: await c.p.then(() => true, () => false) })));
    expect(settled.find((s) => s.cam === 'quiet')?.ok).toBe(true);
    const stats = detector.stats();
    expect(stats.droppedByCamera).toEqual({ busy: stats.framesDropped });
    expect(stats.framesDropped).toBeGreaterThan(5);
    expect(stats.queueLength).toBe(0);
  });

  it('serves the cameras in turn: with two cameras waiting, neither waits for the other’s backlog', async () => {
    const region = [fullFrame(frame.width, frame.height)];
    const order: string[] = [];
    const calls: Promise<unknown>[] = [];
    // one in flight, then a: 1 waiting, b: 1 waiting; the queue holds two, so nothing drops
    for (const cam of ['a', 'a', 'b']) calls.push(detector.detect({ ...frame, cameraId: cam }, region).then(() => order.push(cam)));
    await Promise.all(calls);
    expect(order).toEqual(['a', 'a', 'b']);
  });
});

describe('detector setup', () => {
  it('chooses workers from the cores (half, at least one, at most four)', () => {
    expect(autoWorkers(1)).toBe(1);
    expect(autoWorkers(2)).toBe(1);
    expect(autoWorkers(8)).toBe(4);
    expect(autoWorkers(64)).toBe(4);
  });

  it('two workers run with pre-processing in the workers and find the dog', async () => {
    const d = await createDetector({ modelsDir: MODELS_DIR, workers: 2 });
    try {
      const region = [fullFrame(frame.width, frame.height)];
      const results = await Promise.all([0, 1, 2, 3].map((i) => d.detect({ ...frame, cameraId: `c${i}` }, region)));
      for (const r of results) expect(r.some((x) => x.label === 'dog')).toBe(true);
      expect(d.stats().workers).toBe(2);
    } finally {
      await d.close();
    }
  });

  it('an execution provider this machine lacks falls back to the CPU with a plain message', async () => {
    const d = await createDetector({ modelsDir: MODELS_DIR, workers: 1, executionProvider: 'coreml' });
    try {
      expect(d.notice).toMatch(/^CoreML is not available here \(.*\): detection runs on the CPU$/);
      const dets = await d.detect(frame, [fullFrame(frame.width, frame.height)]);
      expect(dets.some((x) => x.label === 'dog')).toBe(true);
    } finally {
      await d.close();
    }
  });
});
