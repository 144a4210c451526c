// Redacted exports: every person in a clip blurred or filled except the ones picked, found by a detection pass over the clip.
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { Detector } from '../detect/detector.js';
import { iou, type Box, type Frame } from '../detect/frame.js';
import { fullFrame } from '../detect/regions.js';
import { rawFrames } from '../detect/media.js';
import { spawnFfmpeg, type FfmpegProcess } from '../ffmpeg/process.js';
import type { Polygon } from '../../common/contract/index.js';
import { applyMask, maskBitmap } from '../privacy/index.js';
import { Tracker } from '../track/index.js';
import type { FfmpegInput, FfmpegOutput } from '../media/index.js';
import { mp4Flags } from './plan.js';
import { runFfmpeg } from './run.js';

/** Lower than an event's 0.5: a doubtful person is hidden rather than shown. */
export const REDACT_MIN_SCORE = 0.3;
/** Each box grows by this share of its size on every side, so a limb or a shadow at the edge is covered too. */
export const REDACT_ENLARGE = 0.15;
/** A box is kept this many frames after its person was last detected (and drawn this many before the first), so a missed frame never shows them. */
export const REDACT_HOLD_FRAMES = 6;
/** A picked event's box must overlap the track this much to choose it. */
const KEEP_MIN_IOU = 0.3;

export type RedactMethod = 'blur' | 'fill';

/** A person to leave visible: where they were (normalised box) some time in [start, end] ms from the clip's start. */
export interface KeepSpec {
  eventId?: string;
  start: number;
  end: number;
  box: Box;
}

export interface RedactTrack {
  id: string;
  /** Frames it was drawn in (detected or held). */
  frames: number;
  /** ms from the clip's start. */
  first: number;
  last: number;
  kept: boolean;
  /** The picked event it was chosen for. */
  eventId?: string;
}

export interface RedactReport {
  method: RedactMethod;
  model: string;
  minScore: number;
  enlarge: number;
  holdFrames: number;
  frames: number;
  width: number;
  height: number;
  tracks: RedactTrack[];
  /** Picked events no track matched (nobody found where the event was): nobody was left visible for them. */
  unmatched: string[];
}

export interface RedactOptions {
  ffmpeg: string;
  ffprobe: string;
  /** Absent: no one is looked for (a pass that only burns the privacy masks in). */
  detector?: Detector;
  /** Privacy masks blacked out of every frame, after the people. */
  masks?: readonly Polygon[];
  /** The clip: a path, or the store's tap URL with its protocols and credential (an encrypted export). */
  input: FfmpegInput;
  /** A path, or `pipe:3` with the stream the store encrypts it into. */
  output: FfmpegOutput;
  keep: readonly KeepSpec[];
  method: RedactMethod;
  signal?: AbortSignal;
  onFrame?: (done: number, total: number) => void;
}

interface ClipInfo {
  width: number;
  height: number;
  /** As ffmpeg's -framerate takes it: "10/1", "30000/1001". */
  rate: string;
  fps: number;
  frames: number;
}

/** Width, height, frame rate and frame count of the first video stream (counted by demuxing). */
export async function probeClip(ffprobe: string, file: FfmpegInput, signal?: AbortSignal): Promise<ClipInfo> {
  const r = await runFfmpeg(
    ffprobe,
    ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=width,height,avg_frame_rate,r_frame_rate,nb_read_packets', '-of', 'json', '-protocol_whitelist', file.protocols, file.url],
    { captureStdout: true, signal, env: file.env },
  );
  const s = r.code === 0 ? (JSON.parse(r.stdout) as { streams?: { width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; nb_read_packets?: string }[] }).streams?.[0] : undefined;
  if (!s?.width || !s.height) throw new Error(`ffprobe could not read the clip's video: ${r.stderr.at(-1) ?? 'no video stream'}`);
  const rate = [s.avg_frame_rate, s.r_frame_rate].find((x) => x && !x.startsWith('0')) ?? '10/1';
  const [n, d] = rate.split('/').map(Number);
  return { width: s.width, height: s.height, rate, fps: n && d ? n / d : 10, frames: Number(s.nb_read_packets ?? 0) };
}

/** Every frame of the file as I420 at its own size (even-cropped), in order; ffmpeg waits while the consumer works. */
async function* decodeFrames(ffmpeg: string, file: FfmpegInput, info: ClipInfo, signal?: AbortSignal): AsyncGenerator<Frame> {
  const width = info.width & ~1;
  const height = info.height & ~1;
  const proc = spawnFfmpeg(
    ffmpeg,
    ['-hide_banner', '-nostdin', '-v', 'error', '-protocol_whitelist', file.protocols, '-i', file.url, '-an', '-sn', '-vf', `crop=${width}:${height}:0:0`, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'],
    { env: file.env },
  );
  const onAbort = (): void => void proc.stop(1000);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    yield* rawFrames(proc.stdout as AsyncIterable<Buffer>, width, height, info.fps, 'export');
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (proc.running()) await proc.stop(1000);
  }
  const exit = await proc.exited;
  if (signal?.aborted) throw new Error('cancelled');
  if (exit.code !== 0) throw new Error(`ffmpeg could not decode the clip: ${proc.stderrTail().at(-1) ?? `exit ${exit.code}`}`);
}

interface FrameBoxes {
  time: number;
  /** held: not detected in this frame, drawn from the track's last (or first) box. */
  boxes: { track: string; box: Box; held: boolean }[];
}

/** Pass 1: every frame through the detector and a tracker; per frame, each person's box and track (held across misses). */
async function findPeople(opts: RedactOptions & { detector: Detector }, info: ClipInfo): Promise<FrameBoxes[]> {
  const tracker = new Tracker({ minHits: 1, maxMissedFrames: REDACT_HOLD_FRAMES, maxMissedMs: 600_000, stationaryFrames: 1000, stationaryInterval: 1 }, 'r');
  const out: FrameBoxes[] = [];
  let n = 0;
  for await (const frame of decodeFrames(opts.ffmpeg, opts.input, info, opts.signal)) {
    const found = await opts.detector.detect(frame, [fullFrame(frame.width, frame.height)]);
    const people = found.filter((d) => d.label === 'person' && d.score >= REDACT_MIN_SCORE);
    tracker.update(people, frame.time);
    // alive tracks: those seen now, and those missed for up to REDACT_HOLD_FRAMES (their last box is held)
    out.push({ time: frame.time, boxes: tracker.all().filter((o) => o.label === 'person').map((o) => ({ track: o.id, box: [...o.box] as Box, held: o.missed > 0 })) });
    opts.onFrame?.(++n, info.frames * 2);
  }
  // and each track is drawn a few frames before it was first detected, from its first box
  const firstSeen = new Map<string, number>();
  out.forEach((f, i) => f.boxes.forEach((b) => firstSeen.has(b.track) || firstSeen.set(b.track, i)));
  for (const [track, i] of firstSeen) {
    const box = out[i]?.boxes.find((b) => b.track === track)?.box;
    if (!box) continue;
    for (let j = Math.max(0, i - REDACT_HOLD_FRAMES); j < i; j++) out[j]?.boxes.push({ track, box, held: true });
  }
  return out;
}

/** Which track each picked event is: the best overlap with its box while it lasted. */
function chooseKept(frames: readonly FrameBoxes[], keep: readonly KeepSpec[], w: number, h: number): { kept: Map<string, string | undefined>; unmatched: string[] } {
  const kept = new Map<string, string | undefined>();
  const unmatched: string[] = [];
  for (const k of keep) {
    const target: Box = [k.box[0] * w, k.box[1] * h, k.box[2] * w, k.box[3] * h];
    let best: { track: string; overlap: number } | undefined;
    for (const f of frames) {
      if (f.time < k.start - 1000 || f.time > k.end + 1000) continue;
      for (const b of f.boxes) {
        const overlap = iou(b.box, target);
        if (overlap >= KEEP_MIN_IOU && overlap > (best?.overlap ?? 0)) best = { track: b.track, overlap };
      }
    }
    if (best) kept.set(best.track, k.eventId);
    else unmatched.push(k.eventId ?? `${k.start}-${k.end}`);
  }
  return { kept, unmatched };
}

/** The box grown on every side and snapped outward to even pixels (the chroma planes are half size), inside the frame. */
export function enlargeBox(b: Box, w: number, h: number, by = REDACT_ENLARGE): Box {
  const dx = (b[2] - b[0]) * by;
  const dy = (b[3] - b[1]) * by;
  const x1 = Math.max(0, Math.floor((b[0] - dx) / 2) * 2);
  const y1 = Math.max(0, Math.floor((b[1] - dy) / 2) * 2);
  const x2 = Math.min(w, Math.ceil((b[2] + dx) / 2) * 2);
  const y2 = Math.min(h, Math.ceil((b[3] + dy) / 2) * 2);
  return [x1, y1, x2, y2];
}

/** One plane's rectangle replaced by the mean of each block (a coarse mosaic: what was there cannot be read back). */
function mosaic(plane: Uint8Array, stride: number, x1: number, y1: number, x2: number, y2: number, block: number): void {
  for (let by = y1; by < y2; by += block) {
    for (let bx = x1; bx < x2; bx += block) {
      const ey = Math.min(by + block, y2);
      const ex = Math.min(bx + block, x2);
      let sum = 0;
      for (let y = by; y < ey; y++) for (let x = bx; x < ex; x++) sum += plane[y * stride + x]!;
      const mean = Math.round(sum / ((ey - by) * (ex - bx)));
      for (let y = by; y < ey; y++) plane.fill(mean, y * stride + bx, y * stride + ex);
    }
  }
}

/** Redacts one box of an I420 frame in place: a mosaic of blocks about a sixth of the box, or a flat black fill. */
export function redactBox(frame: Frame, box: Box, method: RedactMethod): void {
  const { width: w, height: h, data } = frame;
  const [x1, y1, x2, y2] = enlargeBox(box, w, h);
  if (x2 <= x1 || y2 <= y1) return;
  const y = data.subarray(0, w * h);
  const u = data.subarray(w * h, w * h + (w * h) / 4);
  const v = data.subarray(w * h + (w * h) / 4);
  if (method === 'fill') {
    for (let r = y1; r < y2; r++) y.fill(16, r * w + x1, r * w + x2);
    for (const p of [u, v]) for (let r = y1 / 2; r < y2 / 2; r++) p.fill(128, r * (w / 2) + x1 / 2, r * (w / 2) + x2 / 2);
    return;
  }
  const block = Math.max(8, Math.round(Math.max(x2 - x1, y2 - y1) / 6) & ~1);
  mosaic(y, w, x1, y1, x2, y2, block);
  for (const p of [u, v]) mosaic(p, w / 2, x1 / 2, y1 / 2, x2 / 2, y2 / 2, block / 2);
}

/** Puts a box's original pixels back (all three planes), from a copy of the frame taken before redacting. */
function restoreBox(frame: Frame, original: Uint8Array, box: Box): void {
  const { width: w, height: h, data } = frame;
  const [x1, y1, x2, y2] = enlargeBox(box, w, h, 0);
  for (let r = y1; r < y2; r++) data.set(original.subarray(r * w + x1, r * w + x2), r * w + x1);
  const cw = w / 2;
  for (const base of [w * h, w * h + (w * h) / 4]) {
    for (let r = y1 / 2; r < y2 / 2; r++) data.set(original.subarray(base + r * cw + x1 / 2, base + r * cw + x2 / 2), base + r * cw + x1 / 2);
  }
}

async function write(proc: FfmpegProcess, data: Uint8Array): Promise<void> {
  const stdin = proc.stdin!;
  if (!stdin.write(data)) await Promise.race([once(stdin, 'drain'), proc.exited]);
}

/**
 * Pass 1 finds and tracks every person; pass 2 decodes again, redacts every box not of a kept track, and re-encodes
 * (H.264, the source's frame rate, its audio copied). The input file is left as it is.
 */
export async function redactClip(opts: RedactOptions): Promise<RedactReport> {
  const info = await probeClip(opts.ffprobe, opts.input, opts.signal);
  const detector = opts.detector;
  const frames = detector ? await findPeople({ ...opts, detector }, info) : [];
  const width = info.width & ~1;
  const height = info.height & ~1;
  const masked = maskBitmap(opts.masks ?? [], width, height);
  const { kept, unmatched } = chooseKept(frames, opts.keep, width, height);

  const enc = spawnFfmpeg(
    opts.ffmpeg,
    [
      '-hide_banner', '-nostdin', '-v', 'error',
      '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-framerate', info.rate, '-i', 'pipe:0',
      '-protocol_whitelist', opts.input.protocols, '-i', opts.input.url,
      '-map', '0:v', '-map', '1:a?',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-c:a', 'copy',
      ...mp4Flags(opts.output.target), '-f', 'mp4', opts.output.target,
    ],
    { stdin: true, env: opts.input.env, extraPipes: opts.output.open ? 1 : 0 },
  );
  // an encrypted output: ffmpeg's fd 3 into the store, with backpressure; its failure fails the redaction
  const sink = opts.output.open?.();
  const stored = sink && enc.pipes[0] ? pipeline(enc.pipes[0], sink).then(() => null, (err: Error) => err) : Promise.resolve(null);
  const onAbort = (): void => void enc.stop(1000);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const tracks = new Map<string, RedactTrack>();
  let i = 0;
  try {
    for await (const frame of decodeFrames(opts.ffmpeg, opts.input, info, opts.signal)) {
      const boxes = frames[i]?.boxes ?? [];
      for (const b of boxes) {
        const t = tracks.get(b.track) ?? { id: b.track, frames: 0, first: frame.time, last: frame.time, kept: kept.has(b.track), ...(kept.get(b.track) ? { eventId: kept.get(b.track) } : {}) };
        t.frames++;
        t.last = frame.time;
        tracks.set(b.track, t);
      }
      // a held box (a guess where someone was) yields to a picked person detected there; a detected other person never does
      const visible = boxes.filter((b) => kept.has(b.track) && !b.held).map((b) => b.box);
      const original = visible.length ? frame.data.slice() : undefined;
      for (const b of boxes) if (b.held && !kept.has(b.track)) redactBox(frame, b.box, opts.method);
      if (original) for (const box of visible) restoreBox(frame, original, box);
      for (const b of boxes) if (!b.held && !kept.has(b.track)) redactBox(frame, b.box, opts.method);
      if (masked) applyMask(frame, masked);
      if (!enc.running()) break;
      await write(enc, frame.data);
      i++;
      opts.onFrame?.(frames.length + i, frames.length + info.frames);
    }
    enc.stdin?.end();
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const exit = await enc.exited;
  const storeError = await stored;
  if (opts.signal?.aborted) throw new Error('cancelled');
  if (exit.code !== 0) throw new Error(`ffmpeg could not encode the redacted clip: ${enc.stderrTail().at(-1) ?? `exit ${exit.code}`}`);
  if (storeError) throw new Error(`the redacted clip could not be stored: ${storeError.message}`);
  return {
    method: opts.method,
    model: detector?.model.name ?? '',
    minScore: REDACT_MIN_SCORE,
    enlarge: REDACT_ENLARGE,
    holdFrames: REDACT_HOLD_FRAMES,
    frames: i,
    width,
    height,
    tracks: [...tracks.values()],
    unmatched,
  };
}
