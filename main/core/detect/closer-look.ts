// A closer look at ingest: small things in the detect frame are looked at again in the main stream's picture at its own size.
import { isAnimal } from '../track/groups.js';
import type { Detector } from './detector.js';
import { boxArea, DetectError, type Box, type Detection, type Frame, type Region } from './frame.js';

/** COCO's "small" object, under 32² px: too small to name at the detect frame's size. */
export const SMALL_AREA = 32 * 32;
/** Motion blobs up to this size (64² detect px, motion boxes are padded) with nothing named on them get a closer look. */
const SMALL_MOTION_AREA = 64 * 64;
/** Context around a small box in the main picture: its longer side times this, at least MIN_SIDE px. */
const CONTEXT = 3;
const MIN_SIDE = 96;
/** Model runs per frame at most: a crowd of specks must not multiply the work. */
const MAX_LOOKS = 2;

/** A detection made on the main picture, in detect pixels, with its area in main pixels (what the size filter reads). */
export interface CloserDetection extends Detection {
  sourceArea: number;
}

const even = (v: number): number => v & ~1;
const centreIn = (b: Box, r: Region, sx: number, sy: number): boolean => {
  const cx = ((b[0] + b[2]) / 2) * sx;
  const cy = ((b[1] + b[3]) / 2) * sy;
  return cx >= r.x && cx < r.x + r.width && cy >= r.y && cy < r.y + r.height;
};

/** Small boxes, and person/animal calls under the camera's minimum score, are worth a closer look. */
export function needsCloserLook(d: Detection, minScoreFor: (label: string) => number): boolean {
  if (boxArea(d.box) < SMALL_AREA) return true;
  return (d.label === 'person' || isAnimal(d.label)) && d.score < minScoreFor(d.label);
}

/** The square around a detect-frame box in the main picture's pixels, clamped and even-aligned. */
export function sourceRegion(box: Box, frame: { width: number; height: number }, src: { width: number; height: number }): Region {
  const sx = src.width / frame.width;
  const sy = src.height / frame.height;
  const s = even(Math.min(src.width, src.height, Math.max(MIN_SIDE, Math.max((box[2] - box[0]) * sx, (box[3] - box[1]) * sy) * CONTEXT)));
  const cx = ((box[0] + box[2]) / 2) * sx;
  const cy = ((box[1] + box[3]) / 2) * sy;
  const x = even(Math.max(0, Math.min(src.width - s, Math.round(cx - s / 2))));
  const y = even(Math.max(0, Math.min(src.height - s, Math.round(cy - s / 2))));
  return { x, y, width: Math.min(s, src.width - x), height: Math.min(s, src.height - y) };
}

/**
 * Replaces what the detect frame said about its small candidates with what the model sees in the same place of the main
 * picture (frame.source): detect-frame detections centred in a looked-at region give way to the main picture's, mapped
 * back to detect pixels. Without a main picture, or when the queue drops the look, the detect frame's own word stands.
 */
export interface CloserLookOptions {
  minScoreFor: (label: string) => number;
  /** Boxes of small objects already tracked: looked at again even when this frame's pass found nothing there. */
  tracked?: readonly Box[];
  /** Where the detect frame moved: a small moving blob the model could not name there is looked at in the main picture. */
  motion?: readonly Box[];
  /** Answers per main picture and region: a keyframe comes every second or two, detect frames five times as often. */
  cache?: WeakMap<Frame, Map<string, Detection[]>>;
}

export async function closerLook(detector: Detector, frame: Frame, raw: Detection[], opts: CloserLookOptions): Promise<{ detections: (Detection | CloserDetection)[]; regions: Region[] }> {
  const src = frame.source;
  if (!src || src.width <= frame.width) return { detections: raw, regions: [] };
  const sx = src.width / frame.width;
  const sy = src.height / frame.height;
  const regions: Region[] = [];
  const wanted = [
    ...[...raw].sort((a, b) => b.score - a.score).filter((d) => needsCloserLook(d, opts.minScoreFor)).map((d) => d.box),
    ...(opts.tracked ?? []).filter((b) => boxArea(b) < SMALL_AREA),
    ...(opts.motion ?? []).filter((b) => boxArea(b) < SMALL_MOTION_AREA && !raw.some((d) => centreIn(d.box, { x: b[0], y: b[1], width: b[2] - b[0], height: b[3] - b[1] }, 1, 1))),
  ];
  for (const box of wanted) {
    if (regions.length >= MAX_LOOKS) break;
    if (regions.some((r) => centreIn(box, r, sx, sy))) continue;
    regions.push(sourceRegion(box, frame, src));
  }
  if (regions.length === 0) return { detections: raw, regions };
  let known = opts.cache?.get(src);
  const key = (r: Region): string => `${r.x},${r.y},${r.width},${r.height}`;
  const fresh = regions.filter((r) => !known?.has(key(r)));
  if (fresh.length > 0) {
    let found: Detection[];
    try {
      found = await detector.detect(src, fresh);
    } catch (err) {
      if (err instanceof DetectError && err.code === 'frame_dropped') return { detections: raw, regions: [] };
      throw err;
    }
    if (!known) {
      known = new Map();
      opts.cache?.set(src, known);
    }
    for (const r of fresh) known.set(key(r), found.filter((d) => centreIn(d.box, r, 1, 1)));
  }
  // one answer per object even where two looks overlap
  const seen: Detection[] = [];
  for (const r of regions) for (const d of known?.get(key(r)) ?? []) if (!seen.includes(d)) seen.push(d);
  const kept: (Detection | CloserDetection)[] = raw.filter((d) => !regions.some((r) => centreIn(d.box, r, sx, sy)));
  for (const d of seen) {
    const b = d.box;
    kept.push({ label: d.label, score: d.score, box: [b[0] / sx, b[1] / sy, b[2] / sx, b[3] / sy], sourceArea: Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]) });
  }
  return { detections: kept, regions };
}
