// The demo camera: a generated clip looped as if it were a camera, so a newcomer sees everything work without hardware.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeResult } from '../../common/contract/index.js';
import { downloadModel } from '../detect/download.js';
import { ffprobeJson, parseRate } from '../ffmpeg/ffprobe.js';

/** URLs no network can resolve (.invalid is reserved): the engine maps them to local clips. */
export const DEMO_URL = 'rtsp://demo.porchlight.invalid/live';
export const DEMO_PEOPLE_URL = 'rtsp://demo.porchlight.invalid/people';

export type DemoKind = 'pattern' | 'people';

/**
 * The clip with people: OpenCV's pedestrian plaza (`samples/data/vtest.avi`), fetched only when the user asks, pinned
 * by commit and SHA-256. Measured: the same 8,131,690 bytes as Debian's opencv-doc 4.6.0 copy.
 */
export const PEOPLE_SOURCE = {
  name: 'OpenCV vtest.avi (pedestrian plaza)',
  file: 'vtest.avi',
  url: 'https://raw.githubusercontent.com/opencv/opencv/0dd31c3bba49e26298458ce2e18969a31dbd7df8/samples/data/vtest.avi',
  sha256: '45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf',
  size: 8_131_690,
  license: "Apache-2.0 (OpenCV's samples); the footage's origin is not documented",
  credit: 'OpenCV, https://github.com/opencv/opencv',
} as const;

export function demoKindOf(url: string): DemoKind | undefined {
  return url === DEMO_URL ? 'pattern' : url === DEMO_PEOPLE_URL ? 'people' : undefined;
}

export function demoClipPath(dataDir: string, kind: DemoKind = 'pattern'): string {
  return join(dataDir, 'demo', kind === 'people' ? 'people.mp4' : 'demo.mp4');
}

/** The local clip a demo URL plays, or undefined for a real camera. */
export function demoClipFor(url: string, dataDir: string): string | undefined {
  const kind = demoKindOf(url);
  return kind ? demoClipPath(dataDir, kind) : undefined;
}

const making = new Map<string, Promise<string>>();

/**
 * Makes the test-pattern clip once (a minute of ffmpeg's moving test picture, 1 s keyframes) and returns its path;
 * callers share one run. The clip with people exists only once the user fetched it (fetchPeopleDemo).
 */
export function ensureDemoClip(dataDir: string, ffmpeg: string, kind: DemoKind = 'pattern'): Promise<string> {
  const file = demoClipPath(dataDir, kind);
  if (existsSync(file)) return Promise.resolve(file);
  if (kind === 'people') return Promise.reject(new Error('The demo clip with people has not been fetched yet: fetch it from the Live page'));
  let run = making.get(file);
  if (!run) {
    run = makeDemoClip(file, dataDir, ffmpeg).finally(() => making.delete(file));
    making.set(file, run);
  }
  return run;
}

async function makeDemoClip(file: string, dataDir: string, ffmpeg: string): Promise<string> {
  mkdirSync(join(dataDir, 'demo'), { recursive: true });
  const input = ['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=15', '-t', '60'];
  return encodeClip(ffmpeg, input, 15, file, 'the demo clip');
}

/** H.264 in MP4 with a keyframe every second (the segmenter cuts there), written beside and renamed into place. */
async function encodeClip(ffmpeg: string, input: string[], fps: number, file: string, what: string): Promise<string> {
  const tmp = `${file}.partial.mp4`;
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    ...input,
    '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-g', String(fps),
    '-movflags', '+faststart',
    tmp,
  ];
  let stderr = '';
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    child.once('close', resolve);
    child.once('error', () => resolve(null));
  });
  if (code !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`ffmpeg could not make ${what}${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`);
  }
  renameSync(tmp, file);
  return file;
}

export interface PeopleDemoProgress {
  stage: 'downloading' | 'preparing';
  received: number;
  total: number;
}

/**
 * Fetches the clip with people (verified against its pinned SHA-256; a mirror may serve it, never change it), then
 * re-encodes it once for the camera path: OpenCV's file is MS-MPEG4, which MP4 segments and browsers cannot carry.
 */
export async function fetchPeopleDemo(dataDir: string, ffmpeg: string, opts: { mirror?: string; onProgress?: (p: PeopleDemoProgress) => void; signal?: AbortSignal } = {}): Promise<string> {
  const dir = join(dataDir, 'demo');
  const out = demoClipPath(dataDir, 'people');
  if (existsSync(out)) return out;
  const url = opts.mirror ? new URL(PEOPLE_SOURCE.file, opts.mirror.endsWith('/') ? opts.mirror : `${opts.mirror}/`).toString() : PEOPLE_SOURCE.url;
  const source = await downloadModel(PEOPLE_SOURCE, dir, {
    url,
    onProgress: (p) => opts.onProgress?.({ stage: 'downloading', ...p }),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  opts.onProgress?.({ stage: 'preparing', received: PEOPLE_SOURCE.size, total: PEOPLE_SOURCE.size });
  try {
    return await encodeClip(ffmpeg, ['-i', source], 10, out, 'the demo clip with people');
  } finally {
    rmSync(source, { force: true });
  }
}

/** What a connection test of the demo camera shows: the clip's own facts. */
export async function probeDemo(file: string, ffprobe: string): Promise<ProbeResult> {
  const r = await ffprobeJson(file, { ffprobe, timeoutMs: 10_000 });
  const video = r.ok ? r.data.streams?.find((s) => s.codec_type === 'video') : undefined;
  if (!video) return { ok: false, code: 'unknown', message: 'The demo clip could not be read' };
  return { ok: true, codec: video.codec_name ?? 'h264', width: video.width ?? 0, height: video.height ?? 0, fps: parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate) };
}
