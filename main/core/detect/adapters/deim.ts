// DEIMv2 / D-FINE (DETR family, NMS-free): RGB /255 stretched, plus orig_target_sizes; outputs labels, boxes (x1y1x2y2), scores.
import type { Candidate } from '../nms.js';
import { specFromEntry, toSource, type ModelAdapter, type RawOutput } from './types.js';

/** A same-label box holding this much of a better box and this many times its area is a group query, not an object. */
const GROUP_CONTAINS = 0.9;
const GROUP_AREA = 1.5;

function byName(outputs: RawOutput[], name: string): RawOutput {
  const o = outputs.find((x) => x.name === name);
  if (!o) throw new Error(`deim: no output named ${name} (have ${outputs.map((x) => x.name ?? '?').join(', ')})`);
  return o;
}

const area = (c: Candidate): number => Math.max(0, c.x2 - c.x1) * Math.max(0, c.y2 - c.y1);

/** Whether `big` is a query that covers `small` and more of the same class (a rider and its horse called one person). */
function groups(big: Candidate, small: Candidate): boolean {
  if (big.cls !== small.cls) return false;
  const iw = Math.min(big.x2, small.x2) - Math.max(big.x1, small.x1);
  const ih = Math.min(big.y2, small.y2) - Math.max(big.y1, small.y1);
  if (iw <= 0 || ih <= 0) return false;
  const a = area(small);
  return a > 0 && (iw * ih) / a >= GROUP_CONTAINS && area(big) >= GROUP_AREA * a;
}

/**
 * A DETR query may answer for a group: one box around a person and the person beside or under them, scored lower than
 * the person's own query. IoU-based NMS keeps it (the overlap is small against the big box); it is dropped when a better
 * same-label box lies inside it. A better group box is kept (it may be the only answer for its objects).
 */
export function dropGroupQueries(cands: Candidate[]): Candidate[] {
  const sorted = [...cands].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  for (const c of sorted) if (!kept.some((k) => groups(c, k))) kept.push(c);
  return kept;
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
    const region: Candidate[] = [];
    // One query per object: no NMS needed, though the worker's class-aware NMS leaves distinct objects alone.
    for (let q = 0; q < scores.length; q++) {
      const score = scores[q] as number;
      if (score < thr) continue;
      const cls = labels[q] as number;
      if (cls < 0 || cls >= ctx.numClasses) continue;
      const b = q * 4;
      region.push(toSource(ctx, cls, score, boxes[b] as number, boxes[b + 1] as number, boxes[b + 2] as number, boxes[b + 3] as number));
    }
    for (const c of dropGroupQueries(region)) out.push(c);
  },
};
