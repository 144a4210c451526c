// Sixteen cameras on this machine through the whole engine: a 1080p15 main stream recorded by copy and a 640×360 sub stream
// detected at 5 fps (some with people walking), then the same cameras main-only (detection decoding 1080p) as the comparison.
import { spawnSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN } from '../../test/helpers/engine.js';
import { MODELS_DIR } from '../../test/helpers/test-data.js';
import { startRtspCamera, vtestClip, type RtspCamera } from '../../test/fixtures/rtsp-camera.js';
import { startEngine, type Engine } from '../../main/core/app.js';
import { locateFfmpeg } from '../../main/core/ffmpeg/locate.js';
import { childrenNamed, CpuSampler, numberArg, wait, waitUntil } from '../_lib/proc.js';
import { round } from '../_lib/stats.js';

interface Clip {
  name: string;
  file: string;
}

/** Pre-encodes the sources once (baseline, 1 s GOP): the RTSP server then only relays bytes, as a camera would send them. */
function makeClips(dir: string): { main: Clip; mainStill: Clip; people: Clip; still: Clip } {
  const { ffmpeg } = locateFfmpeg();
  const enc = (out: string, input: string[], vf: string): void => {
    const args = ['-v', 'error', ...input, '-t', '20', '-vf', vf, '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'baseline', '-g', '15', '-bf', '0', '-pix_fmt', 'yuv420p', '-an', '-y', out];
    const r = spawnSync(ffmpeg, args);
    if (r.status !== 0) throw new Error(`clip encode failed: ${r.stderr.toString().slice(-300)}`);
  };
  const main = join(dir, 'main1080.mp4');
  const mainStill = join(dir, 'still1080.mp4');
  const people = join(dir, 'people360.mp4');
  const still = join(dir, 'still360.mp4');
  // the plaza (people walking), cropped to 16:9: 1080p main and 640×360 sub of the busy cameras
  enc(main, ['-stream_loop', '1', '-i', vtestClip()], 'crop=768:432,scale=1920:1080,fps=15');
  enc(people, ['-stream_loop', '1', '-i', vtestClip()], 'crop=768:432,scale=640:360,fps=15');
  // a still scene for the twelve quiet cameras (motion finds nothing, the model is not asked)
  const png = join(dir, 'still.png');
  const r = spawnSync(ffmpeg, ['-v', 'error', '-ss', '3', '-i', vtestClip(), '-frames:v', '1', '-y', png]);
  if (r.status !== 0) throw new Error(`still frame failed: ${r.stderr.toString().slice(-300)}`);
  enc(still, ['-loop', '1', '-framerate', '15', '-i', png], 'crop=768:432,scale=640:360');
  enc(mainStill, ['-loop', '1', '-framerate', '15', '-i', png], 'crop=768:432,scale=1920:1080');
  return {
    main: { name: 'main1080', file: main },
    mainStill: { name: 'still1080', file: mainStill },
    people: { name: 'people360', file: people },
    still: { name: 'still360', file: still },
  };
}

interface PhaseResult {
  cpu_share: number;
  engine_cpu_pct: number;
  ffmpeg_cpu_pct: number;
  engine_rss_mb: number;
  ffmpeg_rss_mb: number;
  missing_segments: number;
  dropped_cameras: number;
  restarts: number;
  min_detect_fps: number;
  detect_fps: number[];
  queue_dropped: number[];
  frames_to_model: number;
}

async function measure(engine: Engine, ids: string[], seconds: number): Promise<PhaseResult> {
  const health = (): ReturnType<ReturnType<Engine['runtime']['health']>['cameras']> => engine.runtime.health().cameras();
  const before = new Map(health().map((c) => [c.cameraId, c]));
  const startedAt = Date.now();
  const n0 = process.cpuUsage();
  const ffmpeg = new CpuSampler(() => childrenNamed('ffmpeg'));
  await ffmpeg.runFor(seconds * 1000);
  const dt = (Date.now() - startedAt) / 1000;
  const node = process.cpuUsage(n0);
  const ffmpegCpu = ffmpeg.cpuSeconds;
  const after = new Map(health().map((c) => [c.cameraId, c]));
  const cores = cpus().length;
  const engineCpu = (node.user + node.system) / 1e6;
  const fps: number[] = [];
  const dropped: number[] = [];
  let missing = 0;
  let restarts = 0;
  let droppedCameras = 0;
  let toModel = 0;
  for (const id of ids) {
    const a = before.get(id);
    const b = after.get(id);
    fps.push(round(((b?.framesTotal ?? 0) - (a?.framesTotal ?? 0)) / dt, 2));
    dropped.push((b?.queueDropped ?? 0) - (a?.queueDropped ?? 0));
    toModel += (b?.framesToModel ?? 0) - (a?.framesToModel ?? 0);
    const r = (b?.restarts ?? 0) - (a?.restarts ?? 0);
    restarts += r;
    if (r > 0 || !b) droppedCameras++;
    // whole 10 s segments that must exist inside the window (a partial one at each end)
    const segs = engine.segments.segments(id, startedAt, startedAt + dt * 1000).filter((s) => s.start >= startedAt - 1000 && s.end - s.start >= 9000);
    missing += Math.max(0, Math.floor(dt / 10) - 1 - segs.length);
  }
  return {
    cpu_share: round((engineCpu + ffmpegCpu) / dt / cores, 3),
    engine_cpu_pct: round((engineCpu / dt) * 100, 1),
    ffmpeg_cpu_pct: round((ffmpegCpu / dt) * 100, 1),
    engine_rss_mb: round(ffmpeg.maxSelfRssMb, 1),
    ffmpeg_rss_mb: round(ffmpeg.maxRssMb, 1),
    missing_segments: missing,
    dropped_cameras: droppedCameras,
    restarts,
    min_detect_fps: Math.min(...fps),
    detect_fps: fps,
    queue_dropped: dropped,
    frames_to_model: toModel,
  };
}

async function upsert(engine: Engine, input: Record<string, unknown>): Promise<string> {
  const res = await engine.router.dispatch(ADMIN, 'cameras.upsert', input);
  if (!res.ok) throw new Error(res.error.message);
  return (res.value as { id: string }).id;
}

export default async function camerasBench(args: string[]): Promise<Record<string, unknown>> {
  const cameras = numberArg(args, 'cameras', 16);
  const withPeople = Math.min(cameras, numberArg(args, 'people', 4));
  const minutes = numberArg(args, 'minutes', 1);
  const warmupS = numberArg(args, 'warmup', 20);
  const skipMainOnly = args.includes('--skip-main-only');
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-bench-cameras-'));
  let cam: RtspCamera | undefined;
  let engine: Engine | undefined;
  try {
    const t0 = Date.now();
    const clips = makeClips(dir);
    const encodeS = (Date.now() - t0) / 1000;
    cam = await startRtspCamera({ clips: Object.fromEntries(Object.values(clips).map((c) => [c.name, c.file])), vtest: false, hevc: false });
    engine = await startEngine({ dataDir: join(dir, 'data'), host: 'server', startCameras: true, modelsDir: MODELS_DIR });
    const e = engine;
    // each camera's main and sub show the same scene, so main-only runs the same detections on bigger frames
    const mainUrl = (i: number): string => cam!.url(`/${i < withPeople ? clips.main.name : clips.mainStill.name}`);
    const subUrl = (i: number): string => cam!.url(`/${i < withPeople ? clips.people.name : clips.still.name}`);
    const ids: string[] = [];
    for (let i = 0; i < cameras; i++) {
      ids.push(
        await upsert(e, {
          id: `cam${String(i).padStart(2, '0')}`,
          name: `Camera ${i + 1}`,
          streams: [
            { name: 'main', url: mainUrl(i), roles: ['record', 'live-full'] },
            { name: 'sub', url: subUrl(i), roles: ['detect', 'live-grid'] },
          ],
          detect: { enabled: true, fps: 5 },
        }),
      );
    }
    const online = await waitUntil(() => e.runtime.health().cameras().filter((c) => c.fpsIn > 0).length === cameras, 60_000);
    await wait(warmupS * 1000);
    const sub = await measure(e, ids, minutes * 60);

    const figures: Record<string, unknown> = {
      cameras,
      cameras_with_people: withPeople,
      minutes,
      cpu_cores: cpus().length,
      source: '1920x1080 15 fps H.264 main (copy) + 640x360 15 fps sub (detect 5 fps), pre-encoded, relayed',
      clip_encode_s: round(encodeS, 1),
      all_online: online,
      detector: e.runtime.health().detector().status,
      missing_segments: sub.missing_segments,
      dropped_cameras: sub.dropped_cameras,
      restarts: sub.restarts,
      min_detect_fps: sub.min_detect_fps,
      detect_fps_per_camera: sub.detect_fps,
      queue_dropped_per_camera: sub.queue_dropped,
      frames_to_model: sub.frames_to_model,
      cpu_share: sub.cpu_share,
      engine_cpu_pct: sub.engine_cpu_pct,
      ffmpeg_cpu_pct: sub.ffmpeg_cpu_pct,
      engine_rss_mb: sub.engine_rss_mb,
      ffmpeg_rss_mb: sub.ffmpeg_rss_mb,
    };

    if (!skipMainOnly) {
      // the comparison: the same cameras with their main stream only, so detection decodes 1080p
      for (let i = 0; i < cameras; i++) {
        await upsert(e, { id: ids[i], name: `Camera ${i + 1}`, streams: [{ name: 'main', url: mainUrl(i), roles: ['record', 'detect', 'live-grid', 'live-full'] }], detect: { enabled: true, fps: 5 } });
      }
      await waitUntil(() => e.runtime.health().cameras().filter((c) => c.fpsIn > 0 && c.streams?.length === 1).length === cameras, 60_000);
      await wait(warmupS * 1000);
      const mainOnly = await measure(e, ids, minutes * 60);
      Object.assign(figures, {
        main_only_cpu_share: mainOnly.cpu_share,
        main_only_min_detect_fps: mainOnly.min_detect_fps,
        main_only_missing_segments: mainOnly.missing_segments,
        main_only_restarts: mainOnly.restarts,
        main_only_ffmpeg_cpu_pct: mainOnly.ffmpeg_cpu_pct,
        main_only_engine_cpu_pct: mainOnly.engine_cpu_pct,
        cpu_share_ratio: round(sub.cpu_share / Math.max(0.001, mainOnly.cpu_share), 3),
      });
    }
    figures.pass = sub.missing_segments === 0 && sub.dropped_cameras === 0 && sub.min_detect_fps >= 4.5;
    return figures;
  } finally {
    await engine?.stop();
    await cam?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
