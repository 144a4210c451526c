// Finds ffmpeg and ffprobe: the path the owner set on this machine, else the system's on PATH or in the usual install folders.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface FfmpegPaths {
  ffmpeg: string;
  ffprobe: string;
  source: 'settings' | 'path';
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where package managers put it when PATH does not say (a desktop app started from the dock or Start menu). */
const USUAL_DIRS: Record<string, string[]> = {
  linux: ['/usr/bin', '/usr/local/bin', '/snap/bin'],
  darwin: ['/opt/homebrew/bin', '/usr/local/bin', '/opt/local/bin'],
  win32: [join(process.env.ProgramFiles ?? 'C:\\Program Files', 'ffmpeg', 'bin'), 'C:\\ffmpeg\\bin', join(process.env.LOCALAPPDATA ?? '', 'Microsoft', 'WinGet', 'Links')],
};

function find(name: string): string | undefined {
  const exe = process.platform === 'win32' ? `${name}.exe` : name;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...(USUAL_DIRS[process.platform] ?? [])];
  for (const dir of dirs) {
    // a relative PATH entry (".") would run whatever sits in the working folder
    if (!dir || !(dir.startsWith('/') || /^[a-zA-Z]:\\/.test(dir))) continue;
    const candidate = join(dir, exe);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

const HOW_TO_INSTALL: Record<string, string> = {
  linux: 'install it with your package manager (apt-get install ffmpeg, dnf install ffmpeg)',
  darwin: 'install it with Homebrew (brew install ffmpeg)',
  win32: 'install it (winget install Gyan.FFmpeg) or set its path in Settings → System',
};

let cached: { key: string; paths: FfmpegPaths } | undefined;

/** Resolves the binaries once per configured pair; throws with instructions when none exists. */
export function locateFfmpeg(configured?: { ffmpeg?: string; ffprobe?: string }): FfmpegPaths {
  const key = `${configured?.ffmpeg ?? ''}|${configured?.ffprobe ?? ''}`;
  if (cached?.key === key) return cached.paths;
  let paths: FfmpegPaths | undefined;
  if (configured?.ffmpeg && configured.ffprobe && isExecutable(configured.ffmpeg) && isExecutable(configured.ffprobe)) {
    paths = { ffmpeg: configured.ffmpeg, ffprobe: configured.ffprobe, source: 'settings' };
  }
  if (!paths) {
    const ffmpeg = find('ffmpeg');
    const ffprobe = find('ffprobe');
    if (ffmpeg && ffprobe) paths = { ffmpeg, ffprobe, source: 'path' };
  }
  if (!paths) {
    throw new Error(`ffmpeg was not found: ${HOW_TO_INSTALL[process.platform] ?? 'install ffmpeg and ffprobe'}, then restart Porchlight`);
  }
  cached = { key, paths };
  return paths;
}
