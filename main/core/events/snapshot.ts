// Event snapshots: the best frame (I420) as a JPEG and a small thumbnail (the media store writes them).
import sharp from 'sharp';
import type { Frame } from '../detect/frame.js';

/** I420 (BT.601 limited range, as cameras send) to packed RGB. */
export function i420ToRgb(frame: Frame): Buffer {
  const { width: w, height: h, data } = frame;
  const out = Buffer.allocUnsafe(w * h * 3);
  const uOff = w * h;
  const vOff = uOff + (w >> 1) * (h >> 1);
  const cw = w >> 1;
  let o = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const crow = (y >> 1) * cw;
    for (let x = 0; x < w; x++) {
      const c = 1.164 * ((data[row + x] ?? 16) - 16);
      const u = (data[uOff + crow + (x >> 1)] ?? 128) - 128;
      const v = (data[vOff + crow + (x >> 1)] ?? 128) - 128;
      out[o++] = Math.max(0, Math.min(255, c + 1.596 * v));
      out[o++] = Math.max(0, Math.min(255, c - 0.392 * u - 0.813 * v));
      out[o++] = Math.max(0, Math.min(255, c + 2.017 * u));
    }
  }
  return out;
}

const THUMB_WIDTH = 320;

/** One frame as a JPEG (live fallback, the zone editor's picture). */
export function frameToJpeg(frame: Frame, quality: number): Promise<Buffer> {
  return sharp(i420ToRgb(frame), { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

/** The snapshot JPEG and its thumbnail; MediaStore.writeSnapshot stores them as `<x>.jpg` and `<x>.thumb.jpg`. */
export async function encodeSnapshot(frame: Frame): Promise<{ full: Buffer; thumb: Buffer }> {
  const rgb = i420ToRgb(frame);
  const image = sharp(rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } });
  const [full, thumb] = await Promise.all([
    image.clone().jpeg({ quality: 85, mozjpeg: false }).toBuffer(),
    image.clone().resize({ width: THUMB_WIDTH }).jpeg({ quality: 75 }).toBuffer(),
  ]);
  return { full, thumb };
}
