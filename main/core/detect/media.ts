// Decodes images and video files to I420 frames with ffmpeg (argument arrays, never a shell), so both share one path.
import { spawn } from 'node:child_process';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { DetectError, i420Size, type Frame } from './frame.js';

export interface MediaInfo {
  width: number;
  height: number;
  /** Seconds; 0 for still images. */
  duration: number;
  isImage: boolean;
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 8192) err += b.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err }));
  });
}

const IMAGE_CODECS = new Set(['mjpeg', 'png', 'bmp', 'webp', 'tiff', 'gif', 'jpegls']);

export async function probeMedia(path: string): Promise<MediaInfo> {
  const { ffprobe } = locateFfmpeg();
  const res = await run(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,codec_name,nb_frames:format=duration,format_name', '-of', 'json', path]);
  if (res.code !== 0) throw new DetectError('media_unreadable', `ffprobe could not read ${path}: ${res.stderr.trim().split('\n').pop() ?? ''}`);
  const info = JSON.parse(res.stdout.toString()) as {
    streams?: { width?: number; height?: number; codec_name?: string }[];
    format?: { duration?: string; format_name?: string };
  };
  const s = info.streams?.[0];
  if (!s?.width || !s.height) throw new DetectError('media_unreadable', `${path} has no video stream`);
  const formatName = info.format?.format_name ?? '';
  const isImage = formatName.includes('_pipe') || formatName === 'image2' || (IMAGE_CODECS.has(s.codec_name ?? '') && !Number(info.format?.duration));
  return { width: s.width, height: s.height, duration: Number(info.format?.duration ?? 0) || 0, isImage };
}

/** Crop to even dimensions so chroma planes are exact; pixel coordinates stay those of the source. */
function evenCrop(info: MediaInfo): { width: number; height: number; filter: string } {
  const width = info.width & ~1;
  const height = info.height & ~1;
  return { width, height, filter: `crop=${width}:${height}:0:0` };
}

/** One still image (or a video's first frame) as an I420 frame. */
export async function decodeImage(path: string, cameraId = 'file'): Promise<Frame> {
  const info = await probeMedia(path);
  const { width, height, filter } = evenCrop(info);
  const { ffmpeg } = locateFfmpeg();
  const res = await run(ffmpeg, ['-v', 'error', '-nostdin', '-i', path, '-frames:v', '1', '-vf', filter, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']);
  const size = i420Size(width, height);
  if (res.code !== 0 || res.stdout.length < size) throw new DetectError('media_unreadable', `ffmpeg could not decode ${path}: ${res.stderr.trim().split('\n').pop() ?? ''}`);
  return { cameraId, width, height, data: new Uint8Array(res.stdout.buffer, res.stdout.byteOffset, size), time: 0 };
}

/**
 * Cuts ffmpeg's raw I420 output into frames of `width`×`height`, time = index / fps * 1000 ms. Each frame owns its
 * bytes (the pipeline may keep one as an object's best frame); a trailing partial frame is dropped.
 */
export async function* rawFrames(stdout: AsyncIterable<Buffer>, width: number, height: number, fps: number, cameraId: string): AsyncGenerator<Frame> {
  const size = i420Size(width, height);
  let buf = new Uint8Array(size);
  let filled = 0;
  let index = 0;
  for await (const chunk of stdout) {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(size - filled, chunk.length - off);
      buf.set(chunk.subarray(off, off + n), filled);
      filled += n;
      off += n;
      if (filled === size) {
        yield { cameraId, width, height, data: buf, time: Math.round((index * 1000) / fps) };
        index++;
        buf = new Uint8Array(size);
        filled = 0;
      }
    }
  }
}

/** Video frames at `fps`, time = seconds from start * 1000; ffmpeg is paused while the consumer works (stream backpressure). */
export async function* decodeVideo(path: string, opts: { fps: number; cameraId?: string; info?: MediaInfo }): AsyncGenerator<Frame> {
  const info = opts.info ?? (await probeMedia(path));
  const { width, height, filter } = evenCrop(info);
  const { ffmpeg } = locateFfmpeg();
  const child = spawn(ffmpeg, ['-v', 'error', '-nostdin', '-i', path, '-an', '-sn', '-vf', `fps=${opts.fps},${filter}`, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 8192) stderr += b.toString();
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  let index = 0;
  try {
    for await (const frame of rawFrames(child.stdout, width, height, opts.fps, opts.cameraId ?? 'file')) {
      index++;
      yield frame;
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  const code = await exited;
  if (code !== 0 && index === 0) throw new DetectError('media_unreadable', `ffmpeg could not decode ${path}: ${stderr.trim().split('\n').pop() ?? ''}`);
}
