// A redacted export's step: the picked events as people to keep, the detector started for the pass, the clip replaced by its redaction.
import type { Detector } from '../detect/detector.js';
import type { EventRepository } from '../events/repository.js';
import type { ExportArea } from '../media/index.js';
import type { Polygon } from '../../common/contract/index.js';
import type { ManifestRedaction } from './manifest.js';
import { redactClip, type KeepSpec, type RedactMethod } from './redact.js';

export interface RedactRequest {
  keepEvents: string[];
  method: RedactMethod;
}

/** Starts a detector for one job; the job closes it. */
export type RedactDetector = () => Promise<Detector>;

export interface RedactExportOptions {
  ffmpeg: string;
  ffprobe: string;
  detector: RedactDetector;
  events: Pick<EventRepository, 'get'>;
  /** The job's folder in the media store, which holds the clip. */
  area: Pick<ExportArea, 'rename' | 'remove' | 'ffmpegInput' | 'ffmpegOutput'>;
  /** People to hide; absent when only the privacy masks are burned in. */
  request?: RedactRequest;
  /** The camera's privacy masks, blacked out of every frame (empty when lifted). */
  masks: readonly Polygon[];
  cameraId: string;
  /** Epoch ms of the clip's first frame (the exact cut starts there). */
  clipStart: number;
  /** The cut clip's name in the area; replaced by its redaction. */
  file: string;
  signal?: AbortSignal;
  onFraction?: (f: number) => void;
}

/** The picked events of this camera, as times from the clip's start and their best box. */
export function keepSpecs(events: Pick<EventRepository, 'get'>, ids: readonly string[], cameraId: string, clipStart: number): KeepSpec[] {
  return ids.flatMap((id) => {
    const e = events.get(id);
    if (!e || e.cameraId !== cameraId) return [];
    return [{ eventId: id, start: e.start - clipStart, end: (e.end ?? e.start) - clipStart, box: e.box }];
  });
}

/**
 * The clip is moved aside, redacted into its own name, and the unredacted copy removed: only the redaction leaves this
 * step, also when it fails (then nothing does). The footage in the recordings folder is not touched.
 */
export async function redactExport(o: RedactExportOptions): Promise<ManifestRedaction | null> {
  const plain = `${o.file}.plain.partial`;
  const partial = `${o.file}.partial`;
  await o.area.rename(o.file, plain);
  const detector = o.request ? await o.detector() : undefined;
  try {
    const report = await redactClip({
      ffmpeg: o.ffmpeg,
      ffprobe: o.ffprobe,
      detector,
      masks: o.masks,
      input: o.area.ffmpegInput(plain),
      output: o.area.ffmpegOutput(partial),
      keep: o.request ? keepSpecs(o.events, o.request.keepEvents, o.cameraId, o.clipStart) : [],
      method: o.request?.method ?? 'blur',
      signal: o.signal,
      onFrame: (done, total) => o.onFraction?.(total > 0 ? Math.min(1, done / total) : 0),
    });
    await o.area.rename(partial, o.file);
    if (!o.request) return null;
    const name = o.file.split(/[\\/]/).pop() ?? o.file;
    const keptEvents = report.tracks.flatMap((t) => (t.kept && t.eventId ? [t.eventId] : []));
    return { file: name, method: report.method, model: report.model, minScore: report.minScore, enlarge: report.enlarge, holdFrames: report.holdFrames, frames: report.frames, keptEvents, unmatched: report.unmatched, tracks: report.tracks };
  } finally {
    await detector?.close();
    await o.area.remove(plain);
    await o.area.remove(partial);
  }
}
