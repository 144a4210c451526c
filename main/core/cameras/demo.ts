// The demo camera: a generated clip looped as if it were a camera, so a newcomer sees everything work without hardware.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeResult } from '../../common/contract/index.js';
import { ffprobeJson, parseRate } from '../ffmpeg/ffprobe.js';

/** A URL no network can resolve (.invalid is reserved): the engine maps it to the local clip. */
export const DEMO_URL = 'rtsp://demo.porchlight.invalid/live';

export function isDemoUrl(url: string): boolean {
  return url === DEMO_URL;
}

export function demoClipPath(dataDir: string): string {
  return join(dataDir, 'demo', 'demo.mp4');
}

const making = new Map<string, Promise<string>>();

/** Makes the clip once (a minute of ffmpeg's moving test picture, 1 s keyframes) and returns its path; callers share one run. */
export function ensureDemoClip(dataDir: string, ffmpeg: string): Promise<string> {
  const file = demoClipPath(dataDir);
  if (existsSync(file)) return Promise.resolve(file);
  let run = making.get(file);
  if (!run) {
    run = makeDemoClip(file, dataDir, ffmpeg).finally(() => making.delete(file));
    making.set(file, run);
  }
  return run;
}

async function makeDemoClip(file: string, dataDir: string, ffmpeg: string): Promise<string> {
  mkdirSync(join(dataDir, 'demo'), { recursive: true });
  const tmp = `${file}.partial.mp4`;
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=15',
    '-t', '60',
    '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-g', '15',
    '-movflags', '+faststart',
    tmp,
  ];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.once('close', resolve);
    child.once('error', () => resolve(null));
  });
  if (code !== 0) {
    rmSync(tmp, { force: true });
    throw new Error('ffmpeg could not make the demo clip');
  }
  renameSync(tmp, file);
  return file;
}

/** What a connection test of the demo camera shows: the clip's own facts. */
export async function probeDemo(file: string, ffprobe: string): Promise<ProbeResult> {
  const r = await ffprobeJson(file, { ffprobe, timeoutMs: 10_000 });
  const video = r.ok ? r.data.streams?.find((s) => s.codec_type === 'video') : undefined;
  if (!video) return { ok: false, code: 'unknown', message: 'The demo clip could not be read' };
  return { ok: true, codec: video.codec_name ?? 'h264', width: video.width ?? 0, height: video.height ?? 0, fps: parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate) };
}
