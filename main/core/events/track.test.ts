// Event tracks: the pipeline hands every detection of a started object on, the store keeps them bounded on a real SQLite file.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackPoint } from '../../common/contract/events.js';
import { ScriptedDetector } from '../../../test/helpers/scripted-detector.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { i420Size, type Box, type Frame } from '../detect/frame.js';
import { ALIVE_MS, FramePipeline } from '../detect/pipeline.js';
import { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { EventRepository } from './repository.js';
import { EventTracks } from './track.js';

const W = 640;
const H = 480;
const STEP_MS = 200;
const blank = (time: number): Frame => ({ cameraId: 'cam', width: W, height: H, data: new Uint8Array(i420Size(W, H)).fill(100), time });

let tmp: ReturnType<typeof makeTempDir>;
let db: Database;
let events: EventRepository;

beforeAll(() => {
  tmp = makeTempDir();
  db = Database.open(join(tmp.dir, 'p.db'));
  events = new EventRepository(db);
  db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES ('cam', 'cam', 0, 0)`);
});
afterAll(() => {
  db.close();
  tmp.cleanup();
});

function addEvent(id: string, start: number): void {
  events.upsert({ id, cameraId: 'cam', label: 'person', start, end: null, topScore: 0.8, box: [0, 0, 0.1, 0.1], zones: [], snapshot: null });
}

describe('event tracks', () => {
  it('stores every detection of a walking person, from its first sighting to its last, as the detector gave it', async () => {
    // a person walks right 10 px a frame for 50 frames (10 s), its score rising; then is gone
    const T0 = Date.UTC(2026, 11, 2, 9);
    const frames = 50;
    const boxAt = (i: number): Box => [40 + 10 * i, 120, 100 + 10 * i, 300];
    const scoreAt = (i: number): number => Math.round((0.7 + 0.004 * i) * 1000) / 1000;
    const det = new ScriptedDetector((t) => {
      const i = (t - T0) / STEP_MS;
      return i < frames ? [{ label: 'person', score: scoreAt(i), box: boxAt(i) }] : [];
    });
    const calls: { objectId: string; points: TrackPoint[] }[] = [];
    let eventId: string | undefined;
    const p = new FramePipeline({
      cameraId: 'cam',
      detector: det,
      secondLook: false,
      settings: { motion: { enabled: false }, tracker: { maxMissedFrames: 2 } },
      callbacks: {
        // as the runtime does: the event row first, then its points
        onStart: (e) => {
          eventId = `ev-${e.objectId}`;
          addEvent(eventId, e.start);
        },
        onTrack: (objectId, points) => {
          calls.push({ objectId, points });
          events.tracks.append(`ev-${objectId}`, points);
        },
      },
    });
    for (let i = 0; i < frames + 6; i++) await p.process(blank(T0 + i * STEP_MS));
    await p.flush();

    expect(eventId).toBeDefined();
    // handed on at the start, every ALIVE_MS, and before the end: never all at once at the end
    expect(calls.length).toBeGreaterThanOrEqual(Math.floor((frames * STEP_MS) / ALIVE_MS) + 1);
    const stored = events.tracks.get(eventId!);
    const expected = Array.from({ length: frames }, (_, i) => {
      const b = boxAt(i);
      return { t: T0 + i * STEP_MS, box: [b[0] / W, b[1] / H, b[2] / W, b[3] / H], label: 'person', score: scoreAt(i) };
    });
    expect(stored.map((s) => s.t)).toEqual(expected.map((e) => e.t));
    stored.forEach((s, i) => {
      const e = expected[i]!;
      expect(s.label).toBe('person');
      expect(s.score).toBeCloseTo(e.score, 3);
      s.box.forEach((v, k) => expect(Math.abs(v - e.box[k]!)).toBeLessThan(0.00006));
    });
  });

  it('keeps a long track bounded, first and last point included, evenly thinned', () => {
    const small = new EventTracks(db, 100);
    addEvent('long', 0);
    const point = (i: number): TrackPoint => ({ t: i * 200, box: [0.1, 0.1, 0.2, 0.2 + i / 10_000], label: 'person', score: 0.8 });
    for (let batch = 0; batch < 30; batch++) small.append('long', Array.from({ length: 25 }, (_, k) => point(batch * 25 + k)));
    const kept = small.get('long');
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept.length).toBeGreaterThan(40);
    expect(kept[0]!.t).toBe(0);
    expect(kept.at(-1)!.t).toBe(749 * 200);
    // in time order, and no stretch left empty: the widest gap is a few times the even spacing
    const gaps = kept.slice(1).map((k, i) => k.t - kept[i]!.t);
    expect(gaps.every((g) => g > 0)).toBe(true);
    expect(Math.max(...gaps)).toBeLessThanOrEqual((4 * (749 * 200)) / kept.length);
  });

  it('clamps boxes to the frame, and goes with its event', () => {
    addEvent('gone', 0);
    events.tracks.append('gone', [{ t: 5, box: [-0.2, 0.5, 1.3, 0.9], label: 'car', score: 0.91234 }]);
    expect(events.tracks.get('gone')).toEqual([{ t: 5, box: [0, 0.5, 1, 0.9], label: 'car', score: 0.912 }]);
    expect(events.delete('gone').deleted).toBe(true);
    expect(events.tracks.get('gone')).toEqual([]);
    expect(db.get<{ n: number }>(sql`SELECT count(*) AS n FROM event_tracks WHERE event_id = 'gone'`)?.n).toBe(0);
  });
});
