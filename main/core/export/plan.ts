// Export planning, pure: which segments cover a range, where recording is missing, the concat list and ffmpeg arguments.
import type { ExportGap } from '../../common/contract/exports.js';

/** Consecutive segments further apart than this leave a gap (segment times carry a little jitter). */
export const GAP_TOLERANCE_MS = 1_500;

export interface SourceSegment {
  cameraId: string;
  /** Absolute path, or null when the indexed file cannot be located. */
  abs: string | null;
  /** Relative to the recordings root, for the manifest. */
  rel: string;
  start: number;
  end: number;
  /** False when the file is gone from disk (the index is behind). */
  exists: boolean;
}

export interface PlannedSegment extends SourceSegment {
  abs: string;
}

export interface CameraPlan {
  cameraId: string;
  start: number;
  end: number;
  segments: PlannedSegment[];
  gaps: ExportGap[];
  /** Recorded time inside the range: the output's expected duration. */
  coveredMs: number;
  /** Where the range starts inside the first segment (ms), for the exact cut. */
  headOffsetMs: number;
}

export function planCamera(cameraId: string, start: number, end: number, found: readonly SourceSegment[]): CameraPlan {
  const segments = found
    .filter((s): s is PlannedSegment => s.exists && s.abs !== null && s.end > start && s.start < end && s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const gaps: ExportGap[] = [];
  const used: PlannedSegment[] = [];
  let cursor = start;
  let coveredMs = 0;
  for (const s of segments) {
    // a segment wholly inside time already covered (an overlap after a restart) adds nothing
    if (s.end <= cursor) continue;
    if (s.start - cursor > GAP_TOLERANCE_MS) gaps.push({ cameraId, start: cursor, end: s.start });
    coveredMs += Math.min(s.end, end) - Math.max(s.start, start, cursor);
    cursor = Math.max(cursor, s.end);
    used.push(s);
  }
  if (end - cursor > GAP_TOLERANCE_MS) gaps.push({ cameraId, start: cursor, end });
  const first = used[0];
  return { cameraId, start, end, segments: used, gaps, coveredMs: Math.max(0, coveredMs), headOffsetMs: first ? Math.max(0, start - first.start) : 0 };
}

function quote(path: string): string {
  // the concat demuxer's quoting: close the quote, an escaped quote, reopen
  return `'${path.replace(/'/g, "'\\''")}'`;
}

const secs = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * The ffconcat list. For stream copy the first and last files get inpoint/outpoint, which the demuxer
 * honours at the keyframe at or before the point. The exact cut lists whole files and trims after decoding.
 */
export function concatList(plan: CameraPlan, exact: boolean): string {
  const lines = ['ffconcat version 1.0'];
  plan.segments.forEach((s, i) => {
    lines.push(`file ${quote(s.abs)}`);
    if (exact) return;
    if (i === 0 && plan.start > s.start) lines.push(`inpoint ${secs(plan.start - s.start)}`);
    if (i === plan.segments.length - 1 && plan.end < s.end) lines.push(`outpoint ${secs(plan.end - s.start)}`);
  });
  return `${lines.join('\n')}\n`;
}

export function ffmpegArgs(listFile: string, output: string, plan: CameraPlan, exact: boolean): string[] {
  const input = ['-hide_banner', '-nostdin', '-v', 'error', '-nostats', '-progress', 'pipe:1', '-f', 'concat', '-safe', '0', '-i', listFile];
  const map = ['-map', '0:v', '-map', '0:a?'];
  // faststart puts the index first so the file plays while it downloads from the media URL
  const mux = ['-movflags', '+faststart', '-f', 'mp4', output];
  if (!exact) return [...input, ...map, '-c', 'copy', '-avoid_negative_ts', 'make_zero', ...mux];
  const trim = ['-ss', secs(plan.headOffsetMs), '-t', secs(plan.coveredMs)];
  const encode = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k'];
  return [...input, ...trim, ...map, ...encode, ...mux];
}

/** 12:00:05 UTC, with the date when the range crosses midnight. */
export function formatGap(g: ExportGap, withDate: boolean): string {
  const t = (ms: number): string => {
    const iso = new Date(ms).toISOString();
    return withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(11, 19);
  };
  return `${g.cameraId} ${t(g.start)}–${t(g.end)} UTC (${Math.round((g.end - g.start) / 1000)} s)`;
}

export function describeGaps(gaps: readonly ExportGap[], rangeStart: number, rangeEnd: number): string {
  const withDate = new Date(rangeStart).toISOString().slice(0, 10) !== new Date(rangeEnd).toISOString().slice(0, 10);
  const shown = gaps.slice(0, 10).map((g) => formatGap(g, withDate));
  const more = gaps.length > shown.length ? `, and ${gaps.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`;
}

/** 20261129T120000Z: sortable and safe in a file name. */
export function fileStamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';
}
