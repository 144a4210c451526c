// A Detector that answers from a script per frame time (lifecycle rules without a model's noise), recording what it was asked.
import type { Detector, DetectorStats } from '../../main/core/detect/detector.js';
import type { Detection, Frame, Region } from '../../main/core/detect/frame.js';
import { loadManifest } from '../../main/core/detect/manifest.js';

/** Returns scripted detections per frame time, and records what it was asked. */
export class ScriptedDetector implements Detector {
  readonly model = loadManifest().defaultModel();
  readonly inputSize = 416;
  calls: Region[][] = [];
  constructor(
    private readonly script: (time: number) => Detection[],
    private readonly delayMs = 0,
  ) {}
  async detect(frame: Frame, regions: Region[]): Promise<Detection[]> {
    this.calls.push(regions);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return this.script(frame.time);
  }
  stats(): DetectorStats {
    return { model: this.model.name, workers: 1, queueLength: 0, queueCapacity: 2, framesIn: this.calls.length, framesRun: this.calls.length, regionsRun: 0, framesDropped: 0, droppedByCamera: {}, inferMsMedian: 0, detectMsMedian: 0 };
  }
  async close(): Promise<void> {}
}

