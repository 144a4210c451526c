// Motion detection on the luma plane: downscale, running-average background, diff, threshold, dilate, connected components.
import type { Box, Frame } from '../detect/frame.js';
import { rasterize } from './polygon.js';
import { MotionSettings } from './settings.js';

export { MotionSettings } from './settings.js';
export { pointInPolygon, rasterize } from './polygon.js';

export interface MotionResult {
  /** Moving areas in source pixels. */
  boxes: Box[];
  /** Share of unmasked pixels that changed. */
  changed: number;
  /** True when the background was reset (first frame, resolution change, lighting jump). */
  recalibrated: boolean;
}

export class MotionDetector {
  private readonly settings: MotionSettings;
  private factor = 1;
  private dw = 0;
  private dh = 0;
  private srcW = 0;
  private srcH = 0;
  private cur = new Uint8Array(0);
  private bg = new Float32Array(0);
  private bin = new Uint8Array(0);
  private tmp = new Uint8Array(0);
  private raw = new Uint8Array(0);
  private mask: Uint8Array = new Uint8Array(0);
  private unmasked = 0;
  private rowAcc = new Uint32Array(0);
  private stack = new Int32Array(0);
  private primed = false;
  recalibrations = 0;

  constructor(settings: Partial<MotionSettings> = {}) {
    this.settings = MotionSettings.parse(settings);
  }

  private setup(w: number, h: number): void {
    this.srcW = w;
    this.srcH = h;
    this.factor = Math.max(1, Math.round(w / this.settings.frameWidth));
    this.dw = Math.floor(w / this.factor);
    this.dh = Math.floor(h / this.factor);
    const n = this.dw * this.dh;
    this.cur = new Uint8Array(n);
    this.bg = new Float32Array(n);
    this.bin = new Uint8Array(n);
    this.tmp = new Uint8Array(n);
    this.raw = new Uint8Array(n);
    this.stack = new Int32Array(n);
    this.rowAcc = new Uint32Array(this.dw);
    this.mask = rasterize(this.settings.mask, this.dw, this.dh);
    this.unmasked = n - this.mask.reduce((a, b) => a + b, 0);
    this.primed = false;
  }

  /** Block-average downscale of the Y plane by an integer factor. */
  private downscale(frame: Frame): void {
    const { dw, dh, factor: f } = this;
    const W = frame.width;
    const y = frame.data;
    const acc = this.rowAcc;
    const div = f * f;
    for (let oy = 0; oy < dh; oy++) {
      acc.fill(0);
      for (let k = 0; k < f; k++) {
        let p = (oy * f + k) * W;
        for (let ox = 0; ox < dw; ox++) {
          let s = 0;
          for (let j = 0; j < f; j++) s += y[p++] as number;
          acc[ox] = (acc[ox] as number) + s;
        }
      }
      const o = oy * dw;
      for (let ox = 0; ox < dw; ox++) this.cur[o + ox] = ((acc[ox] as number) / div) | 0;
    }
  }

  /** One 3×3 max filter pass (separable), in place on bin. */
  private dilateOnce(): void {
    const { dw, dh, bin, tmp } = this;
    for (let y = 0; y < dh; y++) {
      const o = y * dw;
      for (let x = 0; x < dw; x++) {
        tmp[o + x] = bin[o + x] || (x > 0 && bin[o + x - 1]) || (x < dw - 1 && bin[o + x + 1]) ? 1 : 0;
      }
    }
    for (let y = 0; y < dh; y++) {
      const o = y * dw;
      for (let x = 0; x < dw; x++) {
        bin[o + x] = tmp[o + x] || (y > 0 && tmp[o + x - dw]) || (y < dh - 1 && tmp[o + x + dw]) ? 1 : 0;
      }
    }
  }

  detect(frame: Frame): MotionResult {
    if (frame.width !== this.srcW || frame.height !== this.srcH) this.setup(frame.width, frame.height);
    this.downscale(frame);
    const { cur, bg, bin, mask, dw, dh } = this;
    const n = dw * dh;
    if (!this.primed) {
      for (let i = 0; i < n; i++) bg[i] = cur[i] as number;
      this.primed = true;
      return { boxes: [], changed: 0, recalibrated: true };
    }
    const thr = this.settings.threshold;
    const alpha = this.settings.frameAlpha;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const c = cur[i] as number;
      const b = bg[i] as number;
      const d = c > b ? c - b : b - c;
      const on = d > thr && mask[i] === 0 ? 1 : 0;
      bin[i] = on;
      count += on;
      bg[i] = b + (c - b) * alpha;
    }
    const changed = this.unmasked > 0 ? count / this.unmasked : 0;
    if (changed >= this.settings.lightningThreshold) {
      // Most of the picture changed at once (IR switch, lightning, exposure): adopt it as the new background.
      for (let i = 0; i < n; i++) bg[i] = cur[i] as number;
      this.recalibrations++;
      return { boxes: [], changed, recalibrated: true };
    }
    if (count === 0) return { boxes: [], changed, recalibrated: false };
    // Blob size counts changed pixels before dilation, so dilated noise specks stay small.
    this.raw.set(bin);
    for (let k = 0; k < this.settings.dilate; k++) this.dilateOnce();
    return { boxes: this.components(), changed, recalibrated: false };
  }

  /** Connected components (4-neighbour flood fill) → boxes in source pixels. */
  private components(): Box[] {
    const { dw, dh, bin, raw, stack, factor: f } = this;
    const minArea = this.settings.contourArea;
    const boxes: Box[] = [];
    for (let start = 0; start < dw * dh; start++) {
      if (bin[start] !== 1) continue;
      let top = 0;
      stack[top++] = start;
      bin[start] = 2;
      let x1 = dw;
      let y1 = dh;
      let x2 = -1;
      let y2 = -1;
      let area = 0;
      while (top > 0) {
        const p = stack[--top] as number;
        const x = p % dw;
        const y = (p - x) / dw;
        area += raw[p] as number;
        if (x < x1) x1 = x;
        if (x > x2) x2 = x;
        if (y < y1) y1 = y;
        if (y > y2) y2 = y;
        if (x > 0 && bin[p - 1] === 1) {
          bin[p - 1] = 2;
          stack[top++] = p - 1;
        }
        if (x < dw - 1 && bin[p + 1] === 1) {
          bin[p + 1] = 2;
          stack[top++] = p + 1;
        }
        if (y > 0 && bin[p - dw] === 1) {
          bin[p - dw] = 2;
          stack[top++] = p - dw;
        }
        if (y < dh - 1 && bin[p + dw] === 1) {
          bin[p + dw] = 2;
          stack[top++] = p + dw;
        }
      }
      if (area < minArea) continue;
      boxes.push([x1 * f, y1 * f, Math.min(this.srcW, (x2 + 1) * f), Math.min(this.srcH, (y2 + 1) * f)]);
    }
    return boxes;
  }
}
