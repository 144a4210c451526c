// Builds the one ffmpeg command per camera connection: record, detect frames and live fMP4 fanned out from one input.
import type { IngestConfig } from './types.js';
import { protocolArgs } from '../ffmpeg/protocols.js';
import { segmentTemplate } from './segments.js';

/** Extra pipe fds (fd 3 onwards) and what ffmpeg writes to each. */
export const FD = { segmentList: 3, live: 4, progress: 5 } as const;
export const EXTRA_PIPES = 3;

export function isRtsp(url: string): boolean {
  return /^rtsps?:\/\//i.test(url);
}

/** True when some output needs the camera right now. */
export function needsConnection(cfg: IngestConfig, liveViewers: number): boolean {
  return cfg.record || cfg.detect.enabled || (cfg.live && liveViewers > 0);
}

export interface ResolvedInput {
  /** Detect frame size (the probe's shape for an auto-sized camera). */
  detect: { width: number; height: number };
  /** The stream's audio codec when it is to be recorded; undefined records video only. */
  audio?: string;
  /** Wall-clock timestamps instead of the camera's. */
  wallclock: boolean;
}

/** Whether this connection runs on wall-clock timestamps (a network stream, unless the camera's clock is trusted). */
export function usesWallclock(cfg: IngestConfig, cameraClockBroken = false): boolean {
  if (cfg.loopFile || !/^[a-z][a-z0-9+.-]*:\/\//i.test(cfg.url)) return false;
  return cfg.clock !== 'camera' || cameraClockBroken;
}

export function buildIngestArgs(cfg: IngestConfig, opts: { socketArgs: string[]; liveOn: boolean; resolved?: ResolvedInput }): string[] {
  const resolved = opts.resolved ?? { detect: { width: cfg.detect.width, height: cfg.detect.height }, wallclock: usesWallclock(cfg) };
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-nostats', '-progress', `pipe:${FD.progress}`];
  if (isRtsp(cfg.url)) args.push('-rtsp_transport', cfg.transport ?? 'tcp');
  if (resolved.wallclock) args.push('-use_wallclock_as_timestamps', '1');
  // decoding is for detect frames only; the recording and live outputs are copies
  if (cfg.hwaccel && cfg.detect.enabled && !cfg.detect.keyframesOnly) args.push('-hwaccel', cfg.hwaccel);
  // the closer-look picture: the decoder skips everything but keyframes (the copies are not decoded at all)
  if (cfg.detect.enabled && cfg.detect.keyframesOnly) args.push('-skip_frame', 'nokey');
  args.push(...protocolArgs(cfg.url));
  if (cfg.loopFile) args.push('-re', '-stream_loop', '-1', '-i', cfg.url);
  else args.push(...opts.socketArgs, '-i', cfg.url);

  let copyOutputFirst = false;
  if (cfg.record) {
    copyOutputFirst = true;
    args.push(
      '-map', '0:v:0', ...audioArgs(resolved.audio), '-c:v', 'copy',
      '-f', 'segment',
      '-segment_time', String(cfg.segmentSeconds ?? 10),
      '-segment_format', 'mp4',
      '-reset_timestamps', '1',
      '-strftime', '1',
      '-segment_list', `pipe:${FD.segmentList}`,
      '-segment_list_type', 'csv',
      segmentTemplate(cfg.recordingsDir),
    );
  }
  if (opts.liveOn) {
    copyOutputFirst = true;
    args.push(
      '-map', '0:v:0', ...audioArgs(resolved.audio), '-c:v', 'copy',
      '-f', 'mp4',
      // One fragment per frame keeps live latency low (a GOP per fragment costs > 1 s).
      '-movflags', 'frag_every_frame+empty_moov+default_base_moof',
      `pipe:${FD.live}`,
    );
  }
  if (cfg.detect.enabled) {
    if (!copyOutputFirst) {
      // Progress counts the first output's frames: a null copy output makes that the input rate.
      args.splice(args.indexOf('-i') + 2, 0, '-map', '0:v:0', '-c:v', 'copy', '-f', 'null', '-');
    }
    const { fps } = cfg.detect;
    const { width, height } = resolved.detect;
    args.push(
      '-map', '0:v:0', '-an',
      ...(cfg.detect.keyframesOnly ? ['-fps_mode', 'passthrough', '-vf', `scale=${width}:${height}`] : ['-vf', `fps=${fps},scale=${width}:${height}`]),
      '-pix_fmt', 'yuv420p',
      '-f', 'rawvideo',
      'pipe:1',
    );
  }
  return args;
}

// Camera sound formats ffmpeg decodes everywhere: AAC is copied, these are converted to AAC.
const TO_AAC = new Set(['pcm_mulaw', 'pcm_alaw', 'pcm_s16be', 'pcm_s16le', 'adpcm_g726', 'adpcm_g726le', 'g722', 'g723_1', 'g729', 'opus', 'mp2', 'mp3', 'ac3']);

/** Whether a camera's sound can go into the MP4 segments (as it is, or converted). */
export function recordableAudio(codec: string): boolean {
  return codec === 'aac' || TO_AAC.has(codec);
}

/** MP4 segments and Chromium's MSE take AAC as it is; G.711, PCM and the rest are transcoded (a few % of a core). */
export function audioCodecArgs(codec: string): string[] {
  return codec === 'aac' ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '64k'];
}

function audioArgs(codec: string | undefined): string[] {
  return codec ? ['-map', '0:a:0', ...audioCodecArgs(codec)] : [];
}

const RETRY_STEPS: [number, number][] = [
  [5, 1000],
  [10, 5000],
  [20, 10_000],
];

/** go2rtc's steps: 1 s for the first five retries, then 5 s, 10 s, and 60 s from the twentieth. */
export function defaultBackoffMs(retry: number): number {
  for (const [below, ms] of RETRY_STEPS) if (retry < below) return ms;
  return 60_000;
}
