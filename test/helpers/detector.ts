// One real detector per describe block: started before its tests, closed after them.
import { afterAll, beforeAll } from 'vitest';
import { createDetector, type Detector, type DetectorOptions } from '../../main/core/detect/detector.js';
import { MODELS_DIR } from './test-data.js';

/** Call inside a describe; the returned getter gives the detector once beforeAll has run. */
export function useDetector(opts: DetectorOptions = {}): () => Detector {
  let detector: Detector | undefined;
  beforeAll(async () => {
    detector = await createDetector({ modelsDir: MODELS_DIR, ...opts });
  });
  afterAll(() => detector?.close());
  return () => {
    if (!detector) throw new Error('the detector is not started yet (use it inside a test)');
    return detector;
  };
}
