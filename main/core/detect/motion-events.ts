// Motion as events when no model runs (none loaded, or detection off): one `motion` event per stretch of movement.
import { MOTION_LABEL } from '../../common/contract/events.js';
import type { BestFrame } from './pipeline.js';
import type { Box, Frame } from './frame.js';

export { MOTION_LABEL };

export interface MotionEventSettings {
  /** Frames in a row with motion before an event starts (one noisy frame is not enough). */
  minFrames: number;
  /** An event ends this long after the last frame with motion (frame clock). */
  gapMs: number;
  /** A stretch of motion that never stops (a tree in the wind) is cut into events this long. */
  maxMs: number;
}

export interface MotionStretch {
  id: string;
  start: number;
  lastSeen: number;
  box: Box;
  best: BestFrame;
}

export interface MotionStep {
  started?: MotionStretch;
  ended?: MotionStretch;
}

function union(boxes: readonly Box[]): Box {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    x1 = Math.min(x1, b[0]);
    y1 = Math.min(y1, b[1]);
    x2 = Math.max(x2, b[2]);
    y2 = Math.max(y2, b[3]);
  }
  return [x1, y1, x2, y2];
}

const area = (b: Box): number => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);

/** Turns per-frame motion boxes into stretches: start after minFrames, end after gapMs still or maxMs long. */
export class MotionEvents {
  private current: MotionStretch | undefined;
  private run = 0;
  private seq = 0;

  constructor(
    private settings: MotionEventSettings,
    private readonly idPrefix: string,
  ) {}

  update(settings: MotionEventSettings): void {
    this.settings = settings;
  }

  active(): MotionStretch | undefined {
    return this.current;
  }

  step(frame: Frame, boxes: readonly Box[]): MotionStep {
    const out: MotionStep = {};
    const cur = this.current;
    if (cur && (frame.time - cur.lastSeen > this.settings.gapMs || frame.time - cur.start >= this.settings.maxMs)) {
      out.ended = cur;
      this.current = undefined;
    }
    if (boxes.length === 0) {
      this.run = 0;
      return out;
    }
    this.run++;
    const box = union(boxes);
    const now = this.current;
    if (now) {
      now.lastSeen = frame.time;
      now.box = box;
      // the frame with the most movement makes the snapshot
      if (area(box) > area(now.best.box)) now.best = { frame, box, score: 1, time: frame.time };
      return out;
    }
    if (this.run < this.settings.minFrames && !out.ended) return out;
    this.current = { id: `${this.idPrefix}m${frame.time.toString(36)}-${(this.seq++).toString(36)}`, start: frame.time, lastSeen: frame.time, box, best: { frame, box, score: 1, time: frame.time } };
    out.started = this.current;
    return out;
  }

  /** Ends the stretch in progress (camera stopping). */
  flush(): MotionStretch | undefined {
    const cur = this.current;
    this.current = undefined;
    this.run = 0;
    return cur;
  }
}
