// ONNX Runtime session options shared by the inference worker and the benchmark.
import type { InferenceSession } from 'onnxruntime-node';

/** One intra-op thread per session (more do not help on 2 cores); severity 3 silences initializer warnings. */
export const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  logSeverityLevel: 3,
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionProviders: ['cpu'],
};
