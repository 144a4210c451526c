// Where the desktop app runs its engine: in Electron's main process, or in a utility process (a separate Node event loop, here
// a forked Node process: the same isolation and the same IPC cost) that relays to the main one. The main process's event loop
// is what a window's IPC and the app:// protocol wait on, so its delay is the figure; CPU tells what the extra hop costs.
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { serialize } from 'node:v8';
import { startRtspCamera } from '../../test/fixtures/rtsp-camera.js';
import { cpuSeconds, numberArg, wait, waitUntil } from '../_lib/proc.js';
import { round } from '../_lib/stats.js';
import { followLive, startLoad } from './engine.js';

/** Loop delays include the 1 ms sampling timer. */
interface HostFigures {
  loop_p50_ms: number;
  loop_p99_ms: number;
  loop_max_ms: number;
  /** CPU seconds per wall second of the engine's Node side (ffmpeg excluded: the same in both layouts). */
  cpu: number;
  live_mb_s: number;
  events: number;
}

/** What the host does with each message for its window (Electron structured-clones IPC payloads). */
function deliverer() {
  const counts = { bytes: 0, events: 0 };
  const deliver = (kind: 'chunk' | 'event', data: Uint8Array | object): void => {
    const wire = serialize(data);
    if (kind === 'chunk') counts.bytes += wire.length;
    else counts.events++;
  };
  return { counts, deliver };
}

async function measure(seconds: number, counts: { bytes: number; events: number }, cpu: () => number): Promise<HostFigures> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const c0 = cpu();
  const b0 = counts.bytes;
  const e0 = counts.events;
  const t0 = performance.now();
  h.enable();
  await wait(seconds * 1000);
  h.disable();
  const wall = (performance.now() - t0) / 1000;
  return {
    loop_p50_ms: round(h.percentile(50) / 1e6, 2),
    loop_p99_ms: round(h.percentile(99) / 1e6, 2),
    loop_max_ms: round(h.max / 1e6, 2),
    cpu: round((cpu() - c0) / wall, 3),
    live_mb_s: round((counts.bytes - b0) / wall / 1e6, 3),
    events: counts.events - e0,
  };
}

const processCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function inProcess(urls: string[], warmupS: number, seconds: number): Promise<HostFigures> {
  const { counts, deliver } = deliverer();
  const load = await startLoad(urls, deliver);
  try {
    const live = await followLive(load.engine, (d) => deliver('chunk', d));
    if (live !== urls.length) throw new Error(`only ${live} of ${urls.length} cameras went live`);
    await wait(warmupS * 1000);
    return await measure(seconds, counts, processCpu);
  } finally {
    await load.engine.stop();
    rmSync(load.dataDir, { recursive: true, force: true });
  }
}

async function inChild(urls: string[], warmupS: number, seconds: number): Promise<HostFigures> {
  const { counts, deliver } = deliverer();
  const here = dirname(fileURLToPath(import.meta.url));
  const child = fork(join(here, 'child.ts'), [JSON.stringify(urls)], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let ready = false;
  child.on('message', (m: { kind: 'chunk' | 'event' | 'ready'; data: Uint8Array | object }) => {
    if (m.kind === 'ready') ready = true;
    else deliver(m.kind, m.data);
  });
  try {
    if (!(await waitUntil(() => ready, 60_000))) throw new Error('the engine process did not start in 60 s');
    await wait(warmupS * 1000);
    const pid = child.pid ?? -1;
    return await measure(seconds, counts, () => processCpu() + (cpuSeconds(pid) ?? 0));
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.send({ kind: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

export default async function run(args: string[]): Promise<Record<string, unknown>> {
  const cameras = numberArg(args, 'cameras', 4);
  const seconds = numberArg(args, 'seconds', 40);
  const warmup = numberArg(args, 'warmup', 10);
  const camera = await startRtspCamera({ hevc: false });
  try {
    const urls = Array.from({ length: cameras }, () => camera.url('vtest'));
    console.error(`host: ${cameras} cameras (vtest 768x576, detection 5 fps), ${warmup} s warm-up, ${seconds} s measured, each layout`);
    const main = await inProcess(urls, warmup, seconds);
    console.error(`in the main process: ${JSON.stringify(main)}`);
    const utility = await inChild(urls, warmup, seconds);
    console.error(`in a utility process: ${JSON.stringify(utility)}`);
    return {
      cameras,
      seconds,
      in_process: main,
      utility_process: utility,
      // > 1: the utility layout costs more CPU for the same work
      cpu_ratio: round(utility.cpu / Math.max(1e-6, main.cpu), 3),
      // > 1: the main loop waits longer with the engine inside it
      loop_p99_ratio: round(main.loop_p99_ms / Math.max(1e-6, utility.loop_p99_ms), 3),
    };
  } finally {
    await camera.stop();
  }
}
