// The real models on real photos: labels per photo, every family adapter, and coco8 recall/precision against ground truth.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDetector, type Detector } from './detector.js';
import { iou, type Box, type Detection, type Frame } from './frame.js';
import { decodeImage, probeMedia } from './media.js';
import { fullFrame } from './regions.js';
import { useDetector } from '../../../test/helpers/detector.js';
import { MEDIA_DIR, MODELS_DIR, photo } from '../../../test/helpers/test-data.js';

const ANIMALS = new Set(['dog', 'horse', 'cat', 'sheep', 'cow', 'bird', 'bear']);

function labelsOf(dets: Detection[], min: number): Set<string> {
  return new Set(dets.filter((d) => d.score >= min).map((d) => d.label));
}

function centre(b: Box): [number, number] {
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

describe('yolox_nano_416_coco (the default before DEIMv2)', () => {
  const get = useDetector({ model: 'yolox_nano_416_coco' });
  let detector: Detector;
  beforeAll(() => {
    detector = get();
  });

  it('finds dog, bicycle and the van on darknet_dog', async () => {
    const frame = await decodeImage(photo('darknet_dog.jpg'));
    const dets = await detector.detect(frame, [fullFrame(frame.width, frame.height)]);
    const labels = labelsOf(dets, 0.5);
    expect(labels).toContain('dog');
    expect(labels).toContain('bicycle');
    expect(labels.has('car') || labels.has('truck')).toBe(true);
    expect(labels).not.toContain('person');
    // Boxes are in source pixels: the dog sits in the lower left quarter of the 768x576 photo.
    const dog = dets.find((d) => d.label === 'dog') as Detection;
    const [cx, cy] = centre(dog.box);
    expect(cx).toBeGreaterThan(150);
    expect(cx).toBeLessThan(300);
    expect(cy).toBeGreaterThan(300);
    expect(cy).toBeLessThan(500);
  });

  it('finds person, dog and horse on darknet_person without mixing people and animals', async () => {
    const frame = await decodeImage(photo('darknet_person.jpg'));
    const dets = (await detector.detect(frame, [fullFrame(frame.width, frame.height)])).filter((d) => d.score >= 0.5);
    const labels = labelsOf(dets, 0.5);
    for (const l of ['person', 'dog', 'horse']) expect(labels).toContain(l);
    // The person stands in the middle (x ≈ 190..280); the animals are left (dog) and right (horse).
    for (const d of dets) {
      const [cx] = centre(d.box);
      if (d.label === 'person') expect(cx > 180 && cx < 290).toBe(true);
      if (ANIMALS.has(d.label)) expect(cx < 180 || cx > 290).toBe(true);
    }
  });

  it('reaches recall ≥ 0.40 and precision ≥ 0.65 on coco8 at conf 0.3, IoU 0.5', async () => {
    const root = resolve(MEDIA_DIR, 'coco8-gt/coco8');
    let truePos = 0;
    let detected = 0;
    let truth = 0;
    for (const split of ['train', 'val']) {
      const images = readdirSync(resolve(root, 'images', split)).filter((f) => f.endsWith('.jpg'));
      expect(images.length).toBe(4);
      for (const file of images) {
        const path = resolve(root, 'images', split, file);
        const frame: Frame = await decodeImage(path);
        // Label coordinates are fractions of the original size; decodeImage keeps pixel positions (it only crops to even).
        const { width: W, height: H } = await probeMedia(path);
        const lines = readFileSync(resolve(root, 'labels', split, file.replace(/\.jpg$/, '.txt')), 'utf8').trim().split('\n');
        const gts = lines.map((line) => {
          const [c, cx, cy, w, h] = line.split(' ').map(Number) as [number, number, number, number, number];
          return { label: detector.model.labels[c], box: [(cx - w / 2) * W, (cy - h / 2) * H, (cx + w / 2) * W, (cy + h / 2) * H] as Box, used: false };
        });
        const dets = (await detector.detect(frame, [fullFrame(frame.width, frame.height)])).filter((d) => d.score >= 0.3);
        truth += gts.length;
        detected += dets.length;
        for (const d of dets.sort((a, b) => b.score - a.score)) {
          let best = -1;
          let bestIou = 0.5;
          gts.forEach((g, i) => {
            if (g.used || g.label !== d.label) return;
            const v = iou(g.box, d.box);
            if (v >= bestIou) {
              bestIou = v;
              best = i;
            }
          });
          if (best >= 0) {
            (gts[best] as { used: boolean }).used = true;
            truePos++;
          }
        }
      }
    }
    expect(truth).toBe(30);
    const recall = truePos / truth;
    const precision = truePos / detected;
    expect(recall).toBeGreaterThanOrEqual(0.4);
    expect(precision).toBeGreaterThanOrEqual(0.65);
  });
});

// Each family decodes to the right objects in the right places (NanoDet-m 320 is known to miss this dog).
describe.each([
  { model: 'picodet_s_320_coco', expect: ['dog', 'bicycle', 'car'] },
  { model: 'picodet_s_416_coco', expect: ['dog', 'bicycle', 'car'] },
  { model: 'nanodet_m_320_coco', expect: ['bicycle', 'car'] },
  { model: 'nanodet_m_416_coco', expect: ['bicycle', 'car'] },
])('$model adapter on darknet_dog', ({ model, expect: wanted }) => {
  it('finds the expected objects with boxes in source pixels', async () => {
    const detector = await createDetector({ model, modelsDir: MODELS_DIR });
    try {
      const frame = await decodeImage(photo('darknet_dog.jpg'));
      const dets = await detector.detect(frame, [fullFrame(frame.width, frame.height)]);
      const labels = labelsOf(dets, 0.4);
      for (const l of wanted) expect(labels).toContain(l);
      // The van/car is at the top right (x ≈ 465..690, y ≈ 75..170) in every model.
      const car = dets.filter((d) => d.label === 'car').sort((a, b) => b.score - a.score)[0] as Detection;
      expect(iou(car.box, [467, 77, 692, 171])).toBeGreaterThan(0.7);
    } finally {
      await detector.close();
    }
  });
});
