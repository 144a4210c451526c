// The ingest module: ffmpeg per camera stream, fanned out to recording segments, detect frames and live fMP4.
export { CameraIngest, type CameraIngestOptions } from './camera.js';
export { CameraFeed, type FeedUpstream } from './feed.js';
export { TranscodedLive, type TranscodeOptions } from './transcode.js';
export { IngestSupervisor, type IngestSupervisorOptions } from './supervisor.js';
export { startFromPath, utcDay, type SegmentInfo } from './segments.js';
export { defaultBackoffMs } from './args.js';
export { connectionId } from './types.js';
export type {
  DetectOutput,
  FrameSource,
  IngestCallbacks,
  IngestConfig,
  IngestState,
  IngestStateName,
  IngestStats,
  IngestTuning,
  LiveChunk,
  LiveSource,
  SegmentSink,
} from './types.js';
