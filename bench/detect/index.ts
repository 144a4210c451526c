// Detection benchmark: our whole step (I420 crop+scale, run, decode+NMS) vs bare session.run, alternated in one thread; the
// worker path (pre-processing in the workers); inferences per second at 1, 2 and N workers; motion gating share.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { getAdapter } from '../../main/core/detect/adapters/index.js';
import { feedsFor, readOutputs } from '../../main/core/detect/feeds.js';
import { createDetector, type Detector } from '../../main/core/detect/detector.js';
import type { Region } from '../../main/core/detect/frame.js';
import type { Frame } from '../../main/core/detect/frame.js';
import { decodeImage, decodeVideo } from '../../main/core/detect/media.js';
import { resolveModel } from '../../main/core/detect/models.js';
import { nms, type Candidate } from '../../main/core/detect/nms.js';
import { FramePipeline } from '../../main/core/detect/pipeline.js';
import { Preprocessor } from '../../main/core/detect/preprocess.js';
import { fullFrame } from '../../main/core/detect/regions.js';
import { MODELS_DIR, photo, video } from '../../test/helpers/test-data.js';
import { SESSION_OPTIONS } from '../../main/core/detect/session.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;
const r2 = (v: number): number => Math.round(v * 100) / 100;

async function firstFrame(path: string): Promise<Frame> {
  for await (const f of decodeVideo(path, { fps: 5 })) return f;
  throw new Error(`no frame in ${path}`);
}

/** Inferences per second with `workers` workers: frames from eight cameras kept in flight (two per worker, never dropped). */
async function throughput(model: string, workers: number, frame: Frame, region: Region, seconds: number): Promise<number> {
  const detector: Detector = await createDetector({ model, modelsDir: MODELS_DIR, workers, queuePerWorker: 2 });
  try {
    for (let i = 0; i < 5 * workers; i++) await detector.detect(frame, [region]);
    let done = 0;
    let n = 0;
    const end = performance.now() + seconds * 1000;
    const t0 = performance.now();
    const lane = async (): Promise<void> => {
      while (performance.now() < end) {
        await detector.detect({ ...frame, cameraId: `cam${n++ % 8}` }, [region]);
        done++;
      }
    };
    await Promise.all(Array.from({ length: workers * 2 }, lane));
    return done / ((performance.now() - t0) / 1000);
  } finally {
    await detector.close();
  }
}

async function shareToModel(frames: AsyncIterable<Frame> | Frame[], detector: Awaited<ReturnType<typeof createDetector>>): Promise<{ frames: number; toModel: number; share: number }> {
  const p = new FramePipeline({ cameraId: 'bench', detector });
  for await (const f of frames) await p.process(f);
  await p.flush();
  const s = p.stats();
  return { frames: s.framesTotal, toModel: s.framesToModel, share: r2(s.framesToModel / s.framesTotal) };
}

export default async function bench(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args, options: { runs: { type: 'string', default: '150' }, model: { type: 'string' }, seconds: { type: 'string', default: '8' } } });
  const runs = Math.max(100, Number(values.runs));
  const { entry, path } = await resolveModel(values.model, { modelsDir: MODELS_DIR });
  const adapter = getAdapter(entry.family);
  if (!adapter) throw new Error(`no adapter for ${entry.family}`);

  // One session in this thread, used by both sides, so the comparison has no cross-thread or cross-process noise.
  const session = await ort.InferenceSession.create(path, SESSION_OPTIONS);
  const S = entry.inputSize;
  const pre = new Preprocessor(adapter.preprocessSpec(entry));
  const frame = await firstFrame(video('opencv_vtest_20s.mp4'));
  const region = fullFrame(frame.width, frame.height);
  const buffer = new Float32Array(pre.tensorLength);
  const bareInput = new Float32Array(pre.tensorLength);
  pre.run(frame, region, bareInput);
  const bareFeeds = feedsFor(session, adapter, bareInput, S);

  const bare = async (): Promise<number> => {
    const t0 = performance.now();
    await session.run(bareFeeds);
    return performance.now() - t0;
  };
  const preMs: number[] = [];
  const decodeMs: number[] = [];
  let detections = 0;
  const ours = async (): Promise<number> => {
    const t0 = performance.now();
    const transform = pre.run(frame, region, buffer);
    const t1 = performance.now();
    const result = await session.run(feedsFor(session, adapter, buffer, S));
    const t2 = performance.now();
    const outputs = readOutputs(session, result);
    const cands: Candidate[] = [];
    adapter.decode(outputs, { inputSize: S, numClasses: entry.labels.length, threshold: 0.3, transform }, cands);
    detections = nms(cands, 0.45).length;
    const t3 = performance.now();
    preMs.push(t1 - t0);
    decodeMs.push(t3 - t2);
    return t3 - t0;
  };

  for (let i = 0; i < 10; i++) {
    await bare();
    await ours();
  }
  preMs.length = 0;
  decodeMs.length = 0;
  const bareMs: number[] = [];
  const oursMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate the order too, so neither side always runs on a warmer cache.
    if (i % 2) {
      bareMs.push(await bare());
      oursMs.push(await ours());
    } else {
      oursMs.push(await ours());
      bareMs.push(await bare());
    }
  }
  await session.release();

  // The production path: the worker Detector (pre-processing here, run + decode in the worker, tensors transferred).
  const detector = await createDetector({ model: entry.name, modelsDir: MODELS_DIR });
  const workerMs: number[] = [];
  for (let i = 0; i < 10; i++) await detector.detect(frame, [region]);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await detector.detect(frame, [region]);
    workerMs.push(performance.now() - t0);
  }

  // Motion gating: an idle scene (one still photo, repeated) vs the busy pedestrian clip.
  const still = await decodeImage(photo('darknet_dog.jpg'));
  const idle = await shareToModel(Array.from({ length: 100 }, (_, i) => ({ ...still, time: i * 200 })), detector);
  const busy = await shareToModel(decodeVideo(video('opencv_vtest_20s.mp4'), { fps: 5 }), detector);
  await detector.close();

  // Scaling: the same frames through 1, 2 and N (= cores) workers
  const cores = availableParallelism();
  const counts = [...new Set([1, 2, cores])];
  const perSecond: Record<string, number> = {};
  for (const w of counts) perSecond[`workers_${w}`] = r2(await throughput(entry.name, w, frame, region, Number(values.seconds)));

  const oursMedian = median(oursMs);
  const bareMedian = median(bareMs);
  return {
    bench: 'detect',
    model: entry.name,
    frame: `${frame.width}x${frame.height} → ${S}`,
    runs,
    bare_median_ms: r2(bareMedian),
    ours_median_ms: r2(oursMedian),
    ratio: r2(oursMedian / bareMedian),
    p95_ms: r2(pct(oursMs, 0.95)),
    bare_p95_ms: r2(pct(bareMs, 0.95)),
    detections_per_s: r2(1000 / oursMedian),
    preprocess_median_ms: r2(median(preMs)),
    decode_nms_median_ms: r2(median(decodeMs)),
    detections_per_frame: detections,
    worker_detect_median_ms: r2(median(workerMs)),
    worker_detect_p95_ms: r2(pct(workerMs, 0.95)),
    worker_ratio_vs_bare: r2(median(workerMs) / bareMedian),
    cores,
    inferences_per_s: perSecond,
    scaling_2_vs_1: r2((perSecond.workers_2 ?? 0) / (perSecond.workers_1 ?? 1)),
    idle_frames: idle.frames,
    idle_frames_to_model: idle.toModel,
    idle_share_to_model: idle.share,
    busy_frames: busy.frames,
    busy_frames_to_model: busy.toModel,
    busy_share_to_model: busy.share,
  };
}
