// FramePipeline and analyzeFile on real media with the real model, plus filter/zone/lifecycle rules with a scripted detector.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { analyzeFile, formatTable } from './analyze.js';
import { createDetector, type Detector } from './detector.js';
import { ScriptedDetector } from '../../../test/helpers/scripted-detector.js';
import { DetectError, i420Size, type Box, type Detection, type Frame } from './frame.js';
import { decodeImage } from './media.js';
import { FramePipeline, type ObjectEvent } from './pipeline.js';
import { DEFAULT_LABELS } from './settings.js';
import { MODELS_DIR, photo, video } from '../../../test/helpers/test-data.js';

describe('with the real model', () => {
  let detector: Detector;
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(async () => {
    detector = await createDetector({ modelsDir: MODELS_DIR });
    tmp = makeTempDir();
  });
  afterAll(async () => {
    await detector.close();
    tmp.cleanup();
  });

  it('sends nothing from a static scene to the model, though the scene holds a dog, a bicycle and a van', async () => {
    // A 4 s H.264 clip of one still photo: real encoder noise, no motion.
    const clip = join(tmp.dir, 'still.mp4');
    const res = spawnSync(locateFfmpeg().ffmpeg, ['-v', 'error', '-loop', '1', '-i', photo('darknet_dog.jpg'), '-t', '4', '-r', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
    expect(res.status).toBe(0);
    const before = detector.stats().framesIn;
    const result = await analyzeFile(clip, { detector });
    expect(result.kind).toBe('video');
    if (result.kind !== 'video') return;
    expect(result.stats.framesTotal).toBeGreaterThanOrEqual(19);
    expect(result.stats.framesToModel).toBe(0);
    expect(result.events).toEqual([]);
    expect(detector.stats().framesIn).toBe(before);
  });

  it('feeds the same still frame through FramePipeline with zero detector calls and zero events', async () => {
    const still = await decodeImage(photo('darknet_person.jpg'));
    const events: ObjectEvent[] = [];
    const before = detector.stats().framesIn;
    const p = new FramePipeline({ cameraId: 'still', detector, callbacks: { onStart: (e) => events.push(e), onEnd: (e) => events.push(e) } });
    for (let i = 0; i < 25; i++) await p.process({ ...still, time: i * 200 });
    await p.flush();
    expect(p.stats()).toMatchObject({ framesTotal: 25, framesToModel: 0, framesWithMotion: 0 });
    expect(detector.stats().framesIn).toBe(before);
    expect(events).toEqual([]);
  });

  it('reports an unreadable file with a code', async () => {
    const err = await analyzeFile(join(tmp.dir, 'no-such-clip.mp4'), { detector }).catch((e: unknown) => e as DetectError);
    expect(err).toBeInstanceOf(DetectError);
    expect((err as DetectError).code).toBe('media_unreadable');
  });

  it('reports every COCO label passing the min score on a photo (the horse as an animal, never a person)', async () => {
    const result = await analyzeFile(photo('darknet_person.jpg'), { detector });
    expect(result.kind).toBe('image');
    if (result.kind !== 'image') return;
    const labels = result.detections.map((d) => d.label);
    expect(labels).toEqual(expect.arrayContaining(['person', 'dog']));
    for (const d of result.detections) expect(d.score).toBeGreaterThanOrEqual(0.5);
    // the horse stands right of the person (x > 400); DEIMv2-Femto's best label for it is dog, YOLOX-Nano's horse
    const horse = result.detections.filter((d) => d.box[0] > 380);
    expect(horse.length).toBeGreaterThan(0);
    for (const d of horse) expect(['horse', 'dog', 'sheep', 'cow']).toContain(d.label);
    expect(formatTable(result)).toMatch(/person/);
  });

  it('turns the pedestrian clip into person events with times in seconds', async () => {
    const result = await analyzeFile(video('opencv_vtest_20s.mp4'), { detector });
    if (result.kind !== 'video') throw new Error('expected a video result');
    const people = result.events.filter((e) => e.label === 'person');
    expect(people.length).toBeGreaterThanOrEqual(5);
    for (const e of result.events) {
      expect(DEFAULT_LABELS).toContain(e.label);
      expect(e.start).toBeGreaterThanOrEqual(0);
      expect(e.end).toBeGreaterThanOrEqual(e.start);
      expect(e.end).toBeLessThanOrEqual(20.1);
      expect(e.topScore).toBeGreaterThanOrEqual(0.6);
      expect(e.box[2]).toBeLessThanOrEqual(768);
      expect(e.box[3]).toBeLessThanOrEqual(576);
    }
    // Someone is in view for most of the clip.
    expect(Math.max(...people.map((e) => e.end - e.start))).toBeGreaterThan(10);
    expect(result.stats.framesTotal).toBe(100);
    expect(formatTable(result)).toMatch(/person/);
  });

  it('keeps the overhead parking-lot clip free of off-list labels and low scores', async () => {
    const result = await analyzeFile(video('intel_car-detection.mp4'), { detector });
    if (result.kind !== 'video') throw new Error('expected a video result');
    expect(result.stats.framesTotal).toBeGreaterThan(140);
    for (const e of result.events) {
      expect(DEFAULT_LABELS).toContain(e.label);
      expect(e.topScore).toBeGreaterThanOrEqual(0.6);
    }
  });
});

const W = 640;
const H = 480;
const blank = (time: number): Frame => ({ cameraId: 'cam', width: W, height: H, data: new Uint8Array(i420Size(W, H)).fill(100), time });
const person = (box: Box, score = 0.8): Detection => ({ label: 'person', score, box });

function collect(): { events: { kind: string; e: ObjectEvent }[]; callbacks: ConstructorParameters<typeof FramePipeline>[0]['callbacks'] } {
  const events: { kind: string; e: ObjectEvent }[] = [];
  return {
    events,
    callbacks: {
      onStart: (e) => events.push({ kind: 'start', e }),
      onUpdate: (e) => events.push({ kind: 'update', e }),
      onEnd: (e) => events.push({ kind: 'end', e }),
    },
  };
}

describe('FramePipeline rules (scripted detector, motion gate off)', () => {
  it('starts after minHits, reports only meaningful updates, ends once with the best frame', async () => {
    const scores = [0.65, 0.66, 0.65, 0.66, 0.65, 0.9, 0.9, 0.9, 0.9, 0.9];
    const det = new ScriptedDetector((t) => (t / 200 < scores.length ? [person([100, 100, 160, 260], scores[t / 200])] : []));
    const { events, callbacks } = collect();
    const p = new FramePipeline({ cameraId: 'cam', detector: det, settings: { motion: { enabled: false }, tracker: { maxMissedFrames: 2 } }, callbacks });
    for (let i = 0; i < 16; i++) await p.process(blank(i * 200));
    const kinds = events.map((x) => x.kind);
    expect(kinds[0]).toBe('start');
    expect(events[0]!.e.start).toBe(0);
    // Steady medians (0.65..0.66 over frames 2..8) produce no update; at frame 9 the median of ten jumps to 0.78.
    expect(kinds).toEqual(['start', 'update', 'end']);
    expect(events[1]!.e.score).toBe(0.9);
    expect(events[1]!.e.topScore).toBeGreaterThanOrEqual(events[0]!.e.topScore + 0.05);
    expect(kinds.filter((k) => k === 'end')).toHaveLength(1);
    const end = events.at(-1)!.e;
    expect(end.end).toBe(1800);
    expect(end.bestFrame.score).toBe(0.9);
    expect(end.bestFrame.frame.time).toBe(1000);
    expect(end.topScore).toBeGreaterThan(0.75);
  });

  it('drops labels off the allow-list, low scores, tiny boxes and masked objects', async () => {
    const det = new ScriptedDetector(() => [
      { label: 'sink', score: 0.9, box: [10, 10, 200, 200] },
      person([300, 100, 340, 200], 0.3),
      person([500, 400, 503, 403], 0.9),
      person([400, 200, 460, 470], 0.9), // bottom centre (430, 470) lies in the object mask
    ]);
    const { events, callbacks } = collect();
    const p = new FramePipeline({
      cameraId: 'cam',
      detector: det,
      settings: { motion: { enabled: false }, objectMask: [[[0.6, 0.9], [0.75, 0.9], [0.75, 1], [0.6, 1]]] },
      callbacks,
    });
    for (let i = 0; i < 6; i++) {
      const r = await p.process(blank(i * 200));
      expect(r.detections).toEqual([]);
    }
    await p.flush();
    expect(events).toEqual([]);
  });

  it('assigns zones by the box bottom centre and holds back a label until it enters its required zone', async () => {
    // The person walks right along y 300..420; the driveway zone is the right third of the frame.
    const det = new ScriptedDetector((t) => {
      const x = 40 + (t / 200) * 40;
      return t <= 2400 ? [person([x, 300, x + 50, 420])] : [];
    });
    const { events, callbacks } = collect();
    const p = new FramePipeline({
      cameraId: 'cam',
      detector: det,
      settings: {
        motion: { enabled: false },
        zones: [{ name: 'driveway', polygon: [[0.66, 0], [1, 0], [1, 1], [0.66, 1]] }],
        requiredZones: { person: ['driveway'] },
      },
      callbacks,
    });
    for (let i = 0; i < 20; i++) await p.process(blank(i * 200));
    await p.flush();
    const start = events.find((x) => x.kind === 'start')!.e;
    // Bottom centre x = 65 + 40·i crosses 0.66·640 = 422 at i = 9.
    expect(start.zones).toEqual(['driveway']);
    expect(events.filter((x) => x.kind === 'start')).toHaveLength(1);
    const end = events.find((x) => x.kind === 'end')!.e;
    expect(end.enteredZones).toEqual(['driveway']);
    expect(end.start).toBe(0);
  });

  it('a person who crosses a zone corner and walks on is no longer in it; entered zones remember it', async () => {
    // walks right along the bottom; the corner zone covers x 0.2..0.35 of the frame
    const det = new ScriptedDetector((t) => {
      const x = 40 + (t / 200) * 40;
      return t <= 3000 ? [person([x, 300, x + 50, 420])] : [];
    });
    const { events, callbacks } = collect();
    const p = new FramePipeline({
      cameraId: 'cam',
      detector: det,
      settings: { motion: { enabled: false }, zones: [{ name: 'corner', polygon: [[0.2, 0.5], [0.35, 0.5], [0.35, 1], [0.2, 1]] }] },
      callbacks,
    });
    for (let i = 0; i < 20; i++) await p.process(blank(i * 200));
    await p.flush();
    const zonesSeen = events.map((x) => x.e.zones.join(','));
    expect(zonesSeen).toContain('corner');
    const end = events.find((x) => x.kind === 'end')!.e;
    expect(end.enteredZones).toEqual(['corner']);
    expect(end.zones).toEqual([]);
    // the update that reported leaving came while the person was still tracked
    const left = events.findIndex((x, i) => i > zonesSeen.indexOf('corner') && x.e.zones.length === 0);
    expect(events[left]!.kind).toBe('update');
  });

  it('ends a parked object’s event after the maximum still time and starts a new one when it drives off', async () => {
    // a car stands still from 0 to 30 s, then moves away
    const det = new ScriptedDetector((t) => {
      const x = t <= 30_000 ? 100 : 100 + (t - 30_000) / 20;
      return t <= 33_000 ? [{ label: 'car', score: 0.9, box: [x, 200, x + 150, 300] }] : [];
    });
    const { events, callbacks } = collect();
    const alive: number[] = [];
    const p = new FramePipeline({
      cameraId: 'cam',
      detector: det,
      settings: { motion: { enabled: false }, maxStationaryMs: 10_000, tracker: { stationaryFrames: 3, stationaryInterval: 1 } },
      callbacks: { ...callbacks, onAlive: (e) => alive.push(e.lastSeen) },
    });
    for (let i = 0; i <= 180; i++) await p.process(blank(i * 200));
    await p.flush();
    const kinds = events.map((x) => `${x.kind}:${x.e.objectId.includes('~') ? 'new' : 'first'}`);
    expect(kinds.filter((k) => k.startsWith('start'))).toEqual(['start:first', 'start:new']);
    expect(kinds.filter((k) => k.startsWith('end'))).toEqual(['end:first', 'end:new']);
    const firstEnd = events.find((x) => x.kind === 'end')!.e;
    // still from ~0.8 s (three still frames): ended ~10 s later, long before the car left at 30 s
    expect(firstEnd.end!).toBeLessThan(12_000);
    const second = events.find((x) => x.kind === 'start' && x.e.objectId.includes('~'))!.e;
    expect(second.start).toBeGreaterThan(30_000);
    // heartbeats while the first event was open, none while parked
    expect(alive.length).toBeGreaterThan(0);
    expect(alive.filter((t) => t > 12_000 && t < 30_000)).toEqual([]);
  });

  it('without a model, a stretch of motion is one motion event that ends after the scene is still', async () => {
    const { events, callbacks } = collect();
    const p = new FramePipeline({ cameraId: 'cam', callbacks, settings: { motionEvents: { gapMs: 2000 } } });
    expect(p.detecting).toBe(false);
    // a bright square moves across a grey frame for 4 s, then nothing moves
    const frame = (i: number): Frame => {
      const f = blank(i * 200);
      if (i >= 5 && i < 25) {
        const x0 = 40 + i * 16;
        for (let y = 200; y < 280; y++) f.data.fill(230, y * W + x0, y * W + x0 + 60);
      }
      return f;
    };
    for (let i = 0; i < 50; i++) await p.process(frame(i));
    const kinds = events.map((x) => `${x.kind}:${x.e.label}`);
    expect(kinds).toEqual(['start:motion', 'end:motion']);
    const [start, end] = [events[0]!.e, events[1]!.e];
    expect(start.start).toBeGreaterThanOrEqual(1000);
    expect(end.end!).toBeLessThanOrEqual(25 * 200);
    expect(end.bestFrame.frame.width).toBe(W);
    expect(p.stats().framesToModel).toBe(0);
  });

  it('ends what it tracks at the last sighting when frames stop coming (camera offline)', async () => {
    const det = new ScriptedDetector(() => [person([100, 100, 160, 260])]);
    const { events, callbacks } = collect();
    const p = new FramePipeline({ cameraId: 'cam', detector: det, settings: { motion: { enabled: false } }, callbacks });
    for (let i = 0; i < 6; i++) await p.process(blank(i * 200));
    expect(events.map((x) => x.kind)).toEqual(['start']);
    // within the tracker's patience nothing ends; past it, the object ends where it was last seen
    expect(p.expireIdle(1000 + 4000)).toBe(false);
    expect(p.expireIdle(1000 + 6000)).toBe(true);
    expect(events.map((x) => x.kind)).toEqual(['start', 'end']);
    expect(events[1]!.e.end).toBe(1000);
    expect(p.expireIdle(1000 + 60_000)).toBe(false);
  });

  it('keeps only the newest pending frame while busy (push) and counts the skipped ones', async () => {
    const det = new ScriptedDetector(() => [], 30);
    const p = new FramePipeline({ cameraId: 'cam', detector: det, settings: { motion: { enabled: false } } });
    for (let i = 0; i < 6; i++) p.push(blank(i * 200));
    await new Promise((r) => setTimeout(r, 150));
    await p.flush();
    // Frame 0 ran, 1..4 were replaced by the next one, 5 ran.
    expect(p.stats()).toMatchObject({ framesTotal: 2, framesSkipped: 4 });
    // Frames closer together than the camera's fps (5 → 200 ms) are skipped on arrival.
    p.push(blank(1300));
    p.push(blank(1350));
    await new Promise((r) => setTimeout(r, 60));
    await p.flush();
    expect(p.stats()).toMatchObject({ framesTotal: 3, framesSkipped: 5 });
  });
});
