// Accuracy benchmark: per model, coco8 precision/recall, events on the shared clips, ms per inference; the default's figures last.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/core/detect/analyze.js';
import { createDetector } from '../../main/core/detect/detector.js';
import { evalImages, evaluate, readYoloFolder, type VideoEvalResult } from '../../main/core/detect/eval.js';
import { loadManifest } from '../../main/core/detect/manifest.js';
import { decodeImage } from '../../main/core/detect/media.js';
import { fullFrame } from '../../main/core/detect/regions.js';
import { MEDIA_DIR, MODELS_DIR, photo, video } from '../../test/helpers/test-data.js';

const VISITS = resolve('test/fixtures/opencv_vtest_20s.visits.json');

interface ModelFigures {
  model: string;
  coco8_precision: number;
  coco8_recall: number;
  coco8_person_animal: number;
  vtest_events: number;
  vtest_person_events: number;
  vtest_van_events: number;
  vtest_car_events: number;
  vtest_van_labels: string[];
  vtest_car_labels: string[];
  vtest_false_events: number;
  vtest_person_animal: number;
  parking_lot_events: number;
  ms_per_inference: number;
}

export default async function bench(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args, options: { runs: { type: 'string', default: '100' }, model: { type: 'string', multiple: true } } });
  const runs = Math.max(20, Number(values.runs));
  const manifest = loadManifest();
  const names = values.model ?? manifest.models.map((m) => m.name);
  const rows: ModelFigures[] = [];
  const still = await decodeImage(photo('darknet_dog.jpg'));
  for (const name of names) {
    const detector = await createDetector({ model: name, modelsDir: MODELS_DIR });
    try {
      // ms per inference first, alone, so the median is not mixed with other work's frames
      for (let i = 0; i < runs + 5; i++) await detector.detect({ ...still, time: i }, [fullFrame(still.width, still.height)]);
      const ms = detector.stats().inferMsMedian;
      const images = await readYoloFolder(resolve(MEDIA_DIR, 'coco8-gt/coco8'), detector.model.labels);
      const coco = await evalImages(images, { detector });
      const vt = (await evaluate(video('opencv_vtest_20s.mp4'), { detector, visits: VISITS })) as VideoEvalResult;
      const lot = await analyzeFile(video('intel_car-detection.mp4'), { detector });
      const [walkers, van, car] = vt.visits;
      rows.push({
        model: name,
        coco8_precision: coco.precision,
        coco8_recall: coco.recall,
        coco8_person_animal: coco.personAnimalConfusions,
        vtest_events: vt.events.length,
        vtest_person_events: walkers?.events ?? 0,
        vtest_van_events: van?.events ?? 0,
        vtest_car_events: car?.events ?? 0,
        vtest_van_labels: van?.labels ?? [],
        vtest_car_labels: car?.labels ?? [],
        vtest_false_events: vt.events.filter((e) => e.visit === null).length,
        vtest_person_animal: vt.personAnimalConfusions,
        parking_lot_events: lot.kind === 'video' ? lot.events.length : 0,
        ms_per_inference: Math.round(ms * 100) / 100,
      });
    } finally {
      await detector.close();
    }
    console.log(JSON.stringify(rows.at(-1)));
  }
  const def = rows.find((r) => r.model === manifest.defaultModel().name) ?? rows[0];
  return { bench: 'accuracy', default: def?.model, ...def, target_recall: 0.55, target_precision: 0.7, models: rows.length };
}
