// YOLOX (Megvii): BGR 0..255 letterboxed top-left with 114; output [1, N, 5+C] over strides 8/16/32, sigmoid applied.
import type { Candidate } from '../nms.js';
import { specFromEntry, toSource, type ModelAdapter } from './types.js';

const STRIDES = [8, 16, 32];

export const yoloxAdapter: ModelAdapter = {
  key: 'yolox',
  preprocessSpec: specFromEntry,
  decode(outputs, ctx, out: Candidate[]) {
    const o = outputs[0];
    if (!o) throw new Error('yolox: the model has no output');
    const data = o.data;
    const C = ctx.numClasses;
    const stride = 5 + C;
    const thr = ctx.threshold;
    let row = 0;
    for (const s of STRIDES) {
      const g = Math.ceil(ctx.inputSize / s);
      for (let gy = 0; gy < g; gy++) {
        for (let gx = 0; gx < g; gx++, row++) {
          const b = row * stride;
          const obj = data[b + 4] as number;
          // score = obj * max(cls) <= obj: most rows end here.
          if (obj < thr) continue;
          let best = 0;
          let cls = 0;
          for (let c = 0; c < C; c++) {
            const v = data[b + 5 + c] as number;
            if (v > best) {
              best = v;
              cls = c;
            }
          }
          const score = obj * best;
          if (score < thr) continue;
          const cx = ((data[b] as number) + gx) * s;
          const cy = ((data[b + 1] as number) + gy) * s;
          const hw = (Math.exp(data[b + 2] as number) * s) / 2;
          const hh = (Math.exp(data[b + 3] as number) * s) / 2;
          out.push(toSource(ctx, cls, score, cx - hw, cy - hh, cx + hw, cy + hh));
        }
      }
    }
  },
};
