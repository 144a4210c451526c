// Tracker: association by IoU and centroid per label, confirmation, disappearance, stationary objects, scores, best detection.
import { describe, expect, it } from 'vitest';
import type { Box, Detection } from '../detect/frame.js';
import { medianScore, Tracker } from './index.js';

const det = (label: string, box: Box, score = 0.8): Detection => ({ label, box, score });
const shift = (b: Box, dx: number, dy = 0): Box => [b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy];

describe('Tracker', () => {
  it('keeps identities of two people walking past each other on parallel lanes', () => {
    const t = new Tracker();
    let a: Box = [0, 100, 40, 200];
    let b: Box = [400, 300, 440, 400];
    t.update([det('person', a), det('person', b)], 0);
    const [ida, idb] = t.all().map((o) => o.id);
    for (let i = 1; i < 20; i++) {
      a = shift(a, 20);
      b = shift(b, -20);
      t.update([det('person', b), det('person', a)], i * 200);
    }
    const objs = t.all();
    expect(objs).toHaveLength(2);
    expect(objs.find((o) => o.id === ida)?.box).toEqual(a);
    expect(objs.find((o) => o.id === idb)?.box).toEqual(b);
  });

  it('links a fast object by its centre when the boxes no longer overlap, but never across labels', () => {
    const t = new Tracker();
    t.update([det('car', [0, 0, 100, 100])], 0);
    // No overlap; the centre moved 0.74 box diagonals.
    const u = t.update([det('car', [105, 0, 205, 100]), det('dog', [0, 0, 100, 100])], 200);
    expect(u.created.map((o) => o.label)).toEqual(['dog']);
    expect(t.all()).toHaveLength(2);
  });

  it('confirms after minHits and ends after maxMissedFrames looked-at frames', () => {
    const t = new Tracker({ minHits: 3, maxMissedFrames: 2 });
    const box: Box = [10, 10, 60, 110];
    t.update([det('person', box)], 0);
    expect(t.all()[0]?.confirmed).toBe(false);
    t.update([det('person', box)], 200);
    t.update([det('person', box)], 400);
    expect(t.all()[0]?.confirmed).toBe(true);
    // Frames that did not look where the object is do not count as misses.
    for (let i = 0; i < 5; i++) expect(t.update([], 600 + i * 200, () => false).ended).toEqual([]);
    expect(t.update([], 2000).ended).toEqual([]);
    expect(t.update([], 2200).ended).toEqual([]);
    expect(t.update([], 2400).ended.map((o) => o.label)).toEqual(['person']);
    expect(t.all()).toEqual([]);
  });

  it('ends an object missed for longer than maxMissedMs even within the frame budget', () => {
    const t = new Tracker({ maxMissedFrames: 100, maxMissedMs: 1000 });
    t.update([det('dog', [0, 0, 50, 50])], 0);
    expect(t.update([], 500).ended).toEqual([]);
    expect(t.update([], 1500).ended).toHaveLength(1);
  });

  it('marks an object stationary when its box stays put and moving again clears it', () => {
    const t = new Tracker({ stationaryFrames: 5 });
    const box: Box = [100, 100, 200, 180];
    for (let i = 0; i < 6; i++) t.update([det('car', shift(box, i % 2))], i * 200);
    expect(t.all()[0]?.stationary).toBe(true);
    t.update([det('car', shift(box, 60))], 1400);
    expect(t.all()[0]?.stationary).toBe(false);
  });

  it('keeps a median score (padded to three) and the best detection by score, then area', () => {
    expect(medianScore([0.9])).toBe(0);
    expect(medianScore([0.9, 0.8])).toBe(0.8);
    expect(medianScore([0.5, 0.9, 0.7, 0.6])).toBeCloseTo(0.65);
    const t = new Tracker();
    t.update([det('person', [0, 0, 20, 40], 0.6)], 0);
    t.update([det('person', [0, 0, 20, 40], 0.9)], 200);
    t.update([det('person', [0, 0, 20, 40], 0.7)], 400);
    const o = t.all()[0]!;
    expect(o.topScore).toBeCloseTo(0.7);
    expect(o.best.score).toBe(0.9);
    expect(o.best.time).toBe(200);
    // Nearly the same score on a much bigger box is a better snapshot.
    t.update([det('person', [0, 0, 30, 60], 0.88)], 600);
    expect(t.all()[0]!.best.time).toBe(600);
  });
});
