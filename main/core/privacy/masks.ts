// Privacy masks: who may see behind them, and blacking them out of I420 frames and JPEGs (exports, snapshots, thumbnails).
import { canLiftMasks, type Grant, type Polygon } from '../../common/contract/index.js';
import type { Frame } from '../detect/frame.js';
import { spawnFfmpeg } from '../ffmpeg/process.js';

/** Who asks: a user with their grant (the API's CallContext, the HTTP caller). */
export type MaskCaller = Grant;

/**
 * The one check for seeing a camera's picture without its privacy masks: admins, and viewers granted "lift privacy
 * masks" on a camera they may see. Every caller of this logs a lift it allows.
 */
export function mayLiftMasks(caller: MaskCaller, cameraId: string): boolean {
  return canLiftMasks(caller, cameraId);
}

/** The masks as a w×h bitmap (1: hidden), a pixel hidden when its centre is inside any polygon (even-odd); null when none. */
export function maskBitmap(polygons: readonly Polygon[], w: number, h: number): Uint8Array | null {
  if (polygons.length === 0) return null;
  const bits = new Uint8Array(w * h);
  for (const poly of polygons) {
    const pts = poly.map(([x, y]) => [x * w, y * h] as const);
    for (let row = 0; row < h; row++) {
      const cy = row + 0.5;
      const xs: number[] = [];
      for (let i = 0; i < pts.length; i++) {
        const [x1, y1] = pts[i]!;
        const [x2, y2] = pts[(i + 1) % pts.length]!;
        if ((y1 <= cy && y2 > cy) || (y2 <= cy && y1 > cy)) xs.push(x1 + ((cy - y1) / (y2 - y1)) * (x2 - x1));
      }
      xs.sort((a, b) => a - b);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const from = Math.max(0, Math.ceil(xs[k]! - 0.5));
        const to = Math.min(w, Math.ceil(xs[k + 1]! - 0.5));
        if (to > from) bits.fill(1, row * w + from, row * w + to);
      }
    }
  }
  return bits;
}

/** Blacks out the masked pixels of an I420 frame in place (a chroma sample goes grey when any of its four pixels is masked). */
export function applyMask(frame: Frame, bits: Uint8Array): void {
  const { width: w, height: h, data } = frame;
  const cw = w >> 1;
  const ch = h >> 1;
  const u = w * h;
  const v = u + cw * ch;
  for (let i = 0; i < w * h; i++) if (bits[i]) data[i] = 16;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const p = 2 * y * w + 2 * x;
      if (bits[p] || bits[p + 1] || bits[p + w] || bits[p + w + 1]) {
        data[u + y * cw + x] = 128;
        data[v + y * cw + x] = 128;
      }
    }
  }
}

/** Width and height from a JPEG's start-of-frame marker; null when it has none. */
export function jpegSize(jpeg: Buffer): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < jpeg.length) {
    if (jpeg[i] !== 0xff) return null;
    const marker = jpeg[i + 1]!;
    const len = jpeg.readUInt16BE(i + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  return null;
}

/** Bytes through one ffmpeg run, stdin to stdout; rejects with its last stderr line. */
async function through(ffmpeg: string, args: string[], input: Buffer, signal?: AbortSignal): Promise<Buffer> {
  const proc = spawnFfmpeg(ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', ...args], { stdin: true });
  const onAbort = (): void => proc.kill();
  signal?.addEventListener('abort', onAbort, { once: true });
  const out: Buffer[] = [];
  proc.stdout.on('data', (b: Buffer) => out.push(b));
  proc.stdin?.on('error', () => undefined);
  proc.stdin?.end(input);
  const exit = await proc.exited;
  signal?.removeEventListener('abort', onAbort);
  if (exit.code !== 0) throw new Error(`ffmpeg could not mask the picture: ${proc.stderrTail().at(-1) ?? `exit ${exit.code}`}`);
  return Buffer.concat(out);
}

/** A JPEG with the masks blacked out (decoded and re-encoded by ffmpeg through pipes, even-cropped); the original when there are none. */
export async function maskJpeg(ffmpeg: string, jpeg: Buffer, polygons: readonly Polygon[], signal?: AbortSignal): Promise<Buffer> {
  if (polygons.length === 0) return jpeg;
  const size = jpegSize(jpeg);
  if (!size) throw new Error('not a JPEG picture');
  const width = size.width & ~1;
  const height = size.height & ~1;
  const raw = await through(ffmpeg, ['-f', 'image2pipe', '-c:v', 'mjpeg', '-i', 'pipe:0', '-vf', `crop=${width}:${height}:0:0`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'], jpeg, signal);
  if (raw.length !== (width * height * 3) / 2) throw new Error('ffmpeg decoded the picture to an unexpected size');
  const frame: Frame = { cameraId: 'mask', width, height, time: 0, data: new Uint8Array(raw.buffer, raw.byteOffset, raw.length) };
  applyMask(frame, maskBitmap(polygons, width, height)!);
  return through(ffmpeg, ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-i', 'pipe:0', '-frames:v', '1', '-pix_fmt', 'yuvj420p', '-q:v', '3', '-f', 'mjpeg', 'pipe:1'], raw, signal);
}
