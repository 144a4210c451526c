// DEIMv2 / D-FINE (DETR family, NMS-free): RGB /255 stretched, plus orig_target_sizes; outputs labels, boxes (x1y1x2y2), scores.
import type { Candidate } from '../nms.js';
import { specFromEntry, toSource, type ModelAdapter, type RawOutput } from './types.js';

function byName(outputs: RawOutput[], name: string): RawOutput {
  const o = outputs.find((x) => x.name === name);
  if (!o) throw new Error(`deim: no output named ${name} (have ${outputs.map((x) => x.name ?? '?').join(', ')})`);
  return o;
}

export const deimAdapter: ModelAdapter = {
  key: 'deim',
  preprocessSpec: specFromEntry,
  // Boxes come back in the pixels named here: asking for the input size keeps one transform back to the source for every family.
  extraInputs: (size) => ({ orig_target_sizes: { type: 'int64', data: BigInt64Array.from([BigInt(size), BigInt(size)]), dims: [1, 2] } }),
  decode(outputs, ctx, out: Candidate[]) {
    const labels = byName(outputs, 'labels').data;
    const boxes = byName(outputs, 'boxes').data;
    const scores = byName(outputs, 'scores').data;
    const thr = ctx.threshold;
    // One query per object: no NMS needed, though the worker's class-aware NMS leaves distinct objects alone.
    for (let q = 0; q < scores.length; q++) {
      const score = scores[q] as number;
      if (score < thr) continue;
      const cls = labels[q] as number;
      if (cls < 0 || cls >= ctx.numClasses) continue;
      const b = q * 4;
      out.push(toSource(ctx, cls, score, boxes[b] as number, boxes[b + 1] as number, boxes[b + 2] as number, boxes[b + 3] as number));
    }
  },
};
