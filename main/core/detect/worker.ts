// Inference worker: holds one ORT session off the event loop, runs pre-processed tensors and decodes them.
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { getAdapter, type ModelAdapter } from './adapters/index.js';
import { feedsFor, readOutputs } from './feeds.js';
import { nms, type Candidate } from './nms.js';
import { SESSION_OPTIONS } from './session.js';
import type { Transform } from './preprocess.js';

export interface InitMessage {
  type: 'init';
  modelPath: string;
  family: string;
  inputSize: number;
  numClasses: number;
}

export interface RunMessage {
  type: 'run';
  id: number;
  tensors: Float32Array[];
  transforms: Transform[];
  threshold: number;
  nmsIou: number;
}

export type WorkerReply =
  | { type: 'ready'; inputName: string; outputNames: string[] }
  | { type: 'init_error'; code: 'model_corrupt' | 'model_unknown_family'; message: string }
  | { type: 'result'; id: number; candidates: Candidate[]; tensors: Float32Array[]; inferMs: number }
  | { type: 'run_error'; id: number; message: string; tensors: Float32Array[] };

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

let session: ort.InferenceSession | undefined;
let adapter: ModelAdapter | undefined;
let init: InitMessage | undefined;

async function onInit(msg: InitMessage): Promise<WorkerReply> {
  adapter = getAdapter(msg.family);
  if (!adapter) return { type: 'init_error', code: 'model_unknown_family', message: `no adapter for family ${msg.family}` };
  try {
    session = await ort.InferenceSession.create(msg.modelPath, SESSION_OPTIONS);
  } catch (err) {
    return { type: 'init_error', code: 'model_corrupt', message: `onnxruntime could not load ${msg.modelPath}: ${(err as Error).message}` };
  }
  init = msg;
  return { type: 'ready', inputName: session.inputNames[0] ?? '', outputNames: [...session.outputNames] };
}

async function onRun(msg: RunMessage): Promise<WorkerReply> {
  if (!session || !adapter || !init) return { type: 'run_error', id: msg.id, message: 'worker not initialised', tensors: msg.tensors };
  const S = init.inputSize;
  const candidates: Candidate[] = [];
  let inferMs = 0;
  try {
    for (let i = 0; i < msg.tensors.length; i++) {
      const t0 = performance.now();
      const result = await session.run(feedsFor(session, adapter, msg.tensors[i] as Float32Array, S));
      inferMs += performance.now() - t0;
      const outputs = readOutputs(session, result);
      adapter.decode(outputs, { inputSize: S, numClasses: init.numClasses, threshold: msg.threshold, transform: msg.transforms[i] as Transform }, candidates);
    }
  } catch (err) {
    return { type: 'run_error', id: msg.id, message: (err as Error).message, tensors: msg.tensors };
  }
  return { type: 'result', id: msg.id, candidates: nms(candidates, msg.nmsIou), tensors: msg.tensors, inferMs };
}

port.on('message', (msg: InitMessage | RunMessage) => {
  const work = msg.type === 'init' ? onInit(msg) : onRun(msg);
  void work.then((reply) => {
    const transfer = reply.type === 'result' || reply.type === 'run_error' ? reply.tensors.map((t) => t.buffer as ArrayBuffer) : [];
    port.postMessage(reply, transfer);
  });
});
