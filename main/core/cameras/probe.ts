// Checks a camera URL before it is saved: codec, size and frame rate, or a plain-words reason it does not work.
import type { ProbeResult } from '../../common/contract/index.js';
import { ffprobeJson, parseRate } from '../ffmpeg/ffprobe.js';
import { createLogger } from '../log/index.js';

const log = createLogger('cameras');

export type ProbeFailureCode = Extract<ProbeResult, { ok: false }>['code'];

const SCHEMES = new Set(['rtsp:', 'rtsps:', 'http:', 'https:']);
// Codecs ffmpeg reports for text "art" (a text page probed as video): not a camera picture.
const TEXT_CODECS = new Set(['ansi', 'bintext', 'xbin', 'idf', 'text', 'subrip']);

export function probeMessage(code: ProbeFailureCode, timeoutMs = 10_000): string {
  switch (code) {
    case 'invalid_url':
      return 'This is not a camera address. It should look like rtsp://192.168.1.20:554/stream1';
    case 'host_unreachable':
      return 'The camera could not be reached at this address. Check the IP address or name, and that the camera is switched on and on your network';
    case 'connection_refused':
      return 'The camera refused the connection. Check the port number (RTSP usually uses 554) and that streaming is turned on in the camera';
    case 'auth_failed':
      return 'The camera did not accept the user name or password';
    case 'not_found':
      return 'The camera has no stream at this path. Check the stream path in the camera manual (for example /stream1)';
    case 'not_video':
      return 'Something answered at this address, but it does not send video';
    case 'timeout':
      return `The camera did not answer within ${Math.round(timeoutMs / 1000)} seconds`;
    case 'unknown':
      return 'The camera answered, but its stream could not be read';
  }
}

/** Parses and checks the URL; shell characters are harmless (argv, no shell) but the scheme must be a stream's. */
export function checkStreamUrl(url: string): { ok: true; url: URL } | { ok: false } {
  if (typeof url !== 'string' || url.length > 2048 || !URL.canParse(url)) return { ok: false };
  const u = new URL(url);
  if (!SCHEMES.has(u.protocol) || !u.hostname) return { ok: false };
  // Control characters have no business in a camera URL (URL() silently drops some of them).
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  if (/[\u0000-\u001f\u007f]/.test(url)) return { ok: false };
  return { ok: true, url: u };
}

/** Maps ffprobe/ffmpeg stderr to a failure code; undefined when nothing known is in it. */
export function classifyStderr(lines: readonly string[]): ProbeFailureCode | undefined {
  const text = lines.join('\n');
  if (/\b401\b|Unauthorized|\b403\b|Forbidden|authorization failed/i.test(text)) return 'auth_failed';
  if (/\b404\b|Not Found|\b454\b|Session Not Found/i.test(text)) return 'not_found';
  if (/Connection refused/i.test(text)) return 'connection_refused';
  if (/No route to host|Network is unreachable|Host is unreachable|Failed to resolve hostname|Name or service not known|nodename nor servname|Temporary failure in name resolution|Address family for hostname not supported/i.test(text)) {
    return 'host_unreachable';
  }
  if (/timed out|Connection timed out|Operation timed out/i.test(text)) return 'timeout';
  if (/Invalid data found when processing input|could not find codec parameters|no video stream/i.test(text)) return 'not_video';
  return undefined;
}

function fail(code: ProbeFailureCode, timeoutMs?: number): ProbeResult {
  return { ok: false, code, message: probeMessage(code, timeoutMs) };
}

/** Probes one stream URL with ffprobe (argument array, RTSP over TCP); resolves within timeoutMs (+ ~1 s to stop ffprobe). */
export async function probeStream(url: string, opts: { timeoutMs?: number; ffprobe?: string } = {}): Promise<ProbeResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const checked = checkStreamUrl(url);
  if (!checked.ok) return fail('invalid_url');
  const u = checked.url;
  // RFC 6761: `.invalid` never resolves; answer at once instead of asking a DNS server.
  if (/(^|\.)invalid\.?$/i.test(u.hostname)) return fail('host_unreachable');

  const rtsp = u.protocol === 'rtsp:' || u.protocol === 'rtsps:';
  const inputArgs = rtsp ? ['-rtsp_transport', 'tcp'] : [];
  const started = Date.now();
  const r = await ffprobeJson(u.href, { timeoutMs, inputArgs, ...(opts.ffprobe ? { ffprobe: opts.ffprobe } : {}) });
  const ms = Date.now() - started;
  if (!r.ok) {
    const code = r.code === 'timeout' ? 'timeout' : (classifyStderr(r.stderr) ?? 'unknown');
    log.info({ host: u.hostname, code, ms }, `probe failed: ${r.stderr.at(-1) ?? r.message}`);
    return fail(code, timeoutMs);
  }

  const streams = r.data.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !TEXT_CODECS.has(s.codec_name ?? '') && (s.width ?? 0) > 0);
  if (!video) {
    log.info({ host: u.hostname, ms, streams: streams.map((s) => s.codec_name) }, 'probe found no video stream');
    return fail('not_video');
  }
  const audio = streams.find((s) => s.codec_type === 'audio')?.codec_name;
  const fps = parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate);
  log.info({ host: u.hostname, ms, codec: video.codec_name }, 'probe ok');
  return {
    ok: true,
    codec: video.codec_name ?? 'unknown',
    width: video.width ?? 0,
    height: video.height ?? 0,
    fps: Math.round(fps * 100) / 100,
    ...(audio ? { audio } : {}),
  };
}
