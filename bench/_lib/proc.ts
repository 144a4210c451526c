// Per-process CPU and memory from /proc (Linux), and small waiting helpers shared by the benchmarks.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// Linux reports /proc times in clock ticks; 100 per second on every mainstream kernel config.
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** utime+stime of a process in seconds, or undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the ")" of the command name: state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Direct children of a process (ffmpeg under the engine). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** This process's children running one of `names` (the engine's ffmpeg and ffprobe; not the RTSP test camera). */
export function childrenNamed(...names: string[]): number[] {
  return childPids(process.pid).filter((pid) => {
    try {
      return names.includes(readFileSync(`/proc/${pid}/comm`, 'latin1').trim());
    } catch {
      return false;
    }
  });
}

export const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(pred: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pred()) return true;
    await wait(100);
  }
  return pred();
}

export function numberArg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) ? v : def;
}

/**
 * CPU seconds and peak RSS of a changing set of processes (ffmpeg under the engine), sampled: call `sample()` every few
 * seconds; a process first seen mid-run counts from its first sample.
 */
export class CpuSampler {
  private readonly last = new Map<number, number>();
  cpuSeconds = 0;
  maxRssMb = 0;
  /** Peak RSS of this process (the engine, when a benchmark runs it in-process). */
  maxSelfRssMb = 0;

  constructor(private readonly pids: () => number[]) {}

  /** Samples now and every two seconds for `ms`. */
  async runFor(ms: number): Promise<void> {
    this.sample();
    const endAt = Date.now() + ms;
    while (Date.now() < endAt) {
      await wait(Math.min(2000, Math.max(0, endAt - Date.now())));
      this.sample();
    }
  }

  sample(): void {
    this.maxSelfRssMb = Math.max(this.maxSelfRssMb, process.memoryUsage().rss / 2 ** 20);
    let rss = 0;
    for (const pid of this.pids()) {
      const s = cpuSeconds(pid);
      if (s === undefined) continue;
      const prev = this.last.get(pid);
      if (prev !== undefined) this.cpuSeconds += s - prev;
      this.last.set(pid, s);
      rss += rssMb(pid);
    }
    this.maxRssMb = Math.max(this.maxRssMb, rss);
  }
}
