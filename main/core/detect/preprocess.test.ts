// Pre-processing from I420: colour conversion, channel order, normalisation, letterbox padding and the way back.
import { describe, expect, it } from 'vitest';
import { i420Size, type Frame } from './frame.js';
import { Preprocessor, type PreprocessSpec } from './preprocess.js';

/** Left half one YUV colour, right half another. */
function twoColourFrame(W: number, H: number, left: [number, number, number], right: [number, number, number]): Frame {
  const data = new Uint8Array(i420Size(W, H));
  const cw = W / 2;
  const ch = H / 2;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = (x < W / 2 ? left : right)[0];
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const c = x < cw / 2 ? left : right;
      data[W * H + y * cw + x] = c[1];
      data[W * H + cw * ch + y * cw + x] = c[2];
    }
  }
  return { cameraId: 't', width: W, height: H, data, time: 0 };
}

const RED_YUV: [number, number, number] = [81, 90, 240];
const BLUE_YUV: [number, number, number] = [41, 240, 110];

const bgrLetterbox: PreprocessSpec = { size: 64, channelOrder: 'bgr', resize: 'letterbox', mean: [0, 0, 0], std: [1, 1, 1], padValue: 114 };

describe('Preprocessor', () => {
  it('converts I420 to BGR 0..255, letterboxed top-left with 114', () => {
    const pre = new Preprocessor(bgrLetterbox);
    const frame = twoColourFrame(128, 64, RED_YUV, RED_YUV);
    const out = new Float32Array(pre.tensorLength);
    const t = pre.run(frame, { x: 0, y: 0, width: 128, height: 64 }, out);
    const S = 64;
    // 128x64 → 64x32 image in rows 0..31, padding below.
    const at = (c: number, x: number, y: number): number => out[c * S * S + y * S + x] as number;
    expect(at(2, 10, 10)).toBeGreaterThan(240); // R
    expect(at(1, 10, 10)).toBeLessThan(15); // G
    expect(at(0, 10, 10)).toBeLessThan(15); // B
    for (let c = 0; c < 3; c++) expect(at(c, 10, 40)).toBe(114);
    expect(t.scaleX).toBeCloseTo(2);
    expect(t.scaleY).toBeCloseTo(2);
  });

  it('crops the region, stretches, normalises in RGB order', () => {
    const spec: PreprocessSpec = { size: 32, channelOrder: 'rgb', resize: 'stretch', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], padValue: 0 };
    const pre = new Preprocessor(spec);
    const frame = twoColourFrame(128, 64, RED_YUV, BLUE_YUV);
    const out = new Float32Array(pre.tensorLength);
    // Right half only (blue), 64x64 → 32x32.
    const t = pre.run(frame, { x: 64, y: 0, width: 64, height: 64 }, out);
    const S = 32;
    for (const [x, y] of [[0, 0], [16, 16], [31, 31]] as const) {
      const r = (out[y * S + x] as number) * 58.395 + 123.675;
      const b = (out[2 * S * S + y * S + x] as number) * 57.375 + 103.53;
      expect(r).toBeLessThan(20);
      expect(b).toBeGreaterThan(230);
    }
    // Input (16, 16) maps back to source (64 + 32, 32).
    expect(t.offsetX + 16 * t.scaleX).toBeCloseTo(96);
    expect(t.offsetY + 16 * t.scaleY).toBeCloseTo(32);
  });

  it('anti-aliases a big downscale instead of sampling every n-th pixel', () => {
    // 1-pixel stripes alternating 16 and 235 luma: a 4x downscale must come out mid-grey, not one stripe colour.
    const W = 256;
    const H = 256;
    const data = new Uint8Array(i420Size(W, H)).fill(128);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = x % 2 ? 235 : 16;
    const pre = new Preprocessor({ ...bgrLetterbox, size: 64 });
    const out = new Float32Array(pre.tensorLength);
    pre.run({ cameraId: 't', width: W, height: H, data, time: 0 }, { x: 0, y: 0, width: W, height: H }, out);
    for (let x = 1; x < 63; x++) expect(Math.abs((out[64 * 32 + x] as number) - 127.5)).toBeLessThan(20);
  });
});
