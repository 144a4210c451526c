// Polygon editing maths for the zone editor, in normalised coordinates (0..1 of the picture): pure, so it is tested without a DOM.
import type { Point, Polygon } from '@common/contract/index.js';

export const MIN_POINTS = 3;
export const MAX_POINTS = 100;

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));
const round = (v: number): number => Math.round(v * 10_000) / 10_000;

export function clampPoint([x, y]: readonly [number, number]): Point {
  return [round(clamp01(x)), round(clamp01(y))];
}

/** A rectangle in the middle of the picture: where a new zone starts before the user shapes it. */
export function starterRect(offset = 0): Polygon {
  const o = (offset % 5) * 0.04;
  return [clampPoint([0.3 + o, 0.3 + o]), clampPoint([0.7 + o, 0.3 + o]), clampPoint([0.7 + o, 0.7 + o]), clampPoint([0.3 + o, 0.7 + o])];
}

export function movePoint(poly: Polygon, index: number, to: readonly [number, number]): Polygon {
  if (index < 0 || index >= poly.length) return poly;
  return poly.map((p, i) => (i === index ? clampPoint(to) : p));
}

export function nudgePoint(poly: Polygon, index: number, dx: number, dy: number): Polygon {
  const p = poly[index];
  return p ? movePoint(poly, index, [p[0] + dx, p[1] + dy]) : poly;
}

/** Removes a point; a polygon never drops under three. */
export function removePoint(poly: Polygon, index: number): Polygon {
  if (poly.length <= MIN_POINTS || index < 0 || index >= poly.length) return poly;
  return poly.filter((_, i) => i !== index);
}

/** Adds a point halfway along the edge that starts at `index` (keyboard: "add a point after this one"). */
export function splitEdge(poly: Polygon, index: number): Polygon {
  if (poly.length >= MAX_POINTS || index < 0 || index >= poly.length) return poly;
  const a = poly[index]!;
  const b = poly[(index + 1) % poly.length]!;
  const mid = clampPoint([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
  return [...poly.slice(0, index + 1), mid, ...poly.slice(index + 1)];
}

function distToSegmentSq(p: readonly [number, number], a: Point, b: Point, aspect: number): number {
  // distances in picture pixels' proportions, so a wide picture's edges are not favoured
  const [px, py, ax, ay, bx, by] = [p[0] * aspect, p[1], a[0] * aspect, a[1], b[0] * aspect, b[1]];
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : clamp01(((px - ax) * dx + (py - ay) * dy) / len);
  const cx = ax + t * dx - px;
  const cy = ay + t * dy - py;
  return cx * cx + cy * cy;
}

/** Inserts a clicked point into the nearest edge; returns the polygon and the new point's index. */
export function insertNearest(poly: Polygon, at: readonly [number, number], aspect = 1): { polygon: Polygon; index: number } {
  if (poly.length >= MAX_POINTS) return { polygon: poly, index: -1 };
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < poly.length; i++) {
    const d = distToSegmentSq(at, poly[i]!, poly[(i + 1) % poly.length]!, aspect);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  const index = best + 1;
  return { polygon: [...poly.slice(0, index), clampPoint(at), ...poly.slice(index)], index };
}

/** Shoelace area, as a share of the picture. */
export function area(poly: Polygon): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const [x1, y1] = poly[i]!;
    const [x2, y2] = poly[(i + 1) % poly.length]!;
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}

/** The point a label sits on: the vertex average (good enough for the convex-ish shapes people draw). */
export function labelAnchor(poly: Polygon): Point {
  const n = poly.length || 1;
  return [poly.reduce((a, p) => a + p[0], 0) / n, poly.reduce((a, p) => a + p[1], 0) / n];
}

/** Where a pointer event lands in normalised picture coordinates. */
export function toNormalised(clientX: number, clientY: number, rect: { left: number; top: number; width: number; height: number }): Point {
  return clampPoint([(clientX - rect.left) / rect.width, (clientY - rect.top) / rect.height]);
}

/** Step for arrow keys: 1% of the picture, 5% with Shift, 0.2% with Alt for fine work. */
export function keyStep(e: { shiftKey: boolean; altKey: boolean }): number {
  if (e.shiftKey) return 0.05;
  if (e.altKey) return 0.002;
  return 0.01;
}

const ARROWS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export function arrowDelta(key: string, step: number): [number, number] | null {
  const d = ARROWS[key];
  return d ? [d[0] * step, d[1] * step] : null;
}
