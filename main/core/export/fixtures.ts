// Recorded-looking segments for export tests and the export benchmark: made by real ffmpeg, indexed like ingest does.
import { spawn } from 'node:child_process';
import { linkSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SegmentIndex } from '../recordings/index.js';
import type { MediaStore } from '../media/index.js';

export interface SegmentSource {
  seconds: number;
  width: number;
  height: number;
  fps: number;
  segmentS: number;
  /** Video bitrate, e.g. '2M' for a 720p camera; the encoder's default when absent. */
  bitrate?: string;
  /** Adds moving grain so the encoder really spends the bitrate, as a real scene makes it. */
  grain?: boolean;
  /** H.264 (x264) by default; HEVC as some cameras send. */
  codec?: 'h264' | 'hevc';
  /** B-frames between references; none by default (as most cameras). */
  bframes?: number;
  /** An AAC track beside the video, true by default (the ingest itself records video only). */
  audio?: boolean;
}

/** Encodes a test pattern into segment files (keyframe every second, as cameras do) in dir; returns them in order. */
export async function encodeSegments(ffmpeg: string, dir: string, src: SegmentSource): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const rate = src.bitrate ? ['-b:v', src.bitrate, '-maxrate', src.bitrate, '-bufsize', src.bitrate] : [];
  const audio = src.audio ?? true;
  const bf = src.bframes ?? 0;
  const video =
    src.codec === 'hevc'
      ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', `log-level=error:keyint=${src.fps}:min-keyint=${src.fps}:bframes=${bf}`, '-tag:v', 'hvc1']
      : ['-c:v', 'libx264', '-preset', bf ? 'superfast' : 'ultrafast', '-bf', String(bf), '-g', String(src.fps)];
  const args = [
    '-hide_banner', '-nostdin', '-v', 'error',
    '-f', 'lavfi', '-i', `testsrc=size=${src.width}x${src.height}:rate=${src.fps}`,
    ...(audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=16000'] : []),
    '-t', String(src.seconds),
    ...(src.grain ? ['-vf', 'noise=alls=12:allf=t'] : []),
    ...video, '-pix_fmt', 'yuv420p', ...rate,
    ...(audio ? ['-c:a', 'aac', '-b:a', '32k'] : []),
    '-f', 'segment', '-segment_time', String(src.segmentS), '-reset_timestamps', '1', '-segment_format', 'mp4',
    join(dir, '%04d.mp4'),
  ];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('close', resolve);
    child.once('error', () => resolve(null));
  });
  if (code !== 0) throw new Error(`ffmpeg could not make test segments (exit ${code})`);
  return readdirSync(dir).filter((f) => f.endsWith('.mp4')).sort().map((f) => join(dir, f));
}

/** Hard-links the files into a camera's recordings folder at consecutive times from t0 and indexes them; returns their stored paths. */
export function indexSegments(media: MediaStore, index: SegmentIndex, cameraId: string, files: readonly string[], t0: number, segmentMs: number): string[] {
  const out: string[] = [];
  files.forEach((file, i) => {
    const start = t0 + i * segmentMs;
    const iso = new Date(start).toISOString();
    const rel = `${cameraId}/${iso.slice(0, 10)}/${iso.slice(11, 19).replace(/:/g, '-')}.mp4`;
    const path = join(media.root('recordings'), rel);
    mkdirSync(dirname(path), { recursive: true });
    linkSync(file, path);
    index.add({ cameraId, path: rel, start, end: start + segmentMs, durationMs: segmentMs, bytes: statSync(path).size });
    out.push(path);
  });
  return out;
}
