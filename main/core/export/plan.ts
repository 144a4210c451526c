// Export planning, pure: which segments cover a range, where recording is missing, the exact cut's pieces, concat lists and ffmpeg arguments.
import { z } from 'zod';
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
 * honours at the keyframe at or before the point. With `whole` it lists whole files, for a trim after decoding
 * (the exact cut re-encoding the whole range) or by the reader's -ss/-t (the exact cut's audio).
 */
export function concatList(plan: CameraPlan, whole: boolean): string {
  const lines = ['ffconcat version 1.0'];
  plan.segments.forEach((s, i) => {
    lines.push(`file ${quote(s.abs)}`);
    if (whole) return;
    if (i === 0 && plan.start > s.start) lines.push(`inpoint ${secs(plan.start - s.start)}`);
    if (i === plan.segments.length - 1 && plan.end < s.end) lines.push(`outpoint ${secs(plan.end - s.start)}`);
  });
  return `${lines.join('\n')}\n`;
}

const RUN = ['-hide_banner', '-nostdin', '-v', 'error', '-nostats', '-progress', 'pipe:1'];
/** What the lists may open: local files, and the media store's loopback reader for encrypted segments (nothing else). */
const INPUT_PROTOCOLS = ['-protocol_whitelist', 'file,http,tcp'];
const concatInput = (listFile: string): string[] => [...INPUT_PROTOCOLS, '-f', 'concat', '-safe', '0', '-i', listFile];

/**
 * The MP4 muxer's flags for an output: a file gets its index first (+faststart: it plays while it downloads); a pipe
 * (the vault encrypting as ffmpeg writes) cannot be rewritten, so it gets a fragmented MP4, which also plays from its start.
 */
export function mp4Flags(output: string): string[] {
  return ['-movflags', output.startsWith('pipe:') ? '+frag_keyframe+empty_moov+default_base_moof' : '+faststart'];
}

/** Stream copy with keyframe cuts, or (the whole-range fallback of the exact cut) a re-encode trimmed after decoding. */
export function ffmpegArgs(listFile: string, output: string, plan: CameraPlan, exact: boolean): string[] {
  const input = [...RUN, ...concatInput(listFile)];
  const map = ['-map', '0:v', '-map', '0:a?'];
  // faststart puts the index first so the file plays while it downloads from the media URL
  const mux = [...mp4Flags(output), '-f', 'mp4', output];
  if (!exact) return [...input, ...map, '-c', 'copy', '-avoid_negative_ts', 'make_zero', ...mux];
  const trim = ['-ss', secs(plan.headOffsetMs), '-t', secs(plan.coveredMs)];
  const encode = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k'];
  return [...input, ...trim, ...map, ...encode, ...mux];
}

// The exact cut re-encodes only the edges: the frames from the start to the first keyframe after it and from the last
// keyframe before the end to the end. Everything between is the recording's own packets, stream-copied.

/** No camera sends frames closer than this (1000 fps): a re-encoded edge stops this far before the keyframe that follows it. */
const FRAME_MARGIN_S = 0.001;

/** The part of ffprobe's JSON the exact cut reads (`-show_entries stream=...:packet=...`). */
export const ProbeOutput = z.object({
  streams: z
    .array(
      z.object({
        index: z.number().int(),
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        codec_tag_string: z.string().optional(),
        profile: z.string().optional(),
        level: z.number().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        pix_fmt: z.string().optional(),
        time_base: z.string().optional(),
        has_b_frames: z.number().optional(),
        color_range: z.string().optional(),
        color_space: z.string().optional(),
        color_transfer: z.string().optional(),
        color_primaries: z.string().optional(),
      }),
    )
    .default([]),
  packets: z
    .array(
      z.object({
        stream_index: z.number().int(),
        pts: z.number().optional(),
        dts: z.number().optional(),
        duration: z.number().optional(),
        flags: z.string().default(''),
      }),
    )
    .default([]),
});
export type ProbeOutput = z.infer<typeof ProbeOutput>;

export const PROBE_ENTRIES =
  'stream=index,codec_type,codec_name,codec_tag_string,profile,level,width,height,pix_fmt,time_base,has_b_frames,color_range,color_space,color_transfer,color_primaries' +
  ':packet=stream_index,pts,dts,duration,flags';

/** A video stream's frames on its file's own clock, in seconds. */
export interface FrameTimes {
  /** Presentation time of every frame, ascending. */
  frames: number[];
  /** The keyframes among them. */
  keyframes: number[];
  /** Where the last frame ends. */
  end: number;
}

export interface VideoStream {
  index: number;
  codec: string;
  tag?: string;
  profile?: string;
  level?: number;
  width?: number;
  height?: number;
  pixFmt?: string;
  /** The time base's denominator when it is 1/N (an MP4 track's timescale), else null. */
  timescale: number | null;
  color: { range?: string; space?: string; transfer?: string; primaries?: string };
  /** Decode order differs from display order (B-frames), or decode times lead display times. */
  reordered: boolean;
}

export interface ProbedFile {
  video: VideoStream;
  times: FrameTimes;
  hasAudio: boolean;
}

const known = (v: string | undefined): string | undefined => (v && v !== 'unknown' ? v : undefined);

/** The first video stream and its frame times; null when the file has no video frame ffprobe could read. */
export function probedFile(out: ProbeOutput): ProbedFile | null {
  const s = out.streams.find((x) => x.codec_type === 'video');
  const [num, den] = (s?.time_base ?? '').split('/').map(Number);
  if (!s?.codec_name || !num || !den) return null;
  let reordered = (s.has_b_frames ?? 0) > 0;
  const frames: { t: number; end?: number; key: boolean }[] = [];
  for (const p of out.packets) {
    // D: packets the demuxer marks to discard (before an edit list's start)
    if (p.stream_index !== s.index || p.pts === undefined || p.flags.includes('D')) continue;
    if (p.dts !== undefined && p.dts !== p.pts) reordered = true;
    const t = (p.pts * num) / den;
    frames.push({ t, end: p.duration ? ((p.pts + p.duration) * num) / den : undefined, key: p.flags.includes('K') });
  }
  frames.sort((a, b) => a.t - b.t);
  const lastFrame = frames.at(-1);
  if (!lastFrame) return null;
  const step = frames.length > 1 ? lastFrame.t - (frames.at(-2)?.t ?? lastFrame.t) : 0;
  const end = frames.reduce((m, f) => Math.max(m, f.end ?? f.t), lastFrame.t + step);
  return {
    video: {
      index: s.index,
      codec: s.codec_name,
      tag: known(s.codec_tag_string),
      profile: known(s.profile),
      level: s.level !== undefined && s.level > 0 ? s.level : undefined,
      width: s.width,
      height: s.height,
      pixFmt: known(s.pix_fmt),
      timescale: num === 1 ? den : null,
      color: { range: known(s.color_range), space: known(s.color_space), transfer: known(s.color_transfer), primaries: known(s.color_primaries) },
      reordered,
    },
    times: { frames: frames.map((f) => f.t), keyframes: frames.filter((f) => f.key).map((f) => f.t), end },
    hasAudio: out.streams.some((x) => x.codec_type === 'audio'),
  };
}

/** Re-encoded: [from, to) of one file, in seconds on its clock. */
export interface EncodePiece {
  kind: 'encode';
  file: string;
  from: number;
  to: number;
  /** From its first frame to where its last ends: its length in the output. */
  duration: number;
}

/** Stream-copied: one segment, from the keyframe at inpoint, up to (not including) the frame at outpoint. */
export interface CopyPiece {
  kind: 'copy';
  file: string;
  inpoint?: number;
  outpoint?: number;
}

export type CutPiece = EncodePiece | CopyPiece;

/** The frames in [from, to): the first one's time, and where the last one ends (the next frame, or the file's end). */
function span(t: FrameTimes, from: number, to: number): { first: number; end: number } | null {
  const first = t.frames.find((f) => f >= from);
  if (first === undefined || first >= to) return null;
  return { first, end: t.frames.find((f) => f >= to) ?? t.end };
}

/**
 * The exact cut's pieces in output order: a re-encoded head (the start to the first keyframe at or after it), the copied
 * segments (the first from that keyframe, the last up to the last keyframe at or before the end), a re-encoded tail.
 * A range with no keyframe strictly inside it is a single re-encoded piece. Null when there is nothing to cut at.
 */
export function cutPieces(plan: CameraPlan, first: FrameTimes, last: FrameTimes): CutPiece[] | null {
  const segs = plan.segments;
  const firstSeg = segs[0];
  const lastSeg = segs.at(-1);
  const f0 = first.frames[0];
  const l0 = last.frames[0];
  if (!firstSeg || !lastSeg || f0 === undefined || l0 === undefined) return null;
  const from = f0 + plan.headOffsetMs / 1000;
  const to = Math.min(l0 + (plan.end - lastSeg.start) / 1000, last.end);
  // copying starts at the first keyframe at or after the start (at the next file when the first has none)...
  const a = first.keyframes.find((k) => k >= from) ?? first.end;
  // ...and stops at the last keyframe at or before the end (at the file's end when the range runs past it)
  const b = to >= last.end ? last.end : last.keyframes.findLast((k) => k <= to);
  if (b === undefined) return null;
  if (segs.length === 1 && a >= b) {
    const whole = span(first, from, to);
    return whole ? [{ kind: 'encode', file: firstSeg.abs, from, to, duration: whole.end - whole.first }] : null;
  }
  const pieces: CutPiece[] = [];
  const head = span(first, from, a);
  if (head) pieces.push({ kind: 'encode', file: firstSeg.abs, from, to: a, duration: head.end - head.first });
  segs.forEach((s, i) => {
    const isFirst = i === 0;
    const isLast = i === segs.length - 1;
    if ((isFirst && a >= first.end) || (isLast && b <= l0)) return;
    const piece: CopyPiece = { kind: 'copy', file: s.abs };
    if (isFirst && a > f0) piece.inpoint = a;
    if (isLast && b < last.end) piece.outpoint = b;
    pieces.push(piece);
  });
  const tail = span(last, b, to);
  if (tail) pieces.push({ kind: 'encode', file: lastSeg.abs, from: b, to, duration: tail.end - tail.first });
  return pieces.length ? pieces : null;
}

/** How one codec's edges are re-encoded so they join the copied packets; registered by ffprobe's codec name. */
interface EdgeEncoder {
  /** The ffmpeg encoder that must be built in. */
  encoder: string;
  /**
   * True: the copied packets are read straight from the MP4 segments in the final join, since the concat demuxer
   * repeats H.264 parameter sets in-band. False: they are first remuxed to MPEG-TS (Annex B, parameter sets in-band).
   */
  inline: boolean;
  args(v: VideoStream): string[];
}

const H264_PROFILES: Record<string, string> = {
  Baseline: 'baseline',
  'Constrained Baseline': 'baseline',
  Main: 'main',
  High: 'high',
  'High 10': 'high10',
  'High 4:2:2': 'high422',
  'High 4:4:4 Predictive': 'high444',
};
const HEVC_PROFILES: Record<string, string> = { Main: 'main', 'Main 10': 'main10' };

/** Colour signalling names both ffprobe prints and ffmpeg's options accept. */
const COLOR_NAMES = {
  range: ['tv', 'pc'],
  space: ['bt709', 'smpte170m', 'bt470bg', 'bt2020nc'],
  primaries: ['bt709', 'smpte170m', 'bt470bg', 'bt2020'],
  transfer: ['bt709', 'smpte170m', 'iec61966-2-1', 'smpte2084', 'arib-std-b67'],
} as const;
const COLOR_OPTIONS = { range: '-color_range', space: '-colorspace', primaries: '-color_primaries', transfer: '-color_trc' } as const;

/** The source's resolution comes through decoding; pixel format, colour signalling, profile and level are asked for. */
function sourceFormat(v: VideoStream, profiles: Record<string, string>): string[] {
  const profile = v.profile ? profiles[v.profile] : undefined;
  const color = (Object.keys(COLOR_OPTIONS) as (keyof typeof COLOR_OPTIONS)[]).flatMap((k) => {
    const value = v.color[k];
    return value && (COLOR_NAMES[k] as readonly string[]).includes(value) ? [COLOR_OPTIONS[k], value] : [];
  });
  return [...(profile ? ['-profile:v', profile] : []), ...(v.pixFmt ? ['-pix_fmt', v.pixFmt] : []), ...color];
}

const EDGE_ENCODERS: Record<string, EdgeEncoder> = {
  h264: {
    encoder: 'libx264',
    inline: true,
    // no B-frames: the edge's decode times equal its display times, so they follow on from the copied packets
    args: (v) => ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-bf', '0', ...sourceFormat(v, H264_PROFILES), ...(v.level ? ['-level', String(v.level)] : [])],
  },
  hevc: {
    encoder: 'libx265',
    inline: false,
    args: (v) => ['-c:v', 'libx265', '-preset', 'veryfast', '-crf', '20', '-x265-params', 'log-level=error:bframes=0', ...sourceFormat(v, HEVC_PROFILES)],
  },
};

export interface ExactCut {
  pieces: CutPiece[];
  /** Codec arguments for the re-encoded pieces. */
  encode: string[];
  /** See EdgeEncoder.inline; also needs the video as stream 0 and a 1/N time base the pieces can share. */
  inline: boolean;
  /** The MP4 track timescale of the re-encoded pieces (the source's), when inline. */
  timescale: number;
  /** The source has audio: it is stream-copied over the range from a second input. */
  audio: boolean;
  /** The source's sample entry tag when ffmpeg's default differs (hvc1 rather than hev1). */
  tag?: string;
}

/** The exact cut for a plan, or why it cannot be done by re-encoding the edges alone (the caller re-encodes the whole range). */
export function planExactCut(plan: CameraPlan, first: ProbedFile, last: ProbedFile, encoders: ReadonlySet<string>): ExactCut | { reason: string } {
  const v = first.video;
  const w = last.video;
  const edge = EDGE_ENCODERS[v.codec];
  if (!edge) return { reason: `no edge encoder for ${v.codec}` };
  if (!encoders.has(edge.encoder)) return { reason: `this ffmpeg has no ${edge.encoder}` };
  if (w.codec !== v.codec || w.width !== v.width || w.height !== v.height || w.pixFmt !== v.pixFmt || w.timescale !== v.timescale) {
    return { reason: 'the video format changes within the range' };
  }
  if (v.reordered || w.reordered) return { reason: 'the video has B-frames (decode order differs from display order)' };
  const pieces = cutPieces(plan, first.times, last.times);
  if (!pieces) return { reason: 'no frame or keyframe to cut at' };
  return {
    pieces,
    encode: edge.args(v),
    inline: edge.inline && v.index === 0 && v.timescale !== null,
    timescale: v.timescale ?? 90_000,
    audio: first.hasAudio || last.hasAudio,
    tag: v.codec === 'hevc' && (v.tag === 'hvc1' || v.tag === 'hev1') ? v.tag : undefined,
  };
}

// whole microseconds (what ffmpeg parses), rounded one way on purpose; the picosecond absorbs binary noise (1.001 * 1e6)
const floorUs = (s: number): string => (Math.floor(s * 1e6 + 1e-6) / 1e6).toFixed(6);
const ceilUs = (s: number): string => (Math.ceil(s * 1e6 - 1e-6) / 1e6).toFixed(6);

/** One re-encoded piece: decoded from its file (seeking is frame-accurate when decoding), timestamps from zero. */
export function edgeArgs(piece: EncodePiece, output: string, cut: ExactCut): string[] {
  // floored, so the frame at `from` (a keyframe, for the tail) is kept
  const ss = floorUs(piece.from);
  return [
    ...RUN,
    // -ss is the file's own timestamp, as the keyframe times are, not an offset from its start time
    '-seek_timestamp', '1', '-ss', ss, ...INPUT_PROTOCOLS, '-i', piece.file,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    // every frame before `to`, none from it: the copied part starts with the keyframe at `to`
    '-vf', `trim=end=${(piece.to - Number(ss) - FRAME_MARGIN_S).toFixed(6)},setpts=PTS-STARTPTS`,
    ...cut.encode,
    // the source's frame times as they are (a camera's are rarely constant), never duplicated or dropped to a rate
    '-vsync', 'passthrough',
    ...(cut.inline ? ['-video_track_timescale', String(cut.timescale), ...(output.startsWith('pipe:') ? mp4Flags(output) : []), '-f', 'mp4'] : ['-f', 'mpegts']),
    output,
  ];
}

export interface ListEntry {
  file: string;
  inpoint?: number;
  outpoint?: number;
  /** Its length in the output, so the next file starts exactly there. */
  duration?: number;
}

/**
 * An ffconcat list of pieces. The inpoint is rounded up, so the demuxer's seek (to the keyframe at or before it) lands on
 * that keyframe; the outpoint rounded down, so the packet at it (the next piece's first frame) is left out.
 */
export function piecesList(entries: readonly ListEntry[]): string {
  const lines = ['ffconcat version 1.0'];
  for (const e of entries) {
    lines.push(`file ${quote(e.file)}`);
    if (e.inpoint !== undefined) lines.push(`inpoint ${ceilUs(e.inpoint)}`);
    if (e.outpoint !== undefined) lines.push(`outpoint ${floorUs(e.outpoint)}`);
    if (e.duration !== undefined) lines.push(`duration ${e.duration.toFixed(6)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The copied segments remuxed to MPEG-TS (video only), for a join that cannot read them inline. */
export function middleArgs(listFile: string, output: string): string[] {
  return [...RUN, ...concatInput(listFile), '-map', '0:v:0', '-c', 'copy', '-f', 'mpegts', output];
}

/**
 * The join: the pieces by stream copy (for H.264 from MP4 the concat demuxer's auto_convert puts parameter sets in-band, so
 * re-encoded and recorded packets each carry their own), plus the source's audio over the exact range, stream-copied.
 */
export function joinArgs(listFile: string, output: string, plan: CameraPlan, cut: ExactCut, audioList?: string): string[] {
  const audio = cut.audio && audioList ? ['-ss', secs(plan.headOffsetMs), '-t', secs(plan.coveredMs), ...concatInput(audioList)] : [];
  return [
    ...RUN,
    ...concatInput(listFile),
    ...audio,
    '-map', '0:v:0',
    ...(audio.length ? ['-map', '1:a?'] : []),
    '-c', 'copy',
    ...(cut.tag ? ['-tag:v', cut.tag] : []),
    ...mp4Flags(output), '-f', 'mp4', output,
  ];
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
