// Motion from the footage itself: ffmpeg decodes one recording at a low rate into small gray frames of the region's
// bounding box, and consecutive frames are compared inside the drawn polygon.
import type { Polygon } from '../../common/contract/zones.js';
import { spawnFfmpeg, type FfmpegProcess } from '../ffmpeg/process.js';
import type { FfmpegInput } from '../media/index.js';
import { pointInPolygon } from './polygon.js';

/** Frames per second decoded for the scan: enough to see a person cross, cheap to compare. */
export const SCAN_FPS = 2;
/** The longer side of the decoded crop, in pixels. */
const MAX_SIDE = 160;
/** Luma difference between two frames that counts a pixel as changed. */
const PIXEL_THRESHOLD = 20;
/** A frame moved when at least this share of the region, and this many pixels, changed. */
const MIN_SHARE = 0.003;
const MIN_PIXELS = 4;
/** Most of the region changing at once is light (a cloud, the IR switch, exposure), not movement. */
const LIGHT_SHARE = 0.6;

/** What is decoded for a region: the crop (fractions of the frame), the output size and the polygon's pixels in it. */
export interface ScanGeometry {
  x: number;
  y: number;
  w: number;
  h: number;
  width: number;
  height: number;
  /** 1 where an output pixel's centre lies inside the polygon. */
  mask: Uint8Array;
  maskPixels: number;
}

const even = (n: number): number => Math.max(8, Math.round(n / 2) * 2);
const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** The bounding box of the polygon (at least 2 % of the frame each way), its output size, and the polygon's mask in it. */
export function scanGeometry(region: Polygon): ScanGeometry {
  let x1 = clamp01(Math.min(...region.map((p) => p[0])));
  let y1 = clamp01(Math.min(...region.map((p) => p[1])));
  let x2 = clamp01(Math.max(...region.map((p) => p[0])));
  let y2 = clamp01(Math.max(...region.map((p) => p[1])));
  const grow = (a: number, b: number): [number, number] => {
    if (b - a >= 0.02) return [a, b];
    const mid = Math.min(0.99, Math.max(0.01, (a + b) / 2));
    return [mid - 0.01, mid + 0.01];
  };
  [x1, x2] = grow(x1, x2);
  [y1, y2] = grow(y1, y2);
  const w = x2 - x1;
  const h = y2 - y1;
  // most cameras are 16:9; another aspect only makes the pixels a little less square, the polygon is in fractions
  const aspect = (w * 16) / (h * 9);
  const width = even(aspect >= 1 ? MAX_SIDE : MAX_SIDE * aspect);
  const height = even(aspect >= 1 ? MAX_SIDE / aspect : MAX_SIDE);
  const mask = new Uint8Array(width * height);
  let maskPixels = 0;
  for (let py = 0; py < height; py++) {
    const ny = y1 + ((py + 0.5) / height) * h;
    for (let px = 0; px < width; px++) {
      if (pointInPolygon(x1 + ((px + 0.5) / width) * w, ny, region)) {
        mask[py * width + px] = 1;
        maskPixels++;
      }
    }
  }
  // a sliver of a polygon that covers no pixel centre: its whole box counts
  if (maskPixels === 0) {
    mask.fill(1);
    maskPixels = mask.length;
  }
  return { x: x1, y: y1, w, h, width, height, mask, maskPixels };
}

const f = (v: number): string => v.toFixed(4);

/** ffmpeg's arguments: the stored file as the media store opens it, SCAN_FPS gray frames of the crop, raw to stdout. */
export function scanArgs(input: FfmpegInput, g: ScanGeometry): string[] {
  const crop = `crop=w=iw*${f(g.w)}:h=ih*${f(g.h)}:x=iw*${f(g.x)}:y=ih*${f(g.y)}`;
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-threads', '1',
    '-protocol_whitelist', input.protocols,
    '-i', input.url,
    '-an', '-sn', '-dn',
    '-vf', `fps=${SCAN_FPS},${crop},scale=${g.width}:${g.height}:flags=area,format=gray`,
    '-f', 'rawvideo', 'pipe:1',
  ];
}

/** Compares one frame with the one before, inside the mask; the share of the region that changed. */
export function changedShare(prev: Uint8Array, cur: Uint8Array, g: ScanGeometry): number {
  const { mask } = g;
  let n = 0;
  for (let i = 0; i < cur.length; i++) {
    if (mask[i] === 0) continue;
    const d = (cur[i] as number) - (prev[i] as number);
    if (d > PIXEL_THRESHOLD || d < -PIXEL_THRESHOLD) n++;
  }
  return n >= MIN_PIXELS ? n / g.maskPixels : 0;
}

/** Whether a share of changed pixels is movement (not noise, not a change of light). */
export const isMovement = (share: number): boolean => share >= MIN_SHARE && share < LIGHT_SHARE;

export interface SegmentScan {
  /** The instants that moved: time (epoch ms) and the share of the region that changed since the frame before. */
  instants: Array<{ t: number; share: number }>;
  frames: number;
  /** The last frame, to compare the next segment's first frame with when it follows without a gap. */
  last: Uint8Array | undefined;
  ok: boolean;
  /** Why the decode failed (ffmpeg's last lines), when it did and was not stopped. */
  error?: string;
  /** The decode was stopped (cancelled). */
  stopped: boolean;
}

export interface ScanOneOptions {
  ffmpeg: string;
  input: FfmpegInput;
  geometry: ScanGeometry;
  /** The segment's start (epoch ms): frame i is at start + i / SCAN_FPS seconds. */
  start: number;
  /** The last frame of the segment before, when this one follows it without a gap. */
  previous?: Uint8Array | undefined;
  /** Called with the process as soon as it runs (so a cancel can kill it), and with undefined once it exited. */
  onProcess?: (proc: FfmpegProcess | undefined) => void;
  /** A hang bound: the decode is killed after this long. */
  timeoutMs?: number;
}

/** Decodes one stored segment and lists the instants that moved inside the region. */
export async function scanSegment(o: ScanOneOptions): Promise<SegmentScan> {
  const g = o.geometry;
  const size = g.width * g.height;
  const proc = spawnFfmpeg(o.ffmpeg, scanArgs(o.input, g), { label: 'motion-scan', stderrLines: 10, env: o.input.env });
  o.onProcess?.(proc);
  const instants: SegmentScan['instants'] = [];
  let prev = o.previous && o.previous.length === size ? o.previous : undefined;
  let frames = 0;
  let pending: Buffer = Buffer.alloc(0);
  proc.stdout.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let off = 0;
    while (pending.length - off >= size) {
      const cur = new Uint8Array(pending.subarray(off, off + size));
      off += size;
      if (prev) {
        const share = changedShare(prev, cur, g);
        if (isMovement(share)) instants.push({ t: o.start + Math.round((frames * 1000) / SCAN_FPS), share });
      }
      prev = cur;
      frames++;
    }
    pending = off === pending.length ? Buffer.alloc(0) : pending.subarray(off);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill();
  }, o.timeoutMs ?? 120_000);
  const exit = await proc.exited;
  clearTimeout(timer);
  o.onProcess?.(undefined);
  const stopped = exit.signal === 'SIGKILL' && !timedOut;
  const ok = exit.code === 0;
  const error = ok || stopped ? undefined : timedOut ? 'the decode took too long' : proc.stderrTail().slice(-2).join(' ') || `ffmpeg exited with ${exit.code ?? exit.signal}`;
  return { instants, frames, last: prev, ok, stopped, ...(error ? { error } : {}) };
}
