// Recorded playback: a camera's segments from a given time, stitched by ffmpeg (stream copy) into one fragmented MP4.
import type { Readable } from 'node:stream';
import type { Polygon, SegmentDto } from '../../common/contract/index.js';
import { buildPlayMap, type PlayPiece } from '../../common/play-map.js';
import { spawnFfmpeg, type FfmpegProcess } from '../ffmpeg/process.js';
import type { Scratch } from '../media/index.js';
import { maskEncoderArgs, maskFilterGraph, maskInputArgs, maskPicture } from '../privacy/mask-filter.js';

export interface PlaybackStream {
  stream: Readable;
  /** Epoch ms the stream's time zero stands for (within a keyframe interval). */
  startsAt: number;
  /** Seconds of video the stream will hold. */
  duration: number;
  /** Stream seconds → wall time, piece by piece: the gaps concat closes are in here. */
  map: PlayPiece[];
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

/** One segment to play: what ffmpeg opens for it (from the media store) and its wall times. */
export interface PlayFile {
  path: string;
  start: number;
  end: number;
}

/**
 * Plays `files` from a cut in the first one: `inpointS` (its timestamp) at a keyframe, `skipS` seconds into the file,
 * so the stream starts exactly there (stream copy cannot start between keyframes) and the map is exact. The concat
 * list goes into `scratch` (the media store's), removed with ffmpeg; `protocols` are those the store's inputs need.
 */
export function startPlayback(
  ffmpeg: string,
  files: PlayFile[],
  /** `masks`: privacy masks burned in (the video is re-encoded, the audio copied); absent or empty, a stream copy. */
  io: { scratch: Scratch; protocols: string; env?: Record<string, string>; masks?: readonly Polygon[] },
  cut?: { inpointS: number; skipS: number },
  /** Called once ffmpeg has exited (a request slot is released with it). */
  onExit?: () => void,
): PlaybackStream {
  const first = files[0];
  if (!first) throw new Error('no segments to play');
  const offset = cut ? Math.max(0, Math.min((first.end - first.start) / 1000, cut.skipS)) : 0;
  // half a millisecond past the printed keyframe time: a rounded-down value must not seek to the keyframe before it
  const inpoint = (cut?.inpointS ?? 0) + 0.0005;
  const lines = files.map((f, i) => (i === 0 && offset > 0 ? `${concatLine(f.path)}\ninpoint ${inpoint.toFixed(6)}` : concatLine(f.path)));
  const list = io.scratch.writeText('list.txt', `ffconcat version 1.0\n${lines.join('\n')}\n`);
  const masks = io.masks ?? [];
  const video = masks.length
    ? [...maskInputArgs(io.scratch.writeBytes('mask.pam', maskPicture(masks))), '-filter_complex', maskFilterGraph(), '-map', '[masked]', '-map', '0:a:0?', ...maskEncoderArgs({ live: false }), '-c:a', 'copy']
    : ['-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy'];
  const args = [
    '-hide_banner',
    '-loglevel', 'error',
    // the list is a local file and the segments what the store hands out: no other protocol may be opened through them
    '-protocol_whitelist', io.protocols,
    '-f', 'concat',
    '-safe', '0',
    '-i', list,
    ...video,
    '-movflags', 'frag_keyframe+empty_moov+default_base_moof',
    '-f', 'mp4',
    'pipe:1',
  ];
  const proc: FfmpegProcess = spawnFfmpeg(ffmpeg, args, { label: 'playback', env: io.env });
  const cleanup = (): void => {
    io.scratch.dispose();
    onExit?.();
  };
  void proc.exited.then(cleanup, cleanup);
  const map = buildPlayMap(files, offset);
  const tail = map.at(-1);
  return {
    stream: proc.stdout,
    startsAt: first.start + offset * 1000,
    // the video the stream holds, gaps left out (they are not in the stream)
    duration: tail ? tail.mediaOffset + tail.duration : 0,
    map,
    stop: () => void proc.stop(2000),
  };
}
