// Segment files on disk, inside the media store: UTC day folders, ffmpeg's strftime names, listing a camera's files.
import { existsSync, mkdirSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { startFromPath, utcDay } from '../ingest/segments.js';
import type { SegmentSink } from '../ingest/types.js';
import { SEALED_SUFFIX } from './encrypted-files.js';

/** Creates today's and tomorrow's UTC folders: ffmpeg's segment muxer does not create directories. */
export function ensureDayDirs(dir: string, now = Date.now()): void {
  for (const t of [now, now + 86_400_000]) mkdirSync(join(dir, utcDay(t)), { recursive: true, mode: 0o700 });
}

/**
 * The list names only the file (no day folder): find the day folder whose time is closest to the
 * segment's start, looking at the day of the start, the day before and the day after.
 */
export function findDayFile(dir: string, name: string, approxStart: number): string | undefined {
  let best: { path: string; diff: number } | undefined;
  for (const t of [approxStart - 86_400_000, approxStart, approxStart + 86_400_000]) {
    const path = join(dir, utcDay(t), basename(name));
    const named = startFromPath(path);
    if (named === undefined || !existsSync(path)) continue;
    const diff = Math.abs(named - approxStart);
    if (!best || diff < best.diff) best = { path, diff };
  }
  return best?.path;
}

/**
 * Every .mp4 under dir (stored plain, or encrypted under its sealed name `.mp4.vault`) as paths relative to it, read a
 * folder at a time (a month of one camera is 259,000 names).
 */
export async function listMp4(dir: string, prefix = '', depth = 0): Promise<string[]> {
  if (depth > 3) return [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listMp4(join(dir, e.name), rel, depth + 1)));
    else if (e.isFile() && (e.name.endsWith('.mp4') || e.name.endsWith(`.mp4${SEALED_SUFFIX}`))) out.push(rel);
  }
  return out;
}

/**
 * Segments kept where ffmpeg writes them, reported by absolute path: for an ingest run on its own (tests, benchmarks)
 * with no media store behind it. The engine always uses MediaStore.segmentSink.
 */
export function folderSink(dir: string): SegmentSink {
  return {
    dir,
    prepare: (now = Date.now()) => ensureDayDirs(dir, now),
    finish: async (name, approxStart) => {
      const path = findDayFile(dir, name, approxStart);
      if (!path) return undefined;
      try {
        return { path, bytes: (await stat(path)).size };
      } catch {
        return undefined;
      }
    },
  };
}
