// Finds ffmpeg and ffprobe: the configured path, else the system's on PATH, else the npm-shipped build.
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

export interface FfmpegPaths {
  ffmpeg: string;
  ffprobe: string;
  source: 'settings' | 'path' | 'bundled';
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  const exe = process.platform === 'win32' ? `${name}.exe` : name;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, exe);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function bundled(pkg: string): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const mod = require(pkg) as { path?: string };
    // Inside a packaged app the binary lives in app.asar.unpacked.
    const p = mod.path?.replace('app.asar', 'app.asar.unpacked');
    return p && isExecutable(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

let cached: { key: string; paths: FfmpegPaths } | undefined;

/** Resolves the binaries once per configured directory; throws with instructions when none exists. */
export function locateFfmpeg(configured?: { ffmpeg?: string; ffprobe?: string }): FfmpegPaths {
  const key = `${configured?.ffmpeg ?? ''}|${configured?.ffprobe ?? ''}`;
  if (cached?.key === key) return cached.paths;
  let paths: FfmpegPaths | undefined;
  if (configured?.ffmpeg && configured.ffprobe && isExecutable(configured.ffmpeg) && isExecutable(configured.ffprobe)) {
    paths = { ffmpeg: configured.ffmpeg, ffprobe: configured.ffprobe, source: 'settings' };
  }
  if (!paths) {
    const ffmpeg = onPath('ffmpeg');
    const ffprobe = onPath('ffprobe');
    if (ffmpeg && ffprobe) paths = { ffmpeg, ffprobe, source: 'path' };
  }
  if (!paths) {
    const ffmpeg = bundled('@ffmpeg-installer/ffmpeg');
    const ffprobe = bundled('@ffprobe-installer/ffprobe');
    if (ffmpeg && ffprobe) paths = { ffmpeg, ffprobe, source: 'bundled' };
  }
  if (!paths) {
    throw new Error('ffmpeg was not found: set its path in Settings, or install ffmpeg (e.g. apt-get install ffmpeg)');
  }
  cached = { key, paths };
  return paths;
}
