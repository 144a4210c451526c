// Analyses a file: an image gets one full-frame pass; a video runs through the same FramePipeline as a camera.
import { extname } from 'node:path';
import { createDetector, type Detector } from './detector.js';
import type { Box, Detection, Frame } from './frame.js';
import { decodeImage, decodeVideo, probeMedia } from './media.js';
import { FramePipeline, type PipelineStats } from './pipeline.js';
import { fullFrame } from './regions.js';
import { CameraDetectSettings, filterFor, type CameraDetectSettingsInput } from './settings.js';

export interface AnalyzeOptions {
  /** Manifest name; the default model when omitted. */
  model?: string;
  modelsDir?: string;
  dataDir?: string;
  /** Video sampling rate (default: the camera default, 5). */
  fps?: number;
  /** Camera settings to apply (defaults are those of a new camera). */
  settings?: CameraDetectSettingsInput;
  /** Reuse a running detector instead of starting one. */
  detector?: Detector;
}

export interface AnalyzedEvent {
  label: string;
  /** Seconds from the start of the file. */
  start: number;
  end: number;
  topScore: number;
  /** Best detection's box in source pixels. */
  box: Box;
}

export type AnalyzeResult =
  | { kind: 'image'; file: string; model: string; width: number; height: number; detections: Detection[] }
  | { kind: 'video'; file: string; model: string; width: number; height: number; duration: number; events: AnalyzedEvent[]; stats: PipelineStats };

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff']);

const round = (v: number, d = 2): number => Math.round(v * 10 ** d) / 10 ** d;

/** One still image through the model: every COCO label that passes the per-frame minimum score (no allow-list, no tracking), best first. */
export async function detectImage(detector: Detector, frame: Frame, settings: CameraDetectSettings): Promise<Detection[]> {
  const raw = await detector.detect(frame, [fullFrame(frame.width, frame.height)]);
  return raw.filter((d) => d.score >= filterFor(settings, d.label).minScore).sort((a, b) => b.score - a.score);
}

export async function analyzeFile(path: string, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const info = await probeMedia(path);
  const settings = CameraDetectSettings.parse(opts.settings ?? {});
  const detector = opts.detector ?? (await createDetector({ model: opts.model, modelsDir: opts.modelsDir, dataDir: opts.dataDir }));
  try {
    if (info.isImage || IMAGE_EXT.has(extname(path).toLowerCase())) {
      const frame = await decodeImage(path);
      const detections = (await detectImage(detector, frame, settings)).map((d) => ({ label: d.label, score: round(d.score, 3), box: d.box.map((v) => Math.round(v)) as Box }));
      return { kind: 'image', file: path, model: detector.model.name, width: frame.width, height: frame.height, detections };
    }

    const fps = opts.fps ?? settings.fps;
    const events: AnalyzedEvent[] = [];
    const pipeline = new FramePipeline({
      cameraId: 'file',
      detector,
      settings: { ...settings, fps },
      callbacks: {
        onEnd: (e) =>
          events.push({
            label: e.label,
            start: round(e.start / 1000),
            end: round((e.end ?? e.start) / 1000),
            topScore: round(e.topScore, 3),
            box: e.bestFrame.box.map((v) => Math.round(v)) as Box,
          }),
      },
    });
    for await (const frame of decodeVideo(path, { fps, info })) await pipeline.process(frame);
    await pipeline.flush();
    events.sort((a, b) => a.start - b.start || a.label.localeCompare(b.label));
    return {
      kind: 'video',
      file: path,
      model: detector.model.name,
      width: info.width,
      height: info.height,
      duration: round(info.duration),
      events,
      stats: pipeline.stats(),
    };
  } finally {
    if (!opts.detector) await detector.close();
  }
}

/** Human-readable table for the CLI. */
export function formatTable(result: AnalyzeResult): string {
  const lines: string[] = [];
  const pad = (s: string, n: number): string => s.padEnd(n);
  if (result.kind === 'image') {
    lines.push(`${result.file} (${result.width}x${result.height}, model ${result.model}): ${result.detections.length} detection(s)`);
    if (result.detections.length > 0) lines.push(`${pad('label', 16)}${pad('score', 8)}box (x1,y1,x2,y2)`);
    for (const d of result.detections) lines.push(`${pad(d.label, 16)}${pad(d.score.toFixed(2), 8)}${d.box.join(',')}`);
  } else {
    const s = result.stats;
    lines.push(
      `${result.file} (${result.width}x${result.height}, ${result.duration}s, model ${result.model}): ${result.events.length} event(s); ` +
        `${s.framesToModel}/${s.framesTotal} frames reached the model`,
    );
    if (result.events.length > 0) lines.push(`${pad('label', 16)}${pad('start', 9)}${pad('end', 9)}${pad('score', 8)}box (x1,y1,x2,y2)`);
    for (const e of result.events) {
      lines.push(`${pad(e.label, 16)}${pad(`${e.start.toFixed(1)}s`, 9)}${pad(`${e.end.toFixed(1)}s`, 9)}${pad(e.topScore.toFixed(2), 8)}${e.box.join(',')}`);
    }
  }
  return lines.join('\n');
}
