// One ORT call's inputs and outputs for any family: the image tensor plus the adapter's extra inputs; int64 outputs as float32.
import * as ort from 'onnxruntime-node';
import type { ModelAdapter, RawOutput } from './adapters/index.js';

/** The feeds of one run: the image goes to the first input the adapter does not fill itself. */
export function feedsFor(session: ort.InferenceSession, adapter: ModelAdapter, image: Float32Array, size: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  const extra = adapter.extraInputs?.(size) ?? {};
  for (const [name, t] of Object.entries(extra)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  const imageInput = session.inputNames.find((n) => !(n in extra)) ?? (session.inputNames[0] as string);
  feeds[imageInput] = new ort.Tensor('float32', image, [1, 3, size, size]);
  return feeds;
}

/** Outputs by position, with their names; integer tensors (DETR labels) converted so every adapter reads numbers. */
export function readOutputs(session: ort.InferenceSession, result: ort.InferenceSession.OnnxValueMapType): RawOutput[] {
  return session.outputNames.map((name) => {
    const t = result[name] as ort.Tensor;
    const data = t.type === 'int64' ? Float32Array.from(t.data as BigInt64Array, Number) : (t.data as Float32Array);
    return { data, dims: t.dims, name };
  });
}
