// What a model family adapter provides: its pre-processing spec and its output decoder.
import type { ModelEntry } from '../manifest.js';
import type { Candidate } from '../nms.js';
import type { PreprocessSpec, Transform } from '../preprocess.js';

/** One ORT output, by position in session.outputNames. */
export interface RawOutput {
  /** Integer outputs (int64 labels) arrive converted to float32. */
  data: Float32Array;
  dims: readonly number[];
  /** The model's own name for it, where names mean something (DETR: labels, boxes, scores). */
  name?: string;
}

/** A constant input a family needs beside the image (e.g. DETR's target size). */
export interface ExtraInput {
  type: 'int64';
  data: BigInt64Array;
  dims: readonly number[];
}

export interface DecodeContext {
  inputSize: number;
  numClasses: number;
  /** Rows under this score are skipped early. */
  threshold: number;
  transform: Transform;
}

export interface ModelAdapter {
  key: string;
  preprocessSpec(entry: ModelEntry): PreprocessSpec;
  /** Inputs other than the image, by name; the image goes to the first input not named here. */
  extraInputs?(inputSize: number): Record<string, ExtraInput>;
  /** Appends candidates in source pixels (before NMS). */
  decode(outputs: RawOutput[], ctx: DecodeContext, out: Candidate[]): void;
}

/** Maps an input-space box to source pixels, clamped to the region. */
export function toSource(ctx: DecodeContext, cls: number, score: number, x1: number, y1: number, x2: number, y2: number): Candidate {
  const t = ctx.transform;
  return {
    cls,
    score,
    x1: Math.max(t.offsetX, Math.min(t.maxX, t.offsetX + x1 * t.scaleX)),
    y1: Math.max(t.offsetY, Math.min(t.maxY, t.offsetY + y1 * t.scaleY)),
    x2: Math.max(t.offsetX, Math.min(t.maxX, t.offsetX + x2 * t.scaleX)),
    y2: Math.max(t.offsetY, Math.min(t.maxY, t.offsetY + y2 * t.scaleY)),
  };
}

export function specFromEntry(entry: ModelEntry): PreprocessSpec {
  return {
    size: entry.inputSize,
    channelOrder: entry.channelOrder,
    resize: entry.resize,
    mean: entry.mean,
    std: entry.std,
    padValue: entry.padValue,
  };
}
