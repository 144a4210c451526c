// Runs one ffmpeg/ffprobe for an export: argument array, progress from `-progress pipe:1`, stop on abort (SIGTERM, then SIGKILL).
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { redactSecrets } from '../../common/redact.js';
import type { FfmpegInput } from '../media/index.js';
import { PROBE_ENTRIES, ProbeOutput, probedFile, type ProbedFile } from './plan.js';

const KILL_GRACE_MS = 2_000;
const STDERR_LINES = 30;
/** ffprobe's JSON for one file is small; more means something is wrong. */
const MAX_STDOUT = 4 * 1024 * 1024;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  aborted: boolean;
  stderr: string[];
  stdout: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Called with out_time in microseconds whenever ffmpeg reports progress (needs `-progress pipe:1` in args). */
  onProgress?: (outTimeUs: number) => void;
  /** Keep stdout (ffprobe); progress runs discard it after parsing. */
  captureStdout?: boolean;
  /** Extra environment (the media store's tap credential). */
  env?: Record<string, string>;
  /** Where ffmpeg's fd 3 goes (an output of `pipe:3`): resolved once the last byte is in it, with its error as stderr. */
  output?: Writable;
}

export function runFfmpeg(bin: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, {
      stdio: opts.output ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
      env: opts.env && Object.keys(opts.env).length ? { ...process.env, ...opts.env } : process.env,
      windowsHide: true,
    });
    // the output pipe is drained with backpressure: ffmpeg waits while the store writes (and encrypts)
    const piped = opts.output
      ? pipeline(child.stdio[3] as Readable, opts.output).then(
          () => undefined,
          (err: Error) => `the output could not be stored: ${err.message}`,
        )
      : Promise.resolve(undefined);
    const stderr: string[] = [];
    let errPartial = '';
    let outPartial = '';
    let stdout = '';
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;

    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      const lines = (errPartial + chunk).split(/\r\n|\n|\r/);
      errPartial = (lines.pop() ?? '').slice(-4096);
      for (const l of lines) {
        if (!l.trim()) continue;
        stderr.push(redactSecrets(l.trimEnd()));
        if (stderr.length > STDERR_LINES) stderr.shift();
      }
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      if (opts.captureStdout) {
        if (stdout.length < MAX_STDOUT) stdout += chunk;
        return;
      }
      const lines = (outPartial + chunk).split('\n');
      outPartial = (lines.pop() ?? '').slice(-4096);
      for (const l of lines) {
        // out_time_us is the muxed position; "N/A" before the first packet
        if (l.startsWith('out_time_us=')) {
          const us = Number(l.slice(12));
          if (!Number.isFinite(us) || us < 0) continue;
          // a throw in a child process's listener would be uncaught and end the engine
          try {
            opts.onProgress?.(us);
          } catch (err) {
            stderr.push(`progress callback failed: ${(err as Error).message}`);
          }
        }
      }
    });

    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, extra?: string): void => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (errPartial.trim()) stderr.push(redactSecrets(errPartial.trimEnd()));
      if (extra) stderr.push(extra);
      resolve({ code, signal, aborted, stderr, stdout });
    };
    // 'close' waits for the pipes, so the last progress block is read before this resolves
    child.once('close', (code, signal) => {
      void piped.then((problem) => finish(problem && code === 0 ? 1 : code, signal, problem));
    });
    child.once('error', (err) => {
      opts.output?.destroy();
      finish(null, null, `could not start ${bin}: ${err.message}`);
    });
  });
}

/** A path, or a store input (an encrypted file through the tap): its protocols before `-i`, its credential in the env. */
type Input = string | FfmpegInput;
const inputArgs = (i: Input): string[] => (typeof i === 'string' ? [i] : ['-protocol_whitelist', i.protocols, i.url]);
const inputEnv = (i: Input): Record<string, string> | undefined => (typeof i === 'string' ? undefined : i.env);

/** The container duration in seconds, or null when ffprobe cannot read the file. */
export async function probeDuration(ffprobe: string, file: Input, signal?: AbortSignal): Promise<number | null> {
  const r = await runFfmpeg(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'json', ...inputArgs(file)], { captureStdout: true, signal, env: inputEnv(file) });
  if (r.code !== 0) return null;
  try {
    const d = Number((JSON.parse(r.stdout) as { format?: { duration?: string } }).format?.duration);
    return Number.isFinite(d) ? d : null;
  } catch {
    return null;
  }
}

/**
 * The duration of a stream fed to ffprobe through a pipe (an encrypted export, decrypted as it goes): from the first
 * video packet's time to the end of the last. A seekable reader of a fragmented MP4 jumps from fragment to fragment, one
 * request of the tap each, every one decrypting ahead of what it reads; a pipe reads each byte once.
 */
export async function probeStreamDuration(ffprobe: string, input: Readable, signal?: AbortSignal): Promise<number | null> {
  const child = spawn(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', '-i', 'pipe:0'], { stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true });
  const onAbort = (): void => void child.kill('SIGKILL');
  signal?.addEventListener('abort', onAbort, { once: true });
  let first = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  let partial = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      const [pts, dur] = l.split(',').map(Number);
      if (pts === undefined || !Number.isFinite(pts)) continue;
      first = Math.min(first, pts);
      end = Math.max(end, pts + (dur !== undefined && Number.isFinite(dur) ? dur : 0));
    }
  });
  // ffprobe may stop reading before the end (an error): the feed then ends quietly
  const fed = pipeline(input, child.stdin!).catch(() => undefined);
  const code = await new Promise<number | null>((resolve) => {
    child.once('close', (c) => resolve(c));
    child.once('error', () => resolve(null));
  });
  signal?.removeEventListener('abort', onAbort);
  input.destroy();
  await fed;
  return code === 0 && Number.isFinite(first) && end >= first ? Math.round((end - first) * 1e6) / 1e6 : null;
}

/** One segment's video stream and frame times (demuxed, not decoded: a 10 s segment reads in milliseconds); null when unreadable. */
export async function probeFrames(ffprobe: string, file: Input, signal?: AbortSignal): Promise<ProbedFile | null> {
  const r = await runFfmpeg(ffprobe, ['-v', 'error', '-show_entries', PROBE_ENTRIES, '-of', 'json=c=1', ...inputArgs(file)], { captureStdout: true, signal, env: inputEnv(file) });
  if (r.code !== 0) return null;
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    return null;
  }
  const parsed = ProbeOutput.safeParse(json);
  return parsed.success ? probedFile(parsed.data) : null;
}

/** The encoders an ffmpeg build has (`ffmpeg -encoders`); empty when it cannot be asked. */
export async function listEncoders(ffmpeg: string, signal?: AbortSignal): Promise<Set<string>> {
  const r = await runFfmpeg(ffmpeg, ['-hide_banner', '-encoders'], { captureStdout: true, signal });
  // " V....D libx264   libx264 H.264 / AVC / MPEG-4 AVC"
  const names = r.code === 0 ? [...r.stdout.matchAll(/^ [VAS][A-Z.]{5} (\S+)/gm)].map((m) => m[1] ?? '') : [];
  return new Set(names.filter(Boolean));
}
