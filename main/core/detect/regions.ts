// Regions to run the model on: boxes grown by context, squared, at least the model input size, clamped and merged.
import type { Box, Region } from './frame.js';

export interface RegionOptions {
  modelSize: number;
  multiplier: number;
  maxRegions: number;
}

function even(v: number): number {
  return v & ~1;
}

/** A span of `size` centred on c, moved inside [0, limit]. */
function span(c: number, size: number, limit: number): [number, number] {
  if (size >= limit) return [0, limit];
  let a = Math.round(c - size / 2);
  a = Math.max(0, Math.min(limit - size, a));
  return [a, a + size];
}

/** A square around the box, clamped to the frame (a side longer than the frame becomes the frame's side). */
function squareAround(b: Box, side: number, W: number, H: number): Box {
  const [x1, x2] = span((b[0] + b[2]) / 2, Math.ceil(side), W);
  const [y1, y2] = span((b[1] + b[3]) / 2, Math.ceil(side), H);
  return [x1, y1, x2, y2];
}

function overlaps(a: Box, b: Box): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

function toRegion(b: Box, W: number, H: number): Region {
  // Even origin keeps chroma sampling aligned with luma.
  const x = even(Math.max(0, Math.floor(b[0])));
  const y = even(Math.max(0, Math.floor(b[1])));
  const x2 = Math.min(W, Math.ceil(b[2]));
  const y2 = Math.min(H, Math.ceil(b[3]));
  return { x, y, width: Math.max(2, x2 - x), height: Math.max(2, y2 - y) };
}

export function fullFrame(W: number, H: number): Region {
  return { x: 0, y: 0, width: W, height: H };
}

/** Regions covering the boxes; overlapping regions merge; too many (or nearly the whole frame) become the full frame. */
export function buildRegions(boxes: readonly Box[], W: number, H: number, opts: RegionOptions): Region[] {
  if (boxes.length === 0) return [];
  const minSide = Math.min(opts.modelSize, W, H);
  let squares: Box[] = boxes.map((b) => {
    const side = Math.max(minSide, Math.max(b[2] - b[0], b[3] - b[1]) * opts.multiplier);
    return squareAround(b, side, W, H);
  });
  let merged = true;
  while (merged && squares.length > 1) {
    merged = false;
    outer: for (let i = 0; i < squares.length; i++) {
      for (let j = i + 1; j < squares.length; j++) {
        const a = squares[i] as Box;
        const b = squares[j] as Box;
        if (!overlaps(a, b)) continue;
        const u: Box = [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
        squares = squares.filter((_, k) => k !== i && k !== j);
        squares.push(squareAround(u, Math.max(u[2] - u[0], u[3] - u[1]), W, H));
        merged = true;
        break outer;
      }
    }
  }
  const area = squares.reduce((s, b) => s + (b[2] - b[0]) * (b[3] - b[1]), 0);
  if (squares.length > opts.maxRegions || area >= 0.85 * W * H) return [fullFrame(W, H)];
  return squares.map((b) => toRegion(b, W, H));
}
