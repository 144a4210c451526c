// Shared shapes of the detection path: raw I420 frames from ffmpeg, regions, detections, coded errors.

/** One decoded frame as ffmpeg emits it with `-f rawvideo -pix_fmt yuv420p`. */
export interface Frame {
  cameraId: string;
  width: number;
  height: number;
  /** I420: Y plane w*h, then U and V planes (w/2)*(h/2) each. */
  data: Uint8Array;
  /** Epoch ms for cameras; seconds-from-start * 1000 for files. */
  time: number;
  /** The same picture at a higher resolution (the main stream), for a closer second look; boxes stay in this frame's pixels. */
  source?: Frame;
}

/** A rectangle in source pixels: [x1, y1, x2, y2], x2/y2 exclusive. */
export type Box = [number, number, number, number];

/** A crop of the frame that is scaled to the model input (integer source pixels). */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Detection {
  label: string;
  score: number;
  box: Box;
}

export type DetectErrorCode =
  | 'model_missing'
  | 'model_corrupt'
  | 'model_unknown_family'
  | 'model_unknown'
  | 'download_failed'
  | 'frame_dropped'
  | 'invalid_frame'
  | 'detector_closed'
  | 'detector_failed'
  | 'media_unreadable';

/** An error that crosses module boundaries as data. */
export class DetectError extends Error {
  constructor(
    readonly code: DetectErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DetectError';
  }

  toJSON(): { code: DetectErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Byte size of an I420 frame; width and height must be even. */
export function i420Size(width: number, height: number): number {
  return width * height + 2 * (width >> 1) * (height >> 1);
}

export function boxArea(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

export function iou(a: Box, b: Box): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / (boxArea(a) + boxArea(b) - inter);
}
