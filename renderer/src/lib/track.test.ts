// The box drawn over a clip: interpolated between detections, held briefly, gone across a long gap; fitted to the letterboxed picture.
import { describe, expect, it } from 'vitest';
import { boxAt, HOLD_MS, MAX_GAP_MS, pictureRect, toElement } from './track.js';

const T = Date.UTC(2026, 11, 2, 9);
const points = [
  { t: T, box: [0.1, 0.2, 0.3, 0.6] as [number, number, number, number], label: 'person', score: 0.7 },
  { t: T + 200, box: [0.2, 0.2, 0.4, 0.6] as [number, number, number, number], label: 'person', score: 0.8 },
  // a long gap: the object was not seen between these
  { t: T + 200 + MAX_GAP_MS + 1, box: [0.6, 0.2, 0.8, 0.6] as [number, number, number, number], label: 'dog', score: 0.6 },
];

describe('box at a moment', () => {
  it('is none before the first detection, the detection itself at its time, blended between two', () => {
    expect(boxAt(points, T - 1)).toBeNull();
    expect(boxAt(points, T)).toEqual({ box: [0.1, 0.2, 0.3, 0.6], label: 'person', score: 0.7 });
    const mid = boxAt(points, T + 100)!;
    mid.box.forEach((v, i) => expect(v).toBeCloseTo([0.15, 0.2, 0.35, 0.6][i]!, 9));
    expect(boxAt(points, T + 200)?.box).toEqual([0.2, 0.2, 0.4, 0.6]);
  });

  it('holds a box briefly where the object was lost, then draws none until it is seen again', () => {
    expect(boxAt(points, T + 200 + HOLD_MS)?.box).toEqual([0.2, 0.2, 0.4, 0.6]);
    expect(boxAt(points, T + 200 + HOLD_MS + 1)).toBeNull();
    expect(boxAt(points, T + 200 + MAX_GAP_MS + 1)).toMatchObject({ label: 'dog' });
    expect(boxAt(points, T + 200 + MAX_GAP_MS + 1 + HOLD_MS + 1)).toBeNull();
    expect(boxAt([], T)).toBeNull();
  });

  it('places the box on the picture, not the bars of a letterboxed video', () => {
    // a 4:3 picture in a 16:9 element: bars left and right
    const pic = pictureRect(1600, 900, 640, 480);
    expect(pic).toEqual({ x: 200, y: 0, width: 1200, height: 900 });
    expect(toElement([0.5, 0.5, 1, 1], pic)).toEqual({ x: 800, y: 450, width: 600, height: 450 });
    // a wide picture in a square: bars above and below
    expect(pictureRect(400, 400, 1280, 720)).toEqual({ x: 0, y: 87.5, width: 400, height: 225 });
  });
});
