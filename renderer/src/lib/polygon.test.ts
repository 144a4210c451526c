// Zone editor maths: points stay on the picture, polygons keep at least three points, clicks land on the nearest edge.
import { describe, expect, it } from 'vitest';
import { area, arrowDelta, clampPoint, insertNearest, keyStep, movePoint, nudgePoint, removePoint, splitEdge, starterRect, toNormalised } from './polygon.js';

const square = starterRect();

describe('zone polygon editing', () => {
  it('starts from a centred rectangle covering 16% of the picture, later ones offset so they do not hide each other', () => {
    expect(square).toEqual([[0.3, 0.3], [0.7, 0.3], [0.7, 0.7], [0.3, 0.7]]);
    expect(area(square)).toBeCloseTo(0.16, 6);
    expect(starterRect(1)[0]).toEqual([0.34, 0.34]);
  });

  it('keeps points on the picture whatever the drag or key does', () => {
    expect(clampPoint([-0.2, 1.7])).toEqual([0, 1]);
    expect(movePoint(square, 2, [1.5, 0.5])[2]).toEqual([1, 0.5]);
    let p = square;
    for (let i = 0; i < 100; i++) p = nudgePoint(p, 0, -0.05, -0.05);
    expect(p[0]).toEqual([0, 0]);
    expect(movePoint(square, 9, [0.5, 0.5])).toBe(square);
  });

  it('never drops under three points and adds one halfway along an edge', () => {
    const tri = removePoint(square, 1);
    expect(tri).toHaveLength(3);
    expect(removePoint(tri, 0)).toBe(tri);
    const five = splitEdge(square, 3);
    expect(five).toHaveLength(5);
    // the edge from the last point back to the first
    expect(five[4]).toEqual([0.3, 0.5]);
  });

  it('puts a clicked point into the nearest edge, in picture proportions', () => {
    // a click just right of the right edge goes between points 1 and 2
    const r = insertNearest(square, [0.75, 0.5]);
    expect(r.index).toBe(2);
    expect(r.polygon[2]).toEqual([0.75, 0.5]);
    // inside the bottom-right corner: nearer the right edge in fractions, nearer the bottom edge in 16:9 pixels
    expect(insertNearest(square, [0.685, 0.68]).index).toBe(2);
    expect(insertNearest(square, [0.685, 0.68], 16 / 9).index).toBe(3);
  });

  it('turns pointer positions and arrow keys into normalised moves', () => {
    expect(toNormalised(150, 75, { left: 50, top: 25, width: 400, height: 200 })).toEqual([0.25, 0.25]);
    expect(toNormalised(0, 999, { left: 50, top: 25, width: 400, height: 200 })).toEqual([0, 1]);
    expect(keyStep({ shiftKey: true, altKey: false })).toBe(0.05);
    expect(keyStep({ shiftKey: false, altKey: true })).toBe(0.002);
    expect(arrowDelta('ArrowUp', 0.01)).toEqual([0, -0.01]);
    expect(arrowDelta('Enter', 0.01)).toBeNull();
  });
});
