// Inference worker: holds one ORT session off the event loop; pre-processes frame regions, runs them and decodes them.
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { getAdapter, type ModelAdapter } from './adapters/index.js';
import { feedsFor, readOutputs } from './feeds.js';
import { nms, type Candidate } from './nms.js';
import { Preprocessor, type PreprocessSpec, type Transform } from './preprocess.js';
import { SESSION_OPTIONS } from './session.js';

export interface InitMessage {
  type: 'init';
  modelPath: string;
  family: string;
  inputSize: number;
  numClasses: number;
  spec: PreprocessSpec;
  /** ORT intra-op threads for this session. */
  threads: number;
  executionProvider: 'cpu' | 'cuda' | 'coreml' | 'directml';
}

/** One I420 frame (a copy, transferred) and the regions to look at. */
export interface RunMessage {
  type: 'run';
  id: number;
  frame: ArrayBuffer;
  width: number;
  height: number;
  regions: { x: number; y: number; width: number; height: number }[];
  threshold: number;
  nmsIou: number;
}

export type WorkerReply =
  | { type: 'ready'; inputName: string; outputNames: string[]; notice: string | null }
  | { type: 'init_error'; code: 'model_corrupt' | 'model_unknown_family'; message: string }
  | { type: 'result'; id: number; candidates: Candidate[]; frame: ArrayBuffer; inferMs: number }
  | { type: 'run_error'; id: number; message: string; frame: ArrayBuffer };

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

let session: ort.InferenceSession | undefined;
let adapter: ModelAdapter | undefined;
let init: InitMessage | undefined;
let pre: Preprocessor | undefined;
const tensors: Float32Array[] = [];

const EP_NAMES = { cuda: 'CUDA', coreml: 'CoreML', directml: 'DirectML' } as const;

async function onInit(msg: InitMessage): Promise<WorkerReply> {
  adapter = getAdapter(msg.family);
  if (!adapter) return { type: 'init_error', code: 'model_unknown_family', message: `no adapter for family ${msg.family}` };
  const options = { ...SESSION_OPTIONS, intraOpNumThreads: msg.threads };
  let notice: string | null = null;
  if (msg.executionProvider !== 'cpu') {
    try {
      session = await ort.InferenceSession.create(msg.modelPath, { ...options, executionProviders: [msg.executionProvider] });
    } catch (err) {
      notice = `${EP_NAMES[msg.executionProvider]} is not available here (${(err as Error).message.split('\n')[0]?.slice(0, 160)}): detection runs on the CPU`;
    }
  }
  try {
    session ??= await ort.InferenceSession.create(msg.modelPath, options);
  } catch (err) {
    return { type: 'init_error', code: 'model_corrupt', message: `onnxruntime could not load ${msg.modelPath}: ${(err as Error).message}` };
  }
  init = msg;
  pre = new Preprocessor(msg.spec);
  return { type: 'ready', inputName: session.inputNames[0] ?? '', outputNames: [...session.outputNames], notice };
}

async function onRun(msg: RunMessage): Promise<WorkerReply> {
  if (!session || !adapter || !init || !pre) return { type: 'run_error', id: msg.id, message: 'worker not initialised', frame: msg.frame };
  const S = init.inputSize;
  const candidates: Candidate[] = [];
  const frame = { cameraId: '', width: msg.width, height: msg.height, data: new Uint8Array(msg.frame), time: 0 };
  let inferMs = 0;
  try {
    for (let i = 0; i < msg.regions.length; i++) {
      const tensor = (tensors[i] ??= new Float32Array(pre.tensorLength));
      const transform: Transform = pre.run(frame, msg.regions[i]!, tensor);
      const t0 = performance.now();
      const result = await session.run(feedsFor(session, adapter, tensor, S));
      inferMs += performance.now() - t0;
      const outputs = readOutputs(session, result);
      adapter.decode(outputs, { inputSize: S, numClasses: init.numClasses, threshold: msg.threshold, transform }, candidates);
    }
  } catch (err) {
    return { type: 'run_error', id: msg.id, message: (err as Error).message, frame: msg.frame };
  }
  return { type: 'result', id: msg.id, candidates: nms(candidates, msg.nmsIou), frame: msg.frame, inferMs };
}

port.on('message', (msg: InitMessage | RunMessage) => {
  const work = msg.type === 'init' ? onInit(msg) : onRun(msg);
  void work.then((reply) => {
    const transfer = reply.type === 'result' || reply.type === 'run_error' ? [reply.frame] : [];
    port.postMessage(reply, transfer);
  });
});
