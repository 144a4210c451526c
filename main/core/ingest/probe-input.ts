// What one camera stream carries before ffmpeg is started on it: video codec and size, audio codec (or a coded failure).
import { classifyStderr, type ProbeFailureCode } from '../cameras/probe.js';
import { ffprobeJson } from '../ffmpeg/ffprobe.js';
import { isRtsp } from './args.js';

export interface StreamShape {
  video: { codec: string; width: number; height: number };
  /** The first audio stream's codec (aac, pcm_mulaw, pcm_alaw, opus…); undefined when the camera sends no sound. */
  audio: string | undefined;
}

export type ShapeResult = { ok: true; shape: StreamShape } | { ok: false; code: ProbeFailureCode };

/** One short ffprobe over the transport the ingest will use; never throws. */
export async function probeShape(url: string, opts: { transport?: 'tcp' | 'udp'; ffprobe: string; timeoutMs?: number }): Promise<ShapeResult> {
  const inputArgs = isRtsp(url) ? ['-rtsp_transport', opts.transport ?? 'tcp'] : [];
  const r = await ffprobeJson(url, { timeoutMs: opts.timeoutMs ?? 10_000, inputArgs, ffprobe: opts.ffprobe });
  if (!r.ok) return { ok: false, code: r.code === 'timeout' ? 'timeout' : (classifyStderr(r.stderr) ?? 'unknown') };
  const streams = r.data.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && (s.width ?? 0) > 0);
  if (!video) return { ok: false, code: 'not_video' };
  return {
    ok: true,
    shape: {
      video: { codec: video.codec_name ?? 'unknown', width: video.width ?? 0, height: video.height ?? 0 },
      audio: streams.find((s) => s.codec_type === 'audio')?.codec_name,
    },
  };
}

/** Detect frames keep the stream's shape: `width` is the target, the height follows (both even, never upscaled). */
export function detectSize(target: number, video: { width: number; height: number }): { width: number; height: number } {
  const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
  if (!video.width || !video.height) return { width: even(target), height: even((target * 9) / 16) };
  const width = even(Math.min(target, video.width));
  return { width, height: even((width * video.height) / video.width) };
}
