// The Detector: a pool of inference workers behind one shared, bounded, frame-dropping queue that is fair between cameras.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createLogger } from '../log/index.js';
import { getAdapter } from './adapters/index.js';
import { DetectError, i420Size, type Box, type Detection, type Frame, type Region } from './frame.js';
import type { ModelEntry } from './manifest.js';
import { resolveModel, type ResolveOptions } from './models.js';
import type { PreprocessSpec } from './preprocess.js';
import type { InitMessage, RunMessage, WorkerReply } from './worker.js';

const log = createLogger('detect');

export interface DetectorOptions extends ResolveOptions {
  /** Manifest name; the manifest default when omitted. */
  model?: string;
  /** Inference workers (each one ORT session); 0 or undefined: chosen from the cores (`autoWorkers`). */
  workers?: number;
  /** ORT intra-op threads per worker; default 1 (total ORT threads stay ≤ cores). */
  threads?: number;
  /** Where ORT runs the model; anything but cpu falls back to the CPU with a plain message when the platform lacks it. */
  executionProvider?: ExecutionProvider;
  /** Frames waiting per worker before the oldest is dropped. */
  queuePerWorker?: number;
  /** Decoder cut-off; per-camera filters apply stricter scores later. */
  scoreThreshold?: number;
  nmsIou?: number;
}

export type ExecutionProvider = 'cpu' | 'cuda' | 'coreml' | 'directml';

/** Workers from the cores: half of them (ffmpeg and the pipeline need the rest), at least one, at most four. */
export function autoWorkers(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, Math.floor(cores / 2)));
}

export interface DetectorStats {
  model: string;
  workers: number;
  queueLength: number;
  queueCapacity: number;
  framesIn: number;
  framesRun: number;
  regionsRun: number;
  framesDropped: number;
  droppedByCamera: Record<string, number>;
  inferMsMedian: number;
  detectMsMedian: number;
}

export interface Detector {
  readonly model: ModelEntry;
  readonly inputSize: number;
  /** Plain words when the asked execution provider was not available and the model runs on the CPU; null otherwise. */
  readonly notice?: string | null;
  /** Detections in source pixels over all regions (class-aware NMS applied); rejects with code frame_dropped when the queue overflows. */
  detect(frame: Frame, regions: Region[]): Promise<Detection[]>;
  stats(): DetectorStats;
  close(): Promise<void>;
}

interface Job {
  frame: Frame;
  regions: Region[];
  resolve: (d: Detection[]) => void;
  reject: (e: DetectError) => void;
  queuedAt: number;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  runId: number;
  /** True while a crashed worker is being replaced. */
  down: boolean;
}

/**
 * Compiled builds ship worker.js. Under vitest/tsx only worker.ts exists; on Node 20 a Worker started with
 * execArgv ['--import', 'tsx'] still fails with "Unknown file extension .ts", so a tiny bootstrap registers tsx first.
 */
function spawnWorker(): Worker {
  const js = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js);
  // require.resolve lands on the CommonJS build; the ESM build sits beside it.
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const mjs = cjs.replace(/\.cjs$/, '.mjs');
  const tsxApi = pathToFileURL(existsSync(mjs) ? mjs : cjs).href;
  const ts = new URL('./worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(ts)}); });`, { eval: true });
}

/** A frame and regions the pre-processing can read without going out of bounds, or why not. */
function checkFrame(frame: Frame, regions: Region[]): string | undefined {
  const { width: W, height: H } = frame;
  if (W < 2 || H < 2 || W % 2 || H % 2) return `frame of ${frame.cameraId} must have even dimensions, got ${W}x${H}`;
  if (frame.data.length < i420Size(W, H)) return `frame of ${frame.cameraId} is ${frame.data.length} bytes, I420 ${W}x${H} needs ${i420Size(W, H)}`;
  for (const r of regions) {
    const ok = Number.isInteger(r.x) && Number.isInteger(r.y) && r.x >= 0 && r.y >= 0 && r.width >= 2 && r.height >= 2 && r.x + r.width <= W && r.y + r.height <= H;
    if (!ok) return `region ${JSON.stringify(r)} is not inside the ${W}x${H} frame`;
  }
  return undefined;
}

class RingMedian {
  private readonly values: number[] = [];
  push(v: number): void {
    this.values.push(v);
    if (this.values.length > 200) this.values.shift();
  }
  median(): number {
    if (this.values.length === 0) return 0;
    const s = [...this.values].sort((a, b) => a - b);
    return s[s.length >> 1] as number;
  }
}

interface WorkerSetup {
  modelPath: string;
  entry: ModelEntry;
  spec: PreprocessSpec;
  threads: number;
  executionProvider: ExecutionProvider;
}

function startWorker(setup: WorkerSetup): Promise<{ worker: Worker; notice: string | null }> {
  const worker = spawnWorker();
  const { entry } = setup;
  const init: InitMessage = {
    type: 'init',
    modelPath: setup.modelPath,
    family: entry.family,
    inputSize: entry.inputSize,
    numClasses: entry.labels.length,
    spec: setup.spec,
    threads: setup.threads,
    executionProvider: setup.executionProvider,
  };
  return new Promise((resolve, reject) => {
    const onExit = (code: number): void => reject(new DetectError('detector_failed', `inference worker exited during start (code ${code})`));
    const onError = (err: Error): void => reject(new DetectError('detector_failed', `inference worker failed to start: ${err.message}`));
    worker.once('exit', onExit);
    worker.once('error', onError);
    worker.once('message', (reply: WorkerReply) => {
      worker.off('exit', onExit);
      worker.off('error', onError);
      if (reply.type === 'ready') return resolve({ worker, notice: reply.notice });
      void worker.terminate();
      if (reply.type === 'init_error') reject(new DetectError(reply.code, reply.message));
      else reject(new DetectError('detector_failed', 'inference worker answered the start with something else'));
    });
    worker.postMessage(init);
  });
}

class OnnxDetector implements Detector {
  readonly inputSize: number;
  /** Waiting jobs per camera; served round-robin so a busy camera cannot starve a quiet one. */
  private readonly queues = new Map<string, Job[]>();
  private waiting = 0;
  /** Cameras in the order they are next served. */
  private turn: string[] = [];
  /** Frame buffers sent to the workers and handed back (the frame is copied: other subscribers keep theirs). */
  private readonly pool: ArrayBuffer[] = [];
  private readonly capacity: number;
  private readonly threshold: number;
  private readonly nmsIou: number;
  private closed = false;
  private nextId = 1;
  private framesIn = 0;
  private framesRun = 0;
  private regionsRun = 0;
  private framesDropped = 0;
  private readonly droppedByCamera: Record<string, number> = {};
  private readonly inferMs = new RingMedian();
  private readonly detectMs = new RingMedian();

  constructor(
    readonly model: ModelEntry,
    private readonly setup: WorkerSetup,
    private readonly slots: Slot[],
    opts: DetectorOptions,
    readonly notice: string | null,
  ) {
    this.inputSize = model.inputSize;
    this.capacity = Math.max(1, (opts.queuePerWorker ?? 2) * slots.length);
    this.threshold = opts.scoreThreshold ?? 0.3;
    this.nmsIou = opts.nmsIou ?? 0.45;
    for (const slot of slots) this.attach(slot);
  }

  private attach(slot: Slot): void {
    slot.worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    slot.worker.on('error', (err) => log.error({ err }, 'inference worker error'));
    slot.worker.on('exit', (code) => this.onExit(slot, code));
  }

  private onExit(slot: Slot, code: number): void {
    const job = slot.job;
    slot.job = undefined;
    slot.down = true;
    job?.reject(new DetectError('detector_failed', `inference worker exited (code ${code})`));
    if (this.closed) return;
    log.warn({ code }, 'inference worker exited, restarting');
    // A replacement starts after a pause so a crashing model cannot spin.
    setTimeout(() => {
      if (this.closed) return;
      startWorker(this.setup).then(
        ({ worker }) => {
          if (this.closed) return void worker.terminate();
          slot.worker = worker;
          slot.down = false;
          this.attach(slot);
          this.pump();
        },
        (err: unknown) => log.error({ err }, 'inference worker could not restart'),
      );
    }, 1000).unref();
  }

  detect(frame: Frame, regions: Region[]): Promise<Detection[]> {
    if (this.closed) return Promise.reject(new DetectError('detector_closed', 'the detector is closed'));
    if (regions.length === 0) return Promise.resolve([]);
    const bad = checkFrame(frame, regions);
    if (bad) return Promise.reject(new DetectError('invalid_frame', bad));
    this.framesIn++;
    return new Promise<Detection[]>((resolve, reject) => {
      const cam = frame.cameraId;
      let q = this.queues.get(cam);
      if (!q) {
        q = [];
        this.queues.set(cam, q);
        this.turn.push(cam);
      }
      q.push({ frame, regions, resolve, reject, queuedAt: performance.now() });
      this.waiting++;
      // Over capacity: the camera with the most frames waiting loses its oldest (Frigate drops rather than grows);
      // the newest frame is the one worth looking at, and a quiet camera's single frame is never the one to go.
      while (this.waiting > this.capacity) this.dropOne();
      this.pump();
    });
  }

  private dropOne(): void {
    let longest: Job[] | undefined;
    for (const cam of this.turn) {
      const q = this.queues.get(cam);
      if (q && q.length > (longest?.length ?? 0)) longest = q;
    }
    const old = longest?.shift();
    if (!old) return;
    this.waiting--;
    this.framesDropped++;
    this.droppedByCamera[old.frame.cameraId] = (this.droppedByCamera[old.frame.cameraId] ?? 0) + 1;
    old.reject(new DetectError('frame_dropped', `detector busy: frame of ${old.frame.cameraId} dropped`));
  }

  /** The next job, round-robin over the cameras with frames waiting. */
  private nextJob(): Job | undefined {
    for (let i = 0; i < this.turn.length; i++) {
      const cam = this.turn.shift() as string;
      this.turn.push(cam);
      const job = this.queues.get(cam)?.shift();
      if (job) {
        this.waiting--;
        return job;
      }
    }
    // every queue is empty: forget the cameras (a removed camera leaves nothing behind)
    this.queues.clear();
    this.turn = [];
    return undefined;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || slot.down) continue;
      const job = this.nextJob();
      if (!job) return;
      this.dispatch(slot, job);
    }
  }

  /** Hands the frame (copied into a reused buffer) and its regions to the worker: pre-processing runs there, off this thread. */
  private dispatch(slot: Slot, job: Job): void {
    const { frame } = job;
    const size = i420Size(frame.width, frame.height);
    let buf = this.pool.pop();
    if (!buf || buf.byteLength < size) buf = new ArrayBuffer(size);
    new Uint8Array(buf, 0, size).set(frame.data.subarray(0, size));
    slot.job = job;
    slot.runId = this.nextId++;
    const msg: RunMessage = { type: 'run', id: slot.runId, frame: buf, width: frame.width, height: frame.height, regions: job.regions, threshold: this.threshold, nmsIou: this.nmsIou };
    slot.worker.postMessage(msg, [buf]);
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (reply.type !== 'result' && reply.type !== 'run_error') return;
    const job = slot.job;
    if (!job || reply.id !== slot.runId) return;
    slot.job = undefined;
    // The frame buffer comes back transferred: reuse it instead of allocating per frame.
    if (this.pool.length < 8) this.pool.push(reply.frame);
    if (reply.type === 'run_error') {
      job.reject(new DetectError('detector_failed', reply.message));
    } else {
      this.framesRun++;
      this.regionsRun += job.regions.length;
      this.inferMs.push(reply.inferMs);
      const took = performance.now() - job.queuedAt;
      this.detectMs.push(took);
      if (took > 1000) log.warn({ camera: job.frame.cameraId, ms: Math.round(took), regions: job.regions.length }, 'slow detection');
      const labels = this.model.labels;
      job.resolve(
        reply.candidates.map((c) => ({
          label: labels[c.cls] ?? String(c.cls),
          score: c.score,
          box: [c.x1, c.y1, c.x2, c.y2] as Box,
        })),
      );
    }
    this.pump();
  }

  stats(): DetectorStats {
    return {
      model: this.model.name,
      workers: this.slots.length,
      queueLength: this.waiting,
      queueCapacity: this.capacity,
      framesIn: this.framesIn,
      framesRun: this.framesRun,
      regionsRun: this.regionsRun,
      framesDropped: this.framesDropped,
      droppedByCamera: { ...this.droppedByCamera },
      inferMsMedian: this.inferMs.median(),
      detectMsMedian: this.detectMs.median(),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const q of this.queues.values()) for (const job of q.splice(0)) job.reject(new DetectError('detector_closed', 'the detector is closed'));
    this.waiting = 0;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** Resolves and verifies the model, starts the workers; throws DetectError with code model_missing / model_corrupt / model_unknown_family / model_unknown. */
export async function createDetector(opts: DetectorOptions = {}): Promise<Detector> {
  const { entry, path } = await resolveModel(opts.model, opts);
  const adapter = getAdapter(entry.family);
  if (!adapter) throw new DetectError('model_unknown_family', `no adapter for family ${entry.family}`);
  const count = Math.max(1, Math.min(opts.workers || autoWorkers(), 8));
  const setup: WorkerSetup = { modelPath: path, entry, spec: adapter.preprocessSpec(entry), threads: Math.max(1, Math.min(opts.threads ?? 1, 8)), executionProvider: opts.executionProvider ?? 'cpu' };
  const workers: Worker[] = [];
  let notice: string | null = null;
  try {
    for (let i = 0; i < count; i++) {
      const started = await startWorker(setup);
      workers.push(started.worker);
      notice ??= started.notice;
    }
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
  if (notice) log.warn({ model: entry.name, executionProvider: setup.executionProvider }, notice);
  log.info({ model: entry.name, workers: count, threads: setup.threads, executionProvider: notice ? 'cpu' : setup.executionProvider }, 'detector ready');
  return new OnnxDetector(
    entry,
    setup,
    workers.map((worker) => ({ worker, job: undefined, runId: 0, down: false })),
    opts,
    notice,
  );
}
