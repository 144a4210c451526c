// Shared decoder of GFL/DFL heads (PicoDet, NanoDet): per level class scores [N, C] and box distributions [N, 4*(reg_max+1)].
import type { Candidate } from '../nms.js';
import { toSource, type DecodeContext, type RawOutput } from './types.js';

const BINS = 8; // reg_max = 7

/** Expected value of one side's softmax over its bins, times the stride. */
function side(d: Float32Array, base: number, s: number): number {
  let max = -Infinity;
  for (let j = 0; j < BINS; j++) max = Math.max(max, d[base + j] as number);
  let sum = 0;
  let acc = 0;
  for (let j = 0; j < BINS; j++) {
    const e = Math.exp((d[base + j] as number) - max);
    sum += e;
    acc += e * j;
  }
  return (acc / sum) * s;
}

/** Outputs are told apart by shape (last dim = classes or 32) and sorted by row count, so misleading names do not matter. */
export function decodeGfl(outputs: RawOutput[], ctx: DecodeContext, out: Candidate[]): void {
  const C = ctx.numClasses;
  const rows = (o: RawOutput): number => o.data.length / (o.dims[o.dims.length - 1] as number);
  const cls = outputs.filter((o) => o.dims[o.dims.length - 1] === C).sort((a, b) => rows(b) - rows(a));
  const reg = outputs.filter((o) => o.dims[o.dims.length - 1] === 4 * BINS).sort((a, b) => rows(b) - rows(a));
  if (cls.length === 0 || cls.length !== reg.length) throw new Error(`gfl: unexpected outputs ${outputs.map((o) => o.dims.join('x')).join(', ')}`);
  const thr = ctx.threshold;
  for (let level = 0; level < cls.length; level++) {
    const sc = (cls[level] as RawOutput).data;
    const bx = (reg[level] as RawOutput).data;
    const n = sc.length / C;
    const g = Math.round(Math.sqrt(n));
    const s = ctx.inputSize / g;
    for (let i = 0; i < n; i++) {
      const b = i * C;
      let best = thr;
      let c = -1;
      for (let k = 0; k < C; k++) {
        const v = sc[b + k] as number;
        if (v > best) {
          best = v;
          c = k;
        }
      }
      if (c < 0) continue;
      const gx = i % g;
      const gy = (i - gx) / g;
      const cx = gx * s + (s - 1) / 2;
      const cy = gy * s + (s - 1) / 2;
      const rb = i * 4 * BINS;
      const l = side(bx, rb, s);
      const t = side(bx, rb + BINS, s);
      const r = side(bx, rb + 2 * BINS, s);
      const btm = side(bx, rb + 3 * BINS, s);
      out.push(toSource(ctx, c, best, cx - l, cy - t, cx + r, cy + btm));
    }
  }
}
