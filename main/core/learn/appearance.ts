// What a crop looks like, as a small vector: a colour histogram and a gradient-orientation histogram, compared by cosine.
import type { Box, Frame } from '../detect/frame.js';
import { i420ToRgb } from '../events/snapshot.js';

/** RGB of one pixel, 0..255. */
export type PixelReader = (x: number, y: number, out: Float64Array) => void;

const GRID = 24;
const COLOUR_BINS = 4;
const ORIENT_BINS = 8;
export const EMBEDDING_LENGTH = COLOUR_BINS ** 3 + ORIENT_BINS;

function normalise(v: Float32Array, from: number, to: number, weight: number): void {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (v[i] as number) ** 2;
  const k = sum > 0 ? weight / Math.sqrt(sum) : 0;
  for (let i = from; i < to; i++) v[i] = (v[i] as number) * k;
}

/** The crop [x, y, w, h] sampled on a GRID × GRID lattice (any size of crop gives the same vector length). */
export function embed(read: PixelReader, x: number, y: number, w: number, h: number): Float32Array {
  const v = new Float32Array(EMBEDDING_LENGTH);
  const luma = new Float64Array(GRID * GRID);
  const px = new Float64Array(3);
  for (let gy = 0; gy < GRID; gy++) {
    for (let gx = 0; gx < GRID; gx++) {
      read(Math.floor(x + ((gx + 0.5) * w) / GRID), Math.floor(y + ((gy + 0.5) * h) / GRID), px);
      const [r, g, b] = px as unknown as [number, number, number];
      const bin = (c: number): number => Math.min(COLOUR_BINS - 1, Math.floor((c * COLOUR_BINS) / 256));
      const ci = bin(r) * COLOUR_BINS * COLOUR_BINS + bin(g) * COLOUR_BINS + bin(b);
      v[ci] = (v[ci] as number) + 1;
      luma[gy * GRID + gx] = 0.299 * r + 0.587 * g + 0.114 * b;
    }
  }
  const base = COLOUR_BINS ** 3;
  for (let gy = 1; gy < GRID - 1; gy++) {
    for (let gx = 1; gx < GRID - 1; gx++) {
      const dx = (luma[gy * GRID + gx + 1] as number) - (luma[gy * GRID + gx - 1] as number);
      const dy = (luma[(gy + 1) * GRID + gx] as number) - (luma[(gy - 1) * GRID + gx] as number);
      const mag = Math.hypot(dx, dy);
      if (mag < 4) continue;
      // unsigned orientation: a dark edge on light and a light one on dark look alike
      const a = (Math.atan2(dy, dx) + Math.PI) % Math.PI;
      const oi = base + Math.min(ORIENT_BINS - 1, Math.floor((a / Math.PI) * ORIENT_BINS));
      v[oi] = (v[oi] as number) + mag;
    }
  }
  normalise(v, 0, base, Math.SQRT1_2);
  normalise(v, base, EMBEDDING_LENGTH, Math.SQRT1_2);
  return v;
}

/** Pixels of packed RGB (sharp's raw output). */
export function rgbReader(data: Uint8Array, width: number, height: number, channels: number): PixelReader {
  return (x, y, out) => {
    const i = (Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))) * channels;
    out[0] = data[i] as number;
    out[1] = data[i + 1] as number;
    out[2] = data[i + 2] as number;
  };
}

export function embedFrameBox(frame: Frame, box: Box): Float32Array {
  const x1 = Math.max(0, Math.floor(box[0]));
  const y1 = Math.max(0, Math.floor(box[1]));
  // the same pixels the snapshot JPEG is made of, so a verdict given on a snapshot compares with a live frame
  return embed(rgbReader(i420ToRgb(frame), frame.width, frame.height, 3), x1, y1, Math.max(1, Math.ceil(box[2]) - x1), Math.max(1, Math.ceil(box[3]) - y1));
}

/** Cosine similarity of two embeddings (both unit length). */
export function similarity(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
