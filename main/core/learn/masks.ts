// Object masks suggested from the owner's verdicts: the same false alarm marked again and again at one place.
import type { Box } from '../../common/contract/events.js';
import type { MaskSuggestion } from '../../common/contract/learned.js';
import type { Polygon } from '../../common/contract/zones.js';
import { iou } from '../detect/frame.js';
import { pointInPolygon } from '../motion/polygon.js';
import { PLACE_IOU, REPEATS } from './examples.js';

/** A dismissed suggestion hides those that overlap it this much (the box moves a little as verdicts come in). */
const SAME_SUGGESTION = 0.5;
/** Around the feet of the marked boxes: a share of their mean width (sideways) and height (up and down). */
const PAD_X = 0.25;
const PAD_Y = 0.1;

export interface MarkedExample {
  verdict: 'false_alarm' | 'correct';
  label: string;
  /** Normalised. */
  box: Box;
}

const clamp = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;
const feet = (b: Box): [number, number] => [(b[0] + b[2]) / 2, b[3]];

/** The four corners of a box as a mask polygon. */
export function boxPolygon(b: Box): Polygon {
  return [
    [b[0], b[1]],
    [b[2], b[1]],
    [b[2], b[3]],
    [b[0], b[3]],
  ];
}

/**
 * Places where REPEATS false alarms of the camera overlap (the same place as the look-alike check uses), with no "correct"
 * verdict there: a box round their feet, which is what an object mask tests. Places already under a mask, or dismissed, are left out.
 */
export function suggestMasks(cameraId: string, examples: readonly MarkedExample[], objectMasks: readonly Polygon[], dismissed: readonly Box[]): MaskSuggestion[] {
  const alarms = examples.filter((e) => e.verdict === 'false_alarm');
  const correct = examples.filter((e) => e.verdict === 'correct');
  const used = new Set<MarkedExample>();
  const out: MaskSuggestion[] = [];
  for (const seed of alarms) {
    if (used.has(seed)) continue;
    const here = alarms.filter((e) => !used.has(e) && iou(e.box, seed.box) >= PLACE_IOU);
    if (here.length < REPEATS) continue;
    for (const e of here) used.add(e);
    // the owner said yes to something at this place: a mask would hide it too
    if (correct.some((c) => iou(c.box, seed.box) >= PLACE_IOU)) continue;
    const points = here.map((e) => feet(e.box));
    if (points.every(([x, y]) => objectMasks.some((m) => pointInPolygon(x, y, m)))) continue;
    const w = here.reduce((s, e) => s + (e.box[2] - e.box[0]), 0) / here.length;
    const h = here.reduce((s, e) => s + (e.box[3] - e.box[1]), 0) / here.length;
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const box: Box = [clamp(Math.min(...xs) - PAD_X * w), clamp(Math.min(...ys) - PAD_Y * h), clamp(Math.max(...xs) + PAD_X * w), clamp(Math.max(...ys) + PAD_Y * h)];
    if (dismissed.some((d) => iou(d, box) >= SAME_SUGGESTION)) continue;
    out.push({ cameraId, box, labels: [...new Set(here.map((e) => e.label))].sort(), examples: here.length });
  }
  return out;
}
