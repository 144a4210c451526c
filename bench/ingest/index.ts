// Ingest CPU: our pipeline vs bare ffmpeg on the same source, then a load run of N cameras from pre-encoded 720p15 clips.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRtspCamera, vtestClip, type RtspCamera } from '../../test/fixtures/rtsp-camera.js';
import { locateFfmpeg } from '../../main/core/ffmpeg/locate.js';
import { spawnFfmpeg } from '../../main/core/ffmpeg/process.js';
import { CameraIngest, IngestSupervisor, type IngestConfig, type SegmentInfo } from '../../main/core/ingest/index.js';
import { CpuSampler, cpuSeconds, numberArg, wait, waitUntil } from '../_lib/proc.js';
import { round } from '../_lib/stats.js';
import { folderSink } from '../../main/core/media/index.js';

const DETECT = { enabled: true, width: 640, height: 360, fps: 5 };

/** Encodes the 720p15 test clip once (baseline, 1 s GOP): the server then only relays bytes. */
function makeClip(dir: string): string {
  const out = join(dir, 'cam720p15.mp4');
  const { ffmpeg } = locateFfmpeg();
  const r = spawnSync(ffmpeg, ['-v', 'error', '-stream_loop', '1', '-i', vtestClip(), '-t', '30', '-vf', 'scale=1280:720,fps=15', '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'baseline', '-g', '15', '-bf', '0', '-pix_fmt', 'yuv420p', '-an', '-y', out]);
  if (r.status !== 0) throw new Error(`clip encode failed: ${r.stderr.toString().slice(-300)}`);
  return out;
}

/** CPU % of one core over `seconds`, for our CameraIngest (ffmpeg + this Node process). */
async function measurePipeline(url: string, dir: string, seconds: number): Promise<{ ffmpegPct: number; nodePct: number; totalPct: number; frames: number }> {
  const ingest = new CameraIngest({ config: { cameraId: 'bench', url, recording: folderSink(join(dir, 'pipeline')), record: true, detect: DETECT, live: false } });
  let frames = 0;
  ingest.subscribe(() => frames++);
  ingest.start();
  try {
    if (!(await waitUntil(() => frames > 5, 20_000))) throw new Error('pipeline: no frames');
    const pid = ingest.pid()!;
    const c0 = cpuSeconds(pid)!;
    const n0 = process.cpuUsage();
    const f0 = frames;
    const t0 = performance.now();
    await wait(seconds * 1000);
    const c1 = cpuSeconds(pid) ?? c0;
    const n1 = process.cpuUsage(n0);
    const dt = (performance.now() - t0) / 1000;
    const ffmpegPct = ((c1 - c0) / dt) * 100;
    const nodePct = ((n1.user + n1.system) / 1e6 / dt) * 100;
    return { ffmpegPct, nodePct, totalPct: ffmpegPct + nodePct, frames: frames - f0 };
  } finally {
    await ingest.stop();
  }
}

/** The same work with bare ffmpeg: copy into 10 s segments + decode 5 fps scaled frames to /dev/null. */
async function measureBare(url: string, dir: string, seconds: number): Promise<{ totalPct: number }> {
  const { ffmpeg } = locateFfmpeg();
  const args = [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', url,
    '-map', '0:v:0', '-c:v', 'copy', '-f', 'segment', '-segment_time', '10', '-segment_format', 'mp4', '-reset_timestamps', '1', join(dir, 'bare-%05d.mp4'),
    '-map', '0:v:0', '-vf', `fps=${DETECT.fps},scale=${DETECT.width}:${DETECT.height}`, '-pix_fmt', 'yuv420p', '-f', 'rawvideo', '/dev/null',
  ];
  const proc = spawnFfmpeg(ffmpeg, args);
  try {
    // Same warm-up as the pipeline: a few seconds for connect + first keyframe.
    await wait(4000);
    const c0 = cpuSeconds(proc.pid);
    if (c0 === undefined) throw new Error(`bare ffmpeg died: ${proc.stderrTail().join(' | ')}`);
    const t0 = performance.now();
    await wait(seconds * 1000);
    const c1 = cpuSeconds(proc.pid) ?? c0;
    return { totalPct: ((c1 - c0) / ((performance.now() - t0) / 1000)) * 100 };
  } finally {
    await proc.stop();
  }
}

async function compare(cam: RtspCamera, dir: string, rounds: number, seconds: number): Promise<Record<string, unknown>> {
  const pipe: number[] = [];
  const pipeNode: number[] = [];
  const bare: number[] = [];
  let frames = 0;
  // Warm-up (JIT, first connection) is not measured.
  await measurePipeline(cam.url('/cam0'), dir, 3);
  // Alternate runs in one process: these machines drift ±20 % between processes.
  for (let r = 0; r < rounds; r++) {
    const p = await measurePipeline(cam.url('/cam0'), dir, seconds);
    pipe.push(p.totalPct);
    pipeNode.push(p.nodePct);
    frames += p.frames;
    bare.push((await measureBare(cam.url('/cam0'), dir, seconds)).totalPct);
  }
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
  const ratio = med(pipe) / med(bare);
  return {
    compare_rounds: rounds,
    compare_seconds: seconds,
    pipeline_cpu_pct: round(med(pipe), 2),
    pipeline_node_cpu_pct: round(med(pipeNode), 2),
    bare_ffmpeg_cpu_pct: round(med(bare), 2),
    cpu_ratio: round(ratio, 3),
    cpu_ratio_target: 1.3,
    pipeline_detect_fps: round(frames / (rounds * seconds), 2),
  };
}

async function load(cam: RtspCamera, dir: string, cameras: number, minutes: number): Promise<Record<string, unknown>> {
  const segments = new Map<string, SegmentInfo[]>();
  const frames = new Map<string, number>();
  const configs: IngestConfig[] = Array.from({ length: cameras }, (_, i) => ({
    cameraId: `cam${i}`,
    url: cam.url(`/cam${i}`),
    recording: folderSink(join(dir, 'load', `cam${i}`)),
    record: true,
    detect: DETECT,
    live: false,
  }));
  const sup = new IngestSupervisor({ onSegment: (s) => segments.set(s.cameraId, [...(segments.get(s.cameraId) ?? []), s]) });
  await sup.apply(configs);
  for (const c of sup.list()) {
    frames.set(c.cameraId, 0);
    c.subscribe(() => frames.set(c.cameraId, (frames.get(c.cameraId) ?? 0) + 1));
  }
  const allOnline = await waitUntil(() => sup.list().every((c) => c.state.state === 'online'), 30_000);
  const startedAt = Date.now();
  const n0 = process.cpuUsage();
  const ffmpeg = new CpuSampler(() => sup.list().flatMap((c) => c.pid() ?? []));
  await ffmpeg.runFor(minutes * 60_000);
  const maxNodeRss = ffmpeg.maxSelfRssMb;
  const dt = (Date.now() - startedAt) / 1000;
  const nodeUse = process.cpuUsage(n0);
  const ffmpegCpu = ffmpeg.cpuSeconds;
  const stats = sup.stats();
  await sup.stop();

  let missing = 0;
  let gaps = 0;
  for (const c of configs) {
    const segs = (segments.get(c.cameraId) ?? []).filter((s) => s.end > startedAt);
    // Segments fully inside the window; each 10 s, a partial one at each end.
    const expected = Math.floor(dt / 10) - 1;
    missing += Math.max(0, expected - segs.filter((s) => s.durationMs >= 9000).length);
    for (let i = 1; i < segs.length; i++) if (segs[i]!.start - segs[i - 1]!.end > 2000) gaps++;
  }
  const dropped = stats.filter((s) => s.restarts > 0).length;
  return {
    load_cameras: cameras,
    load_minutes: minutes,
    load_all_online: allOnline,
    load_missing_segments: missing,
    load_segment_gaps: gaps,
    load_dropped_cameras: dropped,
    load_restarts: stats.reduce((a, s) => a + s.restarts, 0),
    load_detect_fps_per_camera: round([...frames.values()].reduce((a, b) => a + b, 0) / cameras / (dt + 3), 2),
    load_ffmpeg_cpu_pct_total: round((ffmpegCpu / dt) * 100, 1),
    load_ffmpeg_cpu_pct_per_camera: round((ffmpegCpu / dt / cameras) * 100, 2),
    load_node_cpu_pct: round(((nodeUse.user + nodeUse.system) / 1e6 / dt) * 100, 2),
    load_node_rss_mb: round(maxNodeRss, 1),
    load_ffmpeg_rss_mb_total: round(ffmpeg.maxRssMb, 1),
    node_rss_target_mb: 300,
  };
}

export default async function ingestBench(args: string[]): Promise<Record<string, unknown>> {
  const cameras = numberArg(args, 'cameras', 2);
  const minutes = numberArg(args, 'minutes', 0.5);
  const rounds = numberArg(args, 'rounds', 3);
  const seconds = numberArg(args, 'seconds', 15);
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-bench-ingest-'));
  let cam: RtspCamera | undefined;
  try {
    const clip = makeClip(dir);
    const clips = Object.fromEntries(Array.from({ length: Math.max(1, cameras) }, (_, i) => [`cam${i}`, clip]));
    cam = await startRtspCamera({ clips, vtest: false, hevc: false });
    const figures: Record<string, unknown> = { cpu_cores: (await import('node:os')).cpus().length, source: '720p15 H.264 baseline, pre-encoded, relayed (no server encode)' };
    if (!args.includes('--skip-compare')) Object.assign(figures, await compare(cam, dir, rounds, seconds));
    if (!args.includes('--skip-load')) Object.assign(figures, await load(cam, dir, cameras, minutes));
    const ratio = figures.cpu_ratio as number | undefined;
    const rss = figures.load_node_rss_mb as number | undefined;
    figures.pass = (ratio === undefined || ratio <= 1.3) && (rss === undefined || rss <= 300) && !figures.load_missing_segments && !figures.load_dropped_cameras;
    return figures;
  } finally {
    await cam?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
