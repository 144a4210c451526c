// Spawns ffmpeg/ffprobe with an argument array (never a shell), keeps a scrubbed stderr tail, stops with SIGTERM then SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { redactSecrets } from '../../common/redact.js';
import type { Logger } from '../log/index.js';

export interface SpawnOptions {
  /** Extra pipes after stdin/stdout/stderr: fd 3, 4, … (ffmpeg writes to them as pipe:3, pipe:4). */
  extraPipes?: number;
  /** Lines of stderr kept for error reasons; default 40. */
  stderrLines?: number;
  /** Extra environment variables (e.g. TZ=UTC so strftime names are in UTC). */
  env?: Record<string, string>;
  logger?: Logger;
  /** Logged with every line about this process (e.g. the camera id). */
  label?: string;
  /** Give the process a stdin pipe to write to (input from pipe:0); default ignored. */
  stdin?: boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface FfmpegProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly stdout: Readable;
  /** The stdin pipe when asked for with `stdin: true`. */
  readonly stdin: Writable | null;
  /** The extra pipes: index 0 is fd 3. */
  readonly pipes: Readable[];
  /** Resolves once the process has exited and its pipes are closed. */
  readonly exited: Promise<ExitInfo>;
  /** The last stderr lines, credentials scrubbed. */
  stderrTail(): string[];
  onStderrLine(cb: (line: string) => void): () => void;
  /** SIGTERM (ffmpeg finalises its outputs), then SIGKILL after graceMs; safe to call twice. */
  stop(graceMs?: number): Promise<ExitInfo>;
  /** SIGKILL at once (tests simulate a crash with it). */
  kill(): void;
  running(): boolean;
}

export function spawnFfmpeg(bin: string, args: readonly string[], opts: SpawnOptions = {}): FfmpegProcess {
  const extra = opts.extraPipes ?? 0;
  const stdio: ('ignore' | 'pipe')[] = [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', ...Array.from({ length: extra }, () => 'pipe' as const)];
  const child = spawn(bin, args, { stdio, env: opts.env ? { ...process.env, ...opts.env } : process.env, windowsHide: true });
  const max = opts.stderrLines ?? 40;
  const tail: string[] = [];
  const listeners = new Set<(line: string) => void>();
  let partial = '';
  let done = false;

  const onLine = (raw: string): void => {
    const line = redactSecrets(raw.trimEnd());
    if (!line) return;
    tail.push(line);
    if (tail.length > max) tail.shift();
    for (const l of listeners) l(line);
  };
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    // ffmpeg ends progress lines with \r; both end a line here.
    const parts = (partial + chunk).split(/\r\n|\n|\r/);
    partial = parts.pop() ?? '';
    if (partial.length > 4096) partial = partial.slice(-4096);
    for (const p of parts) onLine(p);
  });

  const exited = new Promise<ExitInfo>((resolve) => {
    let settled = false;
    const finish = (info: ExitInfo): void => {
      if (settled) return;
      settled = true;
      done = true;
      if (partial) onLine(partial);
      partial = '';
      resolve(info);
    };
    // 'close' waits for stdio to drain, so the last segment-list line is read before this resolves.
    child.once('close', (code, signal) => finish({ code, signal }));
    child.once('error', (err) => {
      onLine(`spawn failed: ${err.message}`);
      finish({ code: -1, signal: null });
    });
  });
  if (opts.logger) {
    const log = opts.logger;
    log.debug({ label: opts.label, pid: child.pid }, 'ffmpeg started');
    void exited.then((info) => log.debug({ label: opts.label, pid: child.pid, ...info }, 'ffmpeg exited'));
  }

  const pipes = Array.from({ length: extra }, (_, i) => child.stdio[3 + i] as Readable);
  let stopping: Promise<ExitInfo> | undefined;

  return {
    pid: child.pid ?? -1,
    child,
    stdout: child.stdout!,
    stdin: child.stdin ?? null,
    pipes,
    exited,
    stderrTail: () => [...tail],
    onStderrLine(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    stop(graceMs = 5000) {
      if (done) return exited;
      if (stopping) return stopping;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!done) child.kill('SIGKILL');
      }, graceMs);
      stopping = exited.finally(() => clearTimeout(timer));
      return stopping;
    },
    kill() {
      if (!done) child.kill('SIGKILL');
    },
    running: () => !done,
  };
}

/** Runs a process to completion with an overall time limit; stdout collected up to maxBytes. */
export async function runFfmpeg(
  bin: string,
  args: readonly string[],
  opts: { timeoutMs?: number; maxBytes?: number; env?: Record<string, string> } = {},
): Promise<{ exit: ExitInfo; stdout: Buffer; stderr: string[]; timedOut: boolean }> {
  const proc = spawnFfmpeg(bin, args, { stderrLines: 60, env: opts.env });
  const chunks: Buffer[] = [];
  let size = 0;
  const max = opts.maxBytes ?? 16 * 1024 * 1024;
  proc.stdout.on('data', (b: Buffer) => {
    if (size + b.length <= max) chunks.push(b);
    size += b.length;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.stop(1000);
  }, opts.timeoutMs ?? 30_000);
  const exit = await proc.exited;
  clearTimeout(timer);
  return { exit, stdout: Buffer.concat(chunks), stderr: proc.stderrTail(), timedOut };
}

const versions = new Map<string, Promise<number>>();

/** Major version of an ffmpeg/ffprobe binary (4 for the bundled 2018 build, 5 for Debian 12); 0 if unknown. */
export function ffmpegMajorVersion(bin: string): Promise<number> {
  let v = versions.get(bin);
  if (!v) {
    v = runFfmpeg(bin, ['-hide_banner', '-version'], { timeoutMs: 10_000 }).then((r) => {
      const m = /version\s+n?(\d+)\./.exec(r.stdout.toString());
      return m ? Number(m[1]) : 0;
    });
    versions.set(bin, v);
  }
  return v;
}

/** Input options that bound how long a network read may block (the option's name changed in ffmpeg 5). */
export function socketTimeoutArgs(url: string, major: number, timeoutMs: number): string[] {
  const us = String(Math.round(timeoutMs * 1000));
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  if (scheme === 'rtsp' || scheme === 'rtsps') {
    // In ffmpeg 4 `-timeout` on RTSP means "listen for a connection": use `-stimeout` there.
    return major >= 5 || major === 0 ? ['-timeout', us] : ['-stimeout', us];
  }
  if (scheme === 'http' || scheme === 'https') return ['-rw_timeout', us];
  return [];
}
