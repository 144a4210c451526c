// A second look before a person or animal event is published: the same (or a larger) model on a tight crop of the best frame.
import { isAnimal } from '../track/groups.js';
import type { Detector } from './detector.js';
import { DetectError, iou, type Box, type Frame, type Region } from './frame.js';

export type SecondLook = { verdict: 'confirmed' } | { verdict: 'contradicted'; label: string; score: number } | { verdict: 'unknown' };

/** Context around the box, as a share of its longer side: tight, so the object fills the model input. */
const CONTEXT = 1.5;
const MIN_SIDE = 32;
const MIN_OVERLAP = 0.3;

const side = (label: string): 'person' | 'animal' | 'other' => (label === 'person' ? 'person' : isAnimal(label) ? 'animal' : 'other');

/** Whether the person/animal call needs a second look at all. */
export function needsSecondLook(label: string): boolean {
  return side(label) !== 'other';
}

function even(v: number): number {
  return v & ~1;
}

/** A square around the box in `frame`'s pixels (box given in `from`'s pixels), clamped, even-aligned. */
export function tightRegion(box: Box, from: { width: number; height: number }, frame: { width: number; height: number }): { region: Region; box: Box } {
  const sx = frame.width / from.width;
  const sy = frame.height / from.height;
  const b: Box = [box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy];
  const s = Math.min(frame.width, frame.height, Math.max(MIN_SIDE, Math.max(b[2] - b[0], b[3] - b[1]) * CONTEXT));
  const w = even(Math.max(2, Math.round(s)));
  const cx = (b[0] + b[2]) / 2;
  const cy = (b[1] + b[3]) / 2;
  const x = even(Math.max(0, Math.min(frame.width - w, Math.round(cx - w / 2))));
  const y = even(Math.max(0, Math.min(frame.height - w, Math.round(cy - w / 2))));
  return { region: { x, y, width: Math.min(w, frame.width - x), height: Math.min(w, frame.height - y) }, box: b };
}

/**
 * Looks again at `box` of `frame`, on its higher-resolution source when the frame carries one. A person called an animal
 * (or the reverse) with a better score than the first call's label is a contradiction; seeing neither is unknown.
 */
export async function secondLook(detector: Detector, frame: Frame, box: Box, label: string): Promise<SecondLook> {
  const src = frame.source ?? frame;
  const { region, box: b } = tightRegion(box, frame, src);
  let dets;
  try {
    dets = await detector.detect(src, [region]);
  } catch (err) {
    if (err instanceof DetectError && err.code === 'frame_dropped') return { verdict: 'unknown' };
    throw err;
  }
  const onIt = dets.filter((d) => side(d.label) !== 'other' && iou(d.box, b) >= MIN_OVERLAP).sort((a, c) => c.score - a.score);
  const best = onIt[0];
  if (!best) return { verdict: 'unknown' };
  const same = onIt.find((d) => side(d.label) === side(label));
  if (side(best.label) !== side(label) && (!same || best.score > same.score)) return { verdict: 'contradicted', label: best.label, score: best.score };
  return { verdict: 'confirmed' };
}
