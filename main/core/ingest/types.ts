// Shapes the ingest exposes: its config, the frame and live sources, state changes and counters.
import type { Frame } from '../detect/frame.js';
import type { SegmentInfo } from './segments.js';

export type { Frame } from '../detect/frame.js';
export type { SegmentInfo } from './segments.js';

export interface DetectOutput {
  enabled: boolean;
  /** Even numbers (I420 chroma is half size). */
  width: number;
  height: number;
  fps: number;
  /** width is the target and the height follows the stream's shape (probed before connecting); default false. */
  autoSize?: boolean;
  /**
   * Decode only the stream's keyframes and emit each one (no fps filter): the main stream's picture for a closer look at
   * small things the detect stream shows, at a fraction of a full decode's cost.
   */
  keyframesOnly?: boolean;
}

export interface IngestConfig {
  cameraId: string;
  /** rtsp://, rtsps://, http(s)://; may hold credentials (never logged: the logger scrubs them). */
  url: string;
  /** Segments go to <recordingsDir>/<YYYY-MM-DD>/<HH-MM-SS>.mp4 (UTC); usually <data>/recordings/<camera>. */
  recordingsDir: string;
  record: boolean;
  detect: DetectOutput;
  live: boolean;
  /** Segment length in seconds; default 10 (cut at the next keyframe after it). */
  segmentSeconds?: number;
  /** The url is a local clip played in real time, looped forever (the demo camera). */
  loopFile?: boolean;
  /** Which of the camera's streams this connection reads; default main (its connection id is the camera id). */
  stream?: 'main' | 'sub';
  /** Record (and show live) the stream's sound: AAC copied, anything else transcoded to AAC; default false. */
  audio?: boolean;
  /** RTSP transport; default tcp. */
  transport?: 'tcp' | 'udp';
  /** auto and wallclock: wall-clock timestamps on network streams (a camera clock that jumps cannot break segments). */
  clock?: 'auto' | 'camera' | 'wallclock';
  /** ffmpeg -hwaccel method for decoding detect frames (already checked to work); undefined decodes in software. */
  hwaccel?: string;
}

/** The supervisor's key for a connection: the camera id for its main stream, `<camera>:sub` for the sub stream. */
export function connectionId(cameraId: string, stream: 'main' | 'sub' = 'main'): string {
  return stream === 'main' ? cameraId : `${cameraId}:${stream}`;
}

export interface IngestTuning {
  /** Restart when no data arrived for this long; default 10 000 ms. */
  watchdogMs?: number;
  /** Delay before retry number n (0-based, reset once online); default 1 s ×5, 5 s ×5, 10 s ×10, then 60 s. */
  backoffMs?: (retry: number) => number;
  /** A live-only connection closes this long after the last viewer left; default 30 000 ms. */
  liveIdleStopMs?: number;
  /** Socket read timeout given to ffmpeg; default 10 000 ms. */
  socketTimeoutMs?: number;
  /** ffmpeg binary; default locateFfmpeg(). */
  ffmpegPath?: string;
  /** ffprobe binary (the stream's shape before connecting); default locateFfmpeg(). */
  ffprobePath?: string;
}

export type IngestStateName = 'connecting' | 'online' | 'offline' | 'error';

export interface IngestState {
  cameraId: string;
  /** The connection's stream (main unless said). */
  stream?: 'main' | 'sub';
  state: IngestStateName;
  /** Plain words, credentials scrubbed (e.g. "The camera refused the connection…"). */
  reason?: string;
  since: number;
}

export interface IngestCallbacks {
  /** A finished, playable segment (written and closed by ffmpeg): index it. */
  onSegment?(segment: SegmentInfo): void;
  onState?(state: IngestState): void;
}

/** Decoded frames at the detect size and rate; each subscriber gets every frame (its own reference). */
export interface FrameSource {
  subscribe(cb: (f: Frame) => void): () => void;
}

export type LiveChunk =
  | { type: 'init'; data: Uint8Array; codec: string }
  | { type: 'fragment'; data: Uint8Array; keyframe: boolean };

/**
 * Fragmented MP4 of the camera stream (copied, not re-encoded): one init segment, then one fragment
 * (moof+mdat) per frame. A new subscriber gets the init and the cached GOP since the last keyframe first.
 * After a reconnect a new init arrives: the player must reset its SourceBuffer.
 */
export interface LiveSource {
  /** RFC 6381 codec of the current init segment, e.g. "avc1.42C01F"; undefined before the first init. */
  readonly codec: string | undefined;
  readonly init: Uint8Array | undefined;
  subscribe(cb: (chunk: LiveChunk) => void): () => void;
}

export interface IngestStats {
  cameraId: string;
  stream: 'main' | 'sub';
  /** Detect frame size in use (from the probe when auto-sized); undefined without detect frames. */
  detectSize: { width: number; height: number } | undefined;
  /** Audio codec the camera sends, when known. */
  audio: string | undefined;
  /** Whether ffmpeg runs on wall-clock timestamps. */
  wallclock: boolean;
  /** The camera's own timestamps were seen going backwards (on a trusted camera clock; logged once). */
  clockJumped: boolean;
  /** The -hwaccel method decoding detect frames; undefined: software. */
  hwaccel: string | undefined;
  state: IngestStateName;
  /** Input frames per second over the last few seconds. */
  fpsIn: number;
  framesIn: number;
  framesDelivered: number;
  bytesRecorded: number;
  bytesLive: number;
  bytesFrames: number;
  segments: number;
  restarts: number;
  pid: number | undefined;
  lastDataAt: number | undefined;
}
