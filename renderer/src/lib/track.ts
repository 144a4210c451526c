// Where an event's box is at a moment of its clip: the stored track, interpolated between detections, fitted to the video's picture.

/** One stored detection (the contract's TrackPoint; plain here so the e2e specs can use these helpers too). */
export interface TrackPoint {
  t: number;
  box: readonly [number, number, number, number];
  label: string;
  score: number;
}

/** Between two detections further apart than this the object was not seen: no box is drawn there. */
export const MAX_GAP_MS = 5000;
/** After the last detection (or one before a long gap) its box stays this long. */
export const HOLD_MS = 400;

export interface ShownBox {
  /** Shares of the frame: left, top, right, bottom. */
  box: [number, number, number, number];
  label: string;
  score: number;
}

/** The last point at or before t (points in time order), or -1. */
function lastAtOrBefore(points: readonly TrackPoint[], t: number): number {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as TrackPoint).t <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The box to draw at wall time t: the detections either side blended by time, held briefly after the last, none elsewhere. */
export function boxAt(points: readonly TrackPoint[], t: number): ShownBox | null {
  const i = lastAtOrBefore(points, t);
  if (i < 0) return null;
  const a = points[i] as TrackPoint;
  const b = points[i + 1];
  if (b && b.t - a.t <= MAX_GAP_MS) {
    const k = (t - a.t) / (b.t - a.t);
    const box = a.box.map((v, j) => v + ((b.box[j] as number) - v) * k) as unknown as ShownBox['box'];
    return { box, label: k < 0.5 ? a.label : b.label, score: k < 0.5 ? a.score : b.score };
  }
  return t - a.t <= HOLD_MS ? { box: [...a.box], label: a.label, score: a.score } : null;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a video's picture lies in its element with object-fit: contain (bars either side or above and below). */
export function pictureRect(elementW: number, elementH: number, videoW: number, videoH: number): Rect {
  if (videoW <= 0 || videoH <= 0) return { x: 0, y: 0, width: elementW, height: elementH };
  const scale = Math.min(elementW / videoW, elementH / videoH);
  const width = videoW * scale;
  const height = videoH * scale;
  return { x: (elementW - width) / 2, y: (elementH - height) / 2, width, height };
}

/** A box (shares of the frame) in element pixels. */
export function toElement(box: ShownBox['box'], picture: Rect): Rect {
  return {
    x: picture.x + box[0] * picture.width,
    y: picture.y + box[1] * picture.height,
    width: (box[2] - box[0]) * picture.width,
    height: (box[3] - box[1]) * picture.height,
  };
}
