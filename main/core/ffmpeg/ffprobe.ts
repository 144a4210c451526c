// ffprobe as a function: JSON facts about a file or a stream, or a coded failure with the scrubbed stderr.
import { locateFfmpeg } from './locate.js';
import { ffmpegMajorVersion, runFfmpeg, socketTimeoutArgs } from './process.js';
import { protocolArgs } from './protocols.js';

export interface ProbeStreamInfo {
  index: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
}

export interface ProbeJson {
  streams?: ProbeStreamInfo[];
  format?: { format_name?: string; duration?: string; size?: string; start_time?: string };
}

export type FfprobeResult =
  | { ok: true; data: ProbeJson; stderr: string[] }
  | { ok: false; code: 'timeout' | 'failed' | 'bad_output'; message: string; stderr: string[] };

export interface FfprobeOptions {
  /** Overall limit; the process is stopped when it passes. Default 10 000 ms. */
  timeoutMs?: number;
  /** Extra arguments before -i (e.g. -rtsp_transport tcp). */
  inputArgs?: string[];
  ffprobe?: string;
  /** Extra environment (the media store's tap credential, for its URLs). */
  env?: Record<string, string>;
}

/** `ffprobe -show_streams -show_format -of json TARGET`; never throws. */
export async function ffprobeJson(target: string, opts: FfprobeOptions = {}): Promise<FfprobeResult> {
  const bin = opts.ffprobe ?? locateFfmpeg().ffprobe;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const isNetwork = /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
  // The socket timeout fires a little before the overall one, so ffprobe can say what it was waiting for.
  const netArgs = isNetwork ? socketTimeoutArgs(target, await ffmpegMajorVersion(bin), Math.max(1000, timeoutMs - 1500)) : [];
  const args = ['-hide_banner', '-v', 'error', ...protocolArgs(target), ...netArgs, ...(opts.inputArgs ?? []), '-show_streams', '-show_format', '-of', 'json', '-i', target];
  const r = await runFfmpeg(bin, args, { timeoutMs, maxBytes: 4 * 1024 * 1024, env: opts.env });
  if (r.timedOut) return { ok: false, code: 'timeout', message: `no answer within ${Math.round(timeoutMs / 1000)} s`, stderr: r.stderr };
  if (r.exit.code !== 0) return { ok: false, code: 'failed', message: r.stderr.at(-1) ?? `ffprobe exited with ${r.exit.code ?? r.exit.signal}`, stderr: r.stderr };
  try {
    return { ok: true, data: JSON.parse(r.stdout.toString()) as ProbeJson, stderr: r.stderr };
  } catch {
    return { ok: false, code: 'bad_output', message: 'ffprobe printed something that is not JSON', stderr: r.stderr };
  }
}

/** "15/1" → 15; "0/0" or missing → 0. */
export function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [n, d] = rate.split('/').map(Number);
  if (!n || !Number.isFinite(n)) return 0;
  if (d === undefined) return n;
  return d ? n / d : 0;
}
