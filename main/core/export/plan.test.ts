// The exact cut's planning, pure: which frames are re-encoded and which copied, given keyframe times; no ffmpeg involved.
import { describe, expect, it } from 'vitest';
import {
  cutPieces,
  edgeArgs,
  joinArgs,
  piecesList,
  planCamera,
  planExactCut,
  probedFile,
  type CameraPlan,
  type EncodePiece,
  type ExactCut,
  type FrameTimes,
  type ProbedFile,
  type ProbeOutput,
} from './plan.js';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const SEG_MS = 10_000;

/** A 10 s segment at `fps` with a keyframe every `gop` frames, as ffprobe would list it. */
function times(fps = 15, gop = 15, seconds = 10): FrameTimes {
  const n = fps * seconds;
  const frames = Array.from({ length: n }, (_, i) => i / fps);
  return { frames, keyframes: frames.filter((_, i) => i % gop === 0), end: n / fps };
}

/** `count` consecutive 10 s segments from T0, planned for [start, end) given as seconds from T0. */
function plan(startS: number, endS: number, count: number): CameraPlan {
  const found = Array.from({ length: count }, (_, i) => ({
    cameraId: 'c',
    abs: `/rec/${i}.mp4`,
    rel: `c/${i}.mp4`,
    start: T0 + i * SEG_MS,
    end: T0 + (i + 1) * SEG_MS,
    exists: true,
  }));
  return planCamera('c', T0 + startS * 1000, T0 + endS * 1000, found);
}

const copies = (pieces: ReturnType<typeof cutPieces>) => pieces?.filter((p) => p.kind === 'copy');
const encodes = (pieces: ReturnType<typeof cutPieces>) => pieces?.filter((p): p is EncodePiece => p.kind === 'encode');

describe('cutPieces', () => {
  it('across many segments: head to the next keyframe, copied segments, tail from the last keyframe', () => {
    const p = plan(12.5, 47.2, 5);
    expect(p.segments).toHaveLength(4);
    const pieces = cutPieces(p, times(), times());
    expect(pieces).toHaveLength(6);
    const [head, ...rest] = pieces!;
    expect(head).toMatchObject({ kind: 'encode', file: '/rec/1.mp4', from: 2.5, to: 3 });
    // 2.5 is not a frame time at 15 fps: the head's first frame is 2.5333, so it lasts 7 frames
    expect((head as EncodePiece).duration).toBeCloseTo(7 / 15, 9);
    expect(rest.slice(0, 4)).toEqual([
      { kind: 'copy', file: '/rec/1.mp4', inpoint: 3 },
      { kind: 'copy', file: '/rec/2.mp4' },
      { kind: 'copy', file: '/rec/3.mp4' },
      { kind: 'copy', file: '/rec/4.mp4', outpoint: 7 },
    ]);
    expect(rest[4]).toMatchObject({ kind: 'encode', file: '/rec/4.mp4', from: 7, to: 7.2 });
    expect((rest[4] as EncodePiece).duration).toBeCloseTo(0.2, 9);
  });

  it('a start on a keyframe has no head; an end on a keyframe has no tail', () => {
    const pieces = cutPieces(plan(13, 47, 5), times(), times());
    expect(encodes(pieces)).toEqual([]);
    expect(pieces).toEqual([
      { kind: 'copy', file: '/rec/1.mp4', inpoint: 3 },
      { kind: 'copy', file: '/rec/2.mp4' },
      { kind: 'copy', file: '/rec/3.mp4' },
      { kind: 'copy', file: '/rec/4.mp4', outpoint: 7 },
    ]);
    // on the segment's first frame: no inpoint at all
    expect(cutPieces(plan(10, 20.5, 5), times(), times())?.[0]).toEqual({ kind: 'copy', file: '/rec/1.mp4' });
  });

  it('a range inside one GOP is one re-encoded piece', () => {
    const pieces = cutPieces(plan(20.2, 20.7, 5), times(), times());
    expect(pieces).toHaveLength(1);
    expect(pieces![0]).toMatchObject({ kind: 'encode', file: '/rec/2.mp4', from: 0.2, to: 0.7 });
    // frames 0.2 .. 0.6667: 8 of them
    expect((pieces![0] as EncodePiece).duration).toBeCloseTo(8 / 15, 9);
    // across a keyframe but with no whole GOP inside: still one piece
    expect(cutPieces(plan(20.5, 21.5, 5), times(), times())).toHaveLength(1);
  });

  it('inside one segment with whole GOPs: head, the segment from keyframe to keyframe, tail', () => {
    const pieces = cutPieces(plan(20.5, 24.5, 5), times(), times());
    expect(pieces?.map((p) => p.kind)).toEqual(['encode', 'copy', 'encode']);
    expect(copies(pieces)).toEqual([{ kind: 'copy', file: '/rec/2.mp4', inpoint: 1, outpoint: 4 }]);
  });

  it('a start in the first segment\'s last GOP re-encodes to its end and copies from the next segment', () => {
    const long = times(15, 75); // keyframes at 0 and 5 s
    const pieces = cutPieces(plan(15.5, 31, 5), long, long);
    expect(pieces?.[0]).toMatchObject({ kind: 'encode', file: '/rec/1.mp4', from: 5.5, to: 10 });
    expect(copies(pieces)).toEqual([{ kind: 'copy', file: '/rec/2.mp4' }]);
    // the end (1 s into the last segment) is before its second keyframe: the tail starts at its first
    expect(pieces?.at(-1)).toMatchObject({ kind: 'encode', file: '/rec/3.mp4', from: 0, to: 1 });
  });

  it('a range running past the last file\'s frames copies that file whole, with no tail', () => {
    const short = { ...times(), end: 9.5, frames: times().frames.filter((f) => f < 9.5) };
    const pieces = cutPieces(plan(12, 29.8, 5), times(), short);
    expect(pieces?.at(-1)).toEqual({ kind: 'copy', file: '/rec/2.mp4' });
    expect(encodes(pieces)).toEqual([]);
  });

  it('keeps frame times exact at 30000/1001 fps (keyframes that are not whole microseconds)', () => {
    const fps = 30000 / 1001;
    const frames = Array.from({ length: 299 }, (_, i) => i / fps);
    const ntsc: FrameTimes = { frames, keyframes: frames.filter((_, i) => i % 30 === 0), end: 299 / fps };
    const pieces = cutPieces(plan(10.5, 18.5, 2), ntsc, ntsc)!;
    const list = piecesList(pieces.map((p) => (p.kind === 'copy' ? p : { file: 'piece', duration: p.duration })));
    // inpoint rounded up and outpoint down from 1.001 s and 8.008 s: the keyframe at the inpoint is copied, the one at the outpoint is not
    expect(list).toContain('inpoint 1.001000\n');
    expect(list).toContain('outpoint 8.008000\n');
    const k = 30 / fps; // 1.001 exactly in decimal, not in binary
    expect(piecesList([{ file: 'x', inpoint: k * 7, outpoint: k * 7 }])).toBe('ffconcat version 1.0\nfile \'x\'\ninpoint 7.007000\noutpoint 7.007000\n');
  });
});

/** An ffprobe answer for one segment: video (and maybe audio) streams plus packets. */
function probe(opts: { codec?: string; bframes?: boolean; audio?: boolean; videoIndex?: number; timeBase?: string } = {}): ProbedFile {
  const v = opts.videoIndex ?? 0;
  const out: ProbeOutput = {
    streams: [
      { index: v, codec_type: 'video', codec_name: opts.codec ?? 'h264', codec_tag_string: opts.codec === 'hevc' ? 'hvc1' : 'avc1', profile: 'High', level: 31, width: 1280, height: 720, pix_fmt: 'yuvj420p', time_base: opts.timeBase ?? '1/15360', has_b_frames: opts.bframes ? 2 : 0, color_range: 'pc', color_space: 'bt709', color_primaries: 'unknown' },
      ...(opts.audio ? [{ index: v === 0 ? 1 : 0, codec_type: 'audio', codec_name: 'aac' }] : []),
    ],
    packets: Array.from({ length: 150 }, (_, i) => ({ stream_index: v, pts: i * 1024, dts: i * 1024, duration: 1024, flags: i % 15 === 0 ? 'K__' : '___' })),
  };
  return probedFile(out)!;
}

describe('planExactCut', () => {
  const p = plan(12.5, 47.2, 5);
  const x264 = new Set(['libx264', 'aac']);

  it('reads keyframes from ffprobe packets and matches the source format', () => {
    const f = probe({ audio: true });
    expect(f.times.keyframes.slice(0, 3)).toEqual([0, 1, 2]);
    expect(f.times.end).toBe(10);
    expect(f.video).toMatchObject({ codec: 'h264', timescale: 15360, reordered: false, pixFmt: 'yuvj420p', color: { range: 'pc', space: 'bt709' } });
    const cut = planExactCut(p, f, f, x264) as ExactCut;
    expect(cut).toMatchObject({ inline: true, timescale: 15360, audio: true });
    expect(cut.encode).toEqual(expect.arrayContaining(['libx264', '-bf', '0', '-profile:v', 'high', '-level', '31', '-pix_fmt', 'yuvj420p', '-color_range', 'pc', '-colorspace', 'bt709']));
    expect(cut.encode).not.toContain('-color_primaries');
  });

  it('falls back to re-encoding the whole range, with a reason, when the edges cannot be cut alone', () => {
    expect(planExactCut(p, probe({ codec: 'hevc' }), probe({ codec: 'hevc' }), x264)).toEqual({ reason: 'this ffmpeg has no libx265' });
    expect(planExactCut(p, probe({ codec: 'vp9' }), probe({ codec: 'vp9' }), x264)).toEqual({ reason: 'no edge encoder for vp9' });
    expect(planExactCut(p, probe({ bframes: true }), probe(), x264)).toMatchObject({ reason: expect.stringMatching(/B-frames/) });
    expect(planExactCut(p, probe(), probe({ codec: 'hevc' }), new Set(['libx264', 'libx265']))).toMatchObject({ reason: expect.stringMatching(/changes/) });
  });

  it('HEVC, or video that is not stream 0, goes through MPEG-TS pieces', () => {
    const hevc = planExactCut(p, probe({ codec: 'hevc' }), probe({ codec: 'hevc' }), new Set(['libx265'])) as ExactCut;
    expect(hevc).toMatchObject({ inline: false, tag: 'hvc1' });
    expect(hevc.encode).toEqual(expect.arrayContaining(['libx265']));
    const second = planExactCut(p, probe({ videoIndex: 1, audio: true }), probe({ videoIndex: 1, audio: true }), x264) as ExactCut;
    expect(second.inline).toBe(false);
    expect(edgeArgs(second.pieces[0] as EncodePiece, 'out', second).slice(-3)).toEqual(['-f', 'mpegts', 'out']);
  });

  it('edge arguments: seek to the start floored, stop just before the keyframe, keep the source clock', () => {
    const cut = planExactCut(p, probe(), probe(), x264) as ExactCut;
    const head = cut.pieces[0] as EncodePiece;
    const args = edgeArgs(head, '/out/head', cut);
    expect(args.join(' ')).toContain('-seek_timestamp 1 -ss 2.500000 -protocol_whitelist file,http,tcp -i /rec/1.mp4 -map 0:v:0 -an');
    expect(args.join(' ')).toContain('trim=end=0.499000,setpts=PTS-STARTPTS');
    expect(args.join(' ')).toContain('-vsync passthrough -video_track_timescale 15360 -f mp4 /out/head');
    const joined = joinArgs('/tmp/list', '/out/x.mp4', p, { ...cut, audio: true }, '/tmp/audio').join(' ');
    expect(joined).toContain('-ss 2.500 -t 34.700 -protocol_whitelist file,http,tcp -f concat -safe 0 -i /tmp/audio -map 0:v:0 -map 1:a? -c copy');
    expect(joinArgs('/tmp/list', '/out/x.mp4', p, { ...cut, audio: false }).join(' ')).not.toContain('1:a');
  });
});
