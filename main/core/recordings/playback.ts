// Recorded playback: a camera's segments from a given time, stitched by ffmpeg (stream copy) into one fragmented MP4.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { SegmentDto } from '../../common/contract/index.js';
import { spawnFfmpeg, type FfmpegProcess } from '../ffmpeg/process.js';

export interface PlaybackStream {
  stream: Readable;
  /** Epoch ms of the first frame in the stream (the start of the first segment). */
  startsAt: number;
  /** Seconds of video the stream will hold. */
  duration: number;
  stop(): void;
}

/** ffmpeg's concat list quoting: a single quote inside a path becomes '\'' */
function concatLine(path: string): string {
  return `file '${path.replace(/'/g, "'\\''")}'`;
}

/** Segments whose times touch the window; playback starts at the segment holding `from`. */
export function playbackPlan(segments: readonly SegmentDto[], from: number, to: number): SegmentDto[] {
  return segments.filter((s) => s.end > from && s.start < to).sort((a, b) => a.start - b.start);
}

export function startPlayback(ffmpeg: string, files: { path: string; start: number; end: number }[]): PlaybackStream {
  const first = files[0];
  if (!first) throw new Error('no segments to play');
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-play-'));
  const list = join(dir, 'list.txt');
  writeFileSync(list, `ffconcat version 1.0\n${files.map((f) => concatLine(f.path)).join('\n')}\n`);
  const args = [
    '-hide_banner',
    '-loglevel', 'error',
    '-f', 'concat',
    '-safe', '0',
    '-i', list,
    '-map', '0:v:0',
    '-map', '0:a:0?',
    '-c', 'copy',
    '-movflags', 'frag_keyframe+empty_moov+default_base_moof',
    '-f', 'mp4',
    'pipe:1',
  ];
  const proc: FfmpegProcess = spawnFfmpeg(ffmpeg, args, { label: 'playback' });
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  void proc.exited.then(cleanup, cleanup);
  const last = files.at(-1) ?? first;
  return {
    stream: proc.stdout,
    startsAt: first.start,
    duration: (last.end - first.start) / 1000,
    stop: () => void proc.stop(2000),
  };
}
