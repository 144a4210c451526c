// Recorded media made on request (playback across segments, one frame at a moment): one implementation for HTTP and app://.
import { z } from 'zod';
import { CameraId, type Polygon } from '../../common/contract/index.js';
import { buildPlayMap, encodePlayMap, type PlayPiece } from '../../common/play-map.js';
import type { SettingsStore } from '../config/index.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { runFfmpeg, spawnFfmpeg } from '../ffmpeg/process.js';
import { requestSlots } from '../ffmpeg/slots.js';
import { createLogger } from '../log/index.js';
import type { SegmentIndex } from './index.js';
import type { FfmpegInput, MediaStore } from '../media/index.js';
import { playbackPlan, startPlayback, type PlaybackStream, type PlayFile } from './playback.js';

const log = createLogger('recordings');

export interface RecordedMediaDeps {
  segments: SegmentIndex;
  media: MediaStore;
  settings: SettingsStore;
}

export interface Refusal {
  ok: false;
  status: 400 | 404 | 503;
  code: 'invalid_input' | 'not_found' | 'unavailable';
  message: string;
}

const BUSY: Refusal = { ok: false, status: 503, code: 'unavailable', message: 'Too many recordings are being read at once; try again in a moment' };

/** One request plays at most this much; the player asks for more as it goes. */
export const MAX_PLAY_MS = 3600_000;

const PlayQuery = z.object({ start: z.coerce.number().int(), end: z.coerce.number().int().optional() });
const FrameQuery = z.object({ t: z.coerce.number().int() });

const refuse = (status: 400 | 404, message: string): Refusal => ({ ok: false, status, code: status === 400 ? 'invalid_input' : 'not_found', message });

function ffmpegOf(settings: SettingsStore): string {
  const cfg = settings.get('ffmpeg');
  return locateFfmpeg({ ffmpeg: cfg.ffmpegPath || undefined, ffprobe: cfg.ffprobePath || undefined }).ffmpeg;
}

function ffprobeOf(settings: SettingsStore): string {
  const cfg = settings.get('ffmpeg');
  return locateFfmpeg({ ffmpeg: cfg.ffmpegPath || undefined, ffprobe: cfg.ffprobePath || undefined }).ffprobe;
}

/**
 * The last keyframe at or before `offsetS` seconds into a segment. Stream copy starts there whatever the inpoint
 * says, so the stream begins at that keyframe: cutting there makes the map exact instead of up to a GOP early.
 */
async function keyframeAtOrBefore(ffprobe: string, path: string, protocols: string, offsetS: number, env: Record<string, string>): Promise<{ pts: number; offset: number }> {
  const none = { pts: 0, offset: 0 };
  if (offsetS <= 0) return none;
  const args = ['-hide_banner', '-v', 'error', '-protocol_whitelist', protocols, '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', '-read_intervals', `%+${(offsetS + 1).toFixed(3)}`, path];
  const r = await runFfmpeg(ffprobe, args, { timeoutMs: 5000, maxBytes: 4 * 1024 * 1024, env });
  if (r.timedOut || r.exit.code !== 0) return none;
  const packets = r.stdout
    .toString()
    .split('\n')
    .map((line) => line.split(','))
    // Number('') is 0: blank lines and packets without a timestamp are left out, not read as time zero
    .filter(([pts]) => pts !== undefined && pts.trim() !== '' && pts !== 'N/A')
    .map(([pts, flags]) => ({ t: Number(pts), key: flags?.startsWith('K') ?? false }))
    .filter((p) => Number.isFinite(p.t));
  // positions count from the file's first timestamp (often a few ms, not 0); the inpoint is in file timestamps
  const origin = Math.min(...packets.map((p) => p.t));
  let best: { pts: number; offset: number } = { pts: origin, offset: 0 };
  for (const p of packets) if (p.key && p.t - origin <= offsetS + 0.0005 && p.t >= best.pts) best = { pts: p.t, offset: p.t - origin };
  return Number.isFinite(origin) ? best : none;
}

/** Where a playback from `start` really begins: the keyframe before it in the first file (its timestamp, and seconds into the file). */
async function cutPoint(deps: RecordedMediaDeps, first: PlayFile, protocols: string, start: number): Promise<{ inpointS: number; skipS: number }> {
  const offset = Math.max(0, Math.min(first.end - first.start, start - first.start)) / 1000;
  const key = await keyframeAtOrBefore(ffprobeOf(deps.settings), first.path, protocols, offset, deps.media.ffmpegEnv());
  return { inpointS: key.pts, skipS: key.offset };
}

/** `/media/play/<camera>?start=<ms>[&end=<ms>]`: the recording from `start` as one fragmented MP4, across segment boundaries. */
export async function openPlayback(
  deps: RecordedMediaDeps,
  camera: string,
  query: Record<string, unknown>,
  /** Aborted when the client goes away: registered before ffmpeg starts, so no process outlives its request. */
  signal?: AbortSignal,
  /** Privacy masks to burn in (the caller may not lift them): the stream is then re-encoded. */
  masks: readonly Polygon[] = [],
): Promise<{ ok: true; cameraId: string; start: number; end: number; play: PlaybackStream } | Refusal> {
  const id = CameraId.safeParse(camera);
  const q = PlayQuery.safeParse(query);
  if (!id.success || !q.success) return refuse(400, 'use /media/play/<camera>?start=<epoch ms>[&end=<epoch ms>]');
  const { end, files, protocols } = planFiles(deps, id.data, q.data.start, q.data.end);
  const first = files[0];
  if (!first) return refuse(404, 'Nothing was recorded at that time');
  if (signal?.aborted) return refuse(400, 'The request was cancelled');
  // one slot covers the keyframe scan and the playback after it
  const release = requestSlots.tryTake();
  if (!release) return BUSY;
  let play: PlaybackStream;
  try {
    const cut = await cutPoint(deps, first, protocols, q.data.start);
    if (signal?.aborted) {
      release();
      return refuse(400, 'The request was cancelled');
    }
    play = startPlayback(ffmpegOf(deps.settings), files, { scratch: deps.media.scratch('play'), protocols, env: deps.media.ffmpegEnv(), masks }, cut, release);
  } catch (err) {
    release();
    throw err;
  }
  signal?.addEventListener('abort', () => play.stop(), { once: true });
  return { ok: true, cameraId: id.data, start: q.data.start, end, play };
}

/** The files a playback from `start` plays: the same plan for the stream and for its map. */
function planFiles(deps: RecordedMediaDeps, cameraId: string, start: number, until?: number): { end: number; files: PlayFile[]; protocols: string } {
  const end = Math.min(until ?? start + MAX_PLAY_MS, start + MAX_PLAY_MS);
  const protocols = new Set(['file']);
  const files = playbackPlan(deps.segments.segments(cameraId, start, end), start, end).flatMap((s) => {
    const input = deps.media.ffmpegInput('recordings', s.url);
    if (!input) return [];
    for (const p of input.protocols.split(',')) protocols.add(p);
    return [{ path: input.url, start: s.start, end: s.end }];
  });
  return { end, files, protocols: [...protocols].join(',') };
}

/** The map of the stream `/media/play/<camera>?start=…` sends, without starting it (the player asks for it beside the video). */
export async function playbackMap(deps: RecordedMediaDeps, cameraId: string, start: number, end?: number): Promise<PlayPiece[]> {
  const { files, protocols } = planFiles(deps, cameraId, start, end);
  const first = files[0];
  if (!first) return [];
  // cut where openPlayback cuts the first file
  return buildPlayMap(files, (await cutPoint(deps, first, protocols, start)).skipS);
}

/** `/media/frame/<camera>?t=<ms>`: one small JPEG from the recording at that moment (timeline hover). */
export async function recordedFrame(deps: RecordedMediaDeps, camera: string, query: Record<string, unknown>, signal?: AbortSignal): Promise<{ ok: true; jpeg: Buffer } | Refusal> {
  const id = CameraId.safeParse(camera);
  const q = FrameQuery.safeParse(query);
  if (!id.success || !q.success) return refuse(400, 'use /media/frame/<camera>?t=<epoch ms>');
  const seg = deps.segments.segments(id.data, q.data.t, q.data.t + 1)[0];
  const input = seg ? deps.media.ffmpegInput('recordings', seg.url) : null;
  if (!seg || !input) return refuse(404, 'Nothing was recorded at that time');
  if (signal?.aborted) return refuse(400, 'The request was cancelled');
  const release = requestSlots.tryTake();
  if (!release) return BUSY;
  try {
    const jpeg = await grabFrame(ffmpegOf(deps.settings), input, Math.max(0, (q.data.t - seg.start) / 1000).toFixed(2), signal);
    return jpeg ? { ok: true, jpeg } : refuse(404, 'No picture at that time');
  } finally {
    release();
  }
}

/** A recorded moment never changes. */
export const FRAME_CACHE = 'private, max-age=86400, immutable';

/**
 * A camera's newest recorded picture (a second before its newest segment ends), at most 1280 wide: what the zone editor
 * and motion search draw on when the camera records without detecting, or is off. Null when it recorded nothing.
 */
export async function recordedStill(deps: RecordedMediaDeps, cameraId: string): Promise<{ jpeg: Buffer; time: number } | null> {
  const seg = deps.segments.newest(cameraId);
  const input = seg ? deps.media.ffmpegInput('recordings', seg.url) : null;
  if (!seg || !input) {
    if (seg) log.warn({ cameraId, segment: seg.url }, 'recorded still: the newest segment is not in the store');
    return null;
  }
  const release = requestSlots.tryTake();
  if (!release) {
    log.warn({ cameraId, inUse: requestSlots.inUse }, 'recorded still: every recording reader is busy');
    return null;
  }
  try {
    const offset = Math.max(0, (seg.end - seg.start - 1000) / 1000);
    // a busy machine may take a while to start ffmpeg: this waits longer than a timeline hover does
    const jpeg = await grabFrame(ffmpegOf(deps.settings), input, offset.toFixed(2), undefined, "scale='min(1280,iw)':-2", 15_000);
    if (!jpeg) log.warn({ cameraId, segment: seg.url, offset }, 'recorded still: no picture decoded from the newest segment');
    return jpeg ? { jpeg, time: seg.start + Math.round(offset * 1000) } : null;
  } finally {
    release();
  }
}

async function grabFrame(ffmpeg: string, input: FfmpegInput, offset: string, signal?: AbortSignal, scale = 'scale=240:-2', timeoutMs = 5000): Promise<Buffer | null> {
  const args = ['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', input.protocols, '-ss', offset, '-i', input.url, '-frames:v', '1', '-vf', scale, '-f', 'mjpeg', 'pipe:1'];
  const proc = spawnFfmpeg(ffmpeg, args, { label: 'frame', env: input.env });
  const stop = (): void => void proc.stop(500);
  signal?.addEventListener('abort', stop, { once: true });
  const chunks: Buffer[] = [];
  proc.stdout.on('data', (c: Buffer) => chunks.push(c));
  const timer = setTimeout(stop, timeoutMs);
  const exit = await proc.exited;
  clearTimeout(timer);
  signal?.removeEventListener('abort', stop);
  return exit.code === 0 && chunks.length ? Buffer.concat(chunks) : null;
}

/** The headers a playback response carries, whichever host sends it. */
export function playbackHeaders(play: PlaybackStream): Record<string, string> {
  return {
    'content-type': 'video/mp4',
    'cache-control': 'no-store',
    'x-playback-start': String(play.startsAt),
    'x-playback-duration': String(play.duration),
    'x-playback-map': encodePlayMap(play.map),
    'access-control-expose-headers': 'x-playback-start, x-playback-duration, x-playback-map',
  };
}
