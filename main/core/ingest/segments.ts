// Recording segments on disk: UTC day folders, ffmpeg's segment list, and crash repair of files nobody indexed.
import { mkdirSync, statSync, unlinkSync, existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ffprobeJson } from '../ffmpeg/ffprobe.js';
import { createLogger } from '../log/index.js';

const log = createLogger('ingest');

/** One finished recording file, as the recordings index stores it. Times are UTC epoch ms. */
export interface SegmentInfo {
  cameraId: string;
  path: string;
  start: number;
  end: number;
  durationMs: number;
  bytes: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function utcDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Creates today's and tomorrow's UTC folders: ffmpeg's segment muxer does not create directories. */
export function ensureDayDirs(recordingsDir: string, now = Date.now()): void {
  for (const t of [now, now + 86_400_000]) mkdirSync(join(recordingsDir, utcDay(t)), { recursive: true });
}

/** The strftime output template; a literal % in the folder must be doubled for strftime. */
export function segmentTemplate(recordingsDir: string): string {
  return join(recordingsDir.replaceAll('%', '%%'), '%Y-%m-%d', '%H-%M-%S.mp4');
}

/** Epoch ms named by `<YYYY-MM-DD>/<HH-MM-SS>.mp4`, or undefined when the path does not follow the pattern. */
export function startFromPath(path: string): number | undefined {
  const m = /(\d{4})-(\d{2})-(\d{2})[/\\](\d{2})-(\d{2})-(\d{2})\.mp4$/.exec(path);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

export interface ListEntry {
  name: string;
  startS: number;
  endS: number;
}

/** One line of `-segment_list_type csv`: `name,start,end` (seconds on the stream's clock). */
export function parseListLine(line: string): ListEntry | undefined {
  const m = /^(?:"((?:[^"]|"")*)"|([^,]*)),([\d.]+),([\d.]+)\s*$/.exec(line);
  if (!m) return undefined;
  const name = m[1] !== undefined ? m[1].replaceAll('""', '"') : (m[2] ?? '');
  const startS = Number(m[3]);
  const endS = Number(m[4]);
  if (!name || !Number.isFinite(startS) || !Number.isFinite(endS)) return undefined;
  return { name, startS, endS };
}

/**
 * The list names only the file (no day folder): find the day folder whose time is closest to the
 * segment's start, looking at the day of the start, the day before and the day after.
 */
export function resolveSegmentPath(recordingsDir: string, name: string, approxStart: number): string | undefined {
  let best: { path: string; diff: number } | undefined;
  for (const t of [approxStart - 86_400_000, approxStart, approxStart + 86_400_000]) {
    const path = join(recordingsDir, utcDay(t), basename(name));
    const named = startFromPath(path);
    if (named === undefined || !existsSync(path)) continue;
    const diff = Math.abs(named - approxStart);
    if (!best || diff < best.diff) best = { path, diff };
  }
  return best?.path;
}

export interface ScanResult {
  /** Playable files nobody has indexed yet: index them. */
  found: SegmentInfo[];
  /** Unplayable files (e.g. cut off by a crash before the moov was written) that were deleted. */
  deleted: { path: string; reason: string }[];
}

/** Every .mp4 under dir, read a folder at a time (a month of one camera is 259,000 names: the loop must go on meanwhile). */
async function listMp4(dir: string, depth = 0): Promise<string[]> {
  if (depth > 3) return [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listMp4(p, depth + 1)));
    else if (e.isFile() && e.name.endsWith('.mp4')) out.push(p);
  }
  return out;
}

/**
 * Finds .mp4 files under recordingsDir that are not in knownPaths: playable ones are returned with their
 * facts; unplayable ones cannot be repaired (no moov, no sample table) and are deleted.
 * Run it before the camera's ingest starts (a file being written looks unplayable); minAgeMs skips fresh files.
 */
export async function scanUnindexedSegments(
  recordingsDir: string,
  knownPaths: Iterable<string>,
  opts: { cameraId?: string; minAgeMs?: number; now?: number } = {},
): Promise<ScanResult> {
  const known = new Set(knownPaths);
  const now = opts.now ?? Date.now();
  const cameraId = opts.cameraId ?? basename(recordingsDir);
  const result: ScanResult = { found: [], deleted: [] };
  for (const path of (await listMp4(recordingsDir)).sort()) {
    if (known.has(path)) continue;
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (opts.minAgeMs && now - st.mtimeMs < opts.minAgeMs) continue;
    const probe = await ffprobeJson(path, { timeoutMs: 15_000 });
    const video = probe.ok ? probe.data.streams?.find((s) => s.codec_type === 'video') : undefined;
    const duration = probe.ok ? Number(probe.data.format?.duration ?? video?.duration ?? 0) : 0;
    if (probe.ok && video && duration > 0) {
      const durationMs = Math.round(duration * 1000);
      // The name holds the start; without the pattern, the file's last write is its end.
      const start = startFromPath(path) ?? Math.round(st.mtimeMs) - durationMs;
      result.found.push({ cameraId, path, start, end: start + durationMs, durationMs, bytes: st.size });
      continue;
    }
    const reason = probe.ok ? 'no playable video in the file' : `unreadable: ${probe.message}`;
    try {
      unlinkSync(path);
      result.deleted.push({ path, reason });
      log.warn({ cameraId, path, reason }, 'deleted an unplayable recording segment');
    } catch (e) {
      log.warn({ cameraId, path, err: e }, 'could not delete an unplayable recording segment');
    }
  }
  return result;
}
