// Recording segment names: UTC day folders, ffmpeg's strftime template and its segment list (files live in the media store).
import { join } from 'node:path';

/** One finished recording file, as the recordings index stores it. Times are UTC epoch ms. */
export interface SegmentInfo {
  cameraId: string;
  /** Relative to the recordings root (`<camera>/<YYYY-MM-DD>/<HH-MM-SS>.mp4`), as the database keeps it. */
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

/** The strftime output template; a literal % in the folder must be doubled for strftime. */
export function segmentTemplate(dir: string): string {
  return join(dir.replaceAll('%', '%%'), '%Y-%m-%d', '%H-%M-%S.mp4');
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

