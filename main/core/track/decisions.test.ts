// Decisions over tracks: a label vote within a group of confusable labels, and parked objects that make one quiet event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector, type Detector } from '../detect/detector.js';
import { i420Size, iou, type Box, type Detection, type Frame } from '../detect/frame.js';
import { decodeVideo } from '../detect/media.js';
import { FramePipeline, type ObjectEvent } from '../detect/pipeline.js';
import { ScriptedDetector } from '../../../test/helpers/scripted-detector.js';
import { MODELS_DIR, video } from '../../../test/helpers/test-data.js';
import { dedupeByGroup, labelGroup } from './groups.js';
import { Tracker } from './index.js';

const det = (label: string, score: number, box: Box): Detection => ({ label, score, box });
// vtest 768x576: the parked white van (top right) and the car cut by the right edge
const VAN: Box = [650, 43, 722, 101];
const CAR: Box = [733, 49, 768, 95];

describe('label vote and groups', () => {
  it('tracks a van seen as car four times and truck twice as one object named car', () => {
    const t = new Tracker({ minHits: 1 });
    const seq = ['truck', 'car', 'car', 'truck', 'car', 'car'];
    seq.forEach((label, i) => t.update([det(label, 0.7, [100, 100, 200, 160])], i * 200));
    const all = t.all();
    expect(all).toHaveLength(1);
    expect(all[0]?.label).toBe('car');
    expect(all[0]?.votes.truck).toBeCloseTo(1.4);
  });

  it('never links a person to a dog, and keeps one of car/truck on the same box', () => {
    const t = new Tracker({ minHits: 1 });
    t.update([det('person', 0.8, [10, 10, 50, 110])], 0);
    t.update([det('dog', 0.8, [10, 10, 50, 110])], 200);
    expect(t.all().map((o) => o.label).sort()).toEqual(['dog', 'person']);
    expect(dedupeByGroup([det('truck', 0.46, VAN), det('car', 0.72, VAN)]).map((d) => d.label)).toEqual(['car']);
    expect(labelGroup('bus')).toBe(labelGroup('truck'));
    expect(labelGroup('cat')).toBe(labelGroup('dog'));
    expect(labelGroup('person')).not.toBe(labelGroup('dog'));
  });
});

describe('objects already there when detection starts', () => {
  const W = 640;
  const H = 480;
  const blank = (time: number): Frame => ({ cameraId: 'cam', width: W, height: H, data: new Uint8Array(i420Size(W, H)).fill(100), time });

  it('hold their alerts until they move, then report the change once', async () => {
    // a car parked from the first frame drives off at 6 s
    const scripted = new ScriptedDetector((t) => {
      const x = t <= 6000 ? 100 : 100 + (t - 6000) / 10;
      return [det('car', 0.85, [x, 200, x + 150, 300])];
    });
    const events: { kind: string; e: ObjectEvent }[] = [];
    const p = new FramePipeline({
      cameraId: 'cam',
      detector: scripted,
      settings: { motion: { enabled: false }, tracker: { stationaryFrames: 3, stationaryInterval: 1 } },
      callbacks: { onStart: (e) => events.push({ kind: 'start', e }), onUpdate: (e) => events.push({ kind: 'update', e }), onEnd: (e) => events.push({ kind: 'end', e }) },
    });
    for (let i = 0; i <= 40; i++) await p.process(blank(i * 200));
    await p.flush();
    expect(events.filter((x) => x.kind === 'start')).toHaveLength(1);
    expect(events[0]?.e.quiet).toBe('stationary');
    const woke = events.find((x) => x.kind === 'update' && x.e.quiet === null);
    expect(woke).toBeDefined();
    expect(woke?.e.lastSeen).toBeGreaterThan(6000);
  });

  it('a newcomer is never quiet', async () => {
    const scripted = new ScriptedDetector((t) => (t >= 4000 ? [det('person', 0.85, [100, 100, 160, 260])] : []));
    const starts: ObjectEvent[] = [];
    const p = new FramePipeline({ cameraId: 'cam', detector: scripted, settings: { motion: { enabled: false } }, callbacks: { onStart: (e) => starts.push(e) } });
    for (let i = 0; i <= 30; i++) await p.process(blank(i * 200));
    await p.flush();
    expect(starts).toHaveLength(1);
    expect(starts[0]?.quiet).toBeNull();
  });
});

describe('the vtest plaza clip with the default model', () => {
  let detector: Detector;
  beforeAll(async () => {
    detector = await createDetector({ modelsDir: MODELS_DIR });
  });
  afterAll(() => detector.close());

  /** The clip as a camera: looped `loops` times on one clock, through the pipeline a camera gets. */
  async function run(loops: number): Promise<ObjectEvent[]> {
    const ended: ObjectEvent[] = [];
    const p = new FramePipeline({ cameraId: 'plaza', detector, callbacks: { onEnd: (e) => ended.push(e) } });
    for (let loop = 0; loop < loops; loop++) {
      for await (const f of decodeVideo(video('opencv_vtest_20s.mp4'), { fps: 5, cameraId: 'plaza' })) await p.process({ ...f, time: f.time + loop * 20_000 });
    }
    await p.flush();
    return ended;
  }
  const at = (events: ObjectEvent[], place: Box): ObjectEvent[] => events.filter((e) => iou(e.bestFrame.box, place) > 0.5);

  it('gives person events for the walkers and one stable, quiet event per parked vehicle, looped three times', async () => {
    const events = await run(3);
    const people = events.filter((e) => e.label === 'person');
    // several walkers per loop, each their own event
    expect(people.length).toBeGreaterThanOrEqual(3 * 5);
    for (const [place, name] of [
      [VAN, 'van'],
      [CAR, 'car'],
    ] as const) {
      const mine = at(events, place);
      expect(mine.length, `${name} events`).toBeGreaterThanOrEqual(1);
      expect(mine.length, `${name} events`).toBeLessThanOrEqual(1);
      for (const e of mine) {
        expect(labelGroup(e.label)).toBe('vehicle');
        // there from the first frame and never moving: no alert
        expect(e.quiet).toBe('stationary');
        expect(e.end).toBeGreaterThan(50_000);
      }
    }
    // people and animals are never mixed up on this clip: nothing on a walker's box is an animal, and no event is one overlapping a person
    for (const e of events.filter((x) => labelGroup(x.label) !== 'person' && labelGroup(x.label) !== 'vehicle')) {
      expect(people.some((p) => iou(p.bestFrame.box, e.bestFrame.box) > 0.3)).toBe(false);
    }
  }, 240_000);
});
