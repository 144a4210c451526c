// DEIMv2 (DETR family, NMS-free) on the real Femto model: right objects in source pixels; the adapter is shared by the 640 members.
import { describe, expect, it } from 'vitest';
import { deimAdapter, dropGroupQueries } from './adapters/deim.js';
import { getAdapter } from './adapters/index.js';
import { iou, type Box, type Detection } from './frame.js';
import { loadManifest, parseManifest } from './manifest.js';
import { decodeImage } from './media.js';
import type { Candidate } from './nms.js';
import { fullFrame } from './regions.js';
import { personAnimalConfusion } from '../track/groups.js';
import { useDetector } from '../../../test/helpers/detector.js';
import { photo } from '../../../test/helpers/test-data.js';

const centreX = (b: Box): number => (b[0] + b[2]) / 2;

describe('deimv2_hgnetv2_femto_coco on the darknet photos', () => {
  const detector = useDetector({ model: 'deimv2_hgnetv2_femto_coco' });

  it('finds the dog, the bicycle and the van where they are, and no person', async () => {
    const frame = await decodeImage(photo('darknet_dog.jpg'));
    const dets = (await detector().detect(frame, [fullFrame(frame.width, frame.height)])).filter((d) => d.score >= 0.4);
    const best = (label: string): Detection => dets.filter((d) => d.label === label).sort((a, b) => b.score - a.score)[0] as Detection;
    expect(iou(best('car').box, [467, 77, 692, 171])).toBeGreaterThan(0.7);
    // the dog sits bottom left, the bicycle across the middle (768x576 photo)
    expect(iou(best('dog').box, [130, 214, 310, 543])).toBeGreaterThan(0.7);
    expect(best('bicycle')).toBeDefined();
    expect(dets.some((d) => d.label === 'person')).toBe(false);
  });

  it('keeps the person apart from the dog and the horse on darknet_person', async () => {
    const frame = await decodeImage(photo('darknet_person.jpg'));
    const dets = (await detector().detect(frame, [fullFrame(frame.width, frame.height)])).filter((d) => d.score >= 0.3);
    const people = dets.filter((d) => d.label === 'person');
    expect(people).toHaveLength(1);
    expect(centreX((people[0] as Detection).box)).toBeGreaterThan(180);
    expect(centreX((people[0] as Detection).box)).toBeLessThan(290);
    // nothing on the person's box under an animal label, and no animal box called a person
    for (const d of dets) {
      if (d.label === 'person') continue;
      if (personAnimalConfusion('person', d.label)) expect(iou(d.box, (people[0] as Detection).box)).toBeLessThan(0.3);
    }
    expect(dets.some((d) => d.label === 'dog' && centreX(d.box) < 180)).toBe(true);
  });
});

describe('deim adapter', () => {
  it('is registered by key and listed in the manifest with its pinned address and sha256', () => {
    expect(getAdapter('deim')).toBe(deimAdapter);
    const entry = loadManifest().byName('deimv2_hgnetv2_femto_coco');
    expect(entry).toMatchObject({ family: 'deim', inputSize: 416, channelOrder: 'rgb', resize: 'stretch', std: [255, 255, 255] });
    expect(entry?.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/Kazuhito00\/DEIMv2-ONNX-Sample\/[0-9a-f]{40}\//);
  });

  it('serves a 640 family member from manifest parameters alone', () => {
    const base = loadManifest().byName('deimv2_hgnetv2_femto_coco');
    const m = parseManifest({ version: 1, labelSets: {}, models: [{ ...base, name: 'deimv2_n_640', inputSize: 640, default: true }] });
    const entry = m.defaultModel();
    const spec = deimAdapter.preprocessSpec(entry);
    expect(spec.size).toBe(640);
    const sizes = deimAdapter.extraInputs?.(entry.inputSize).orig_target_sizes;
    expect(sizes?.dims).toEqual([1, 2]);
    expect([...(sizes?.data ?? [])]).toEqual([640n, 640n]);
  });

  it('maps input-space boxes back to the region and skips low scores and unknown classes', () => {
    const n = 3;
    const outputs = [
      { name: 'labels', dims: [1, n], data: Float32Array.from([0, 16, 99]) },
      { name: 'boxes', dims: [1, n, 4], data: Float32Array.from([0, 0, 208, 416, 10, 10, 20, 20, 0, 0, 1, 1]) },
      { name: 'scores', dims: [1, n], data: Float32Array.from([0.9, 0.1, 0.9]) },
    ];
    const out: Candidate[] = [];
    // a 200x100 region at (100, 50) stretched to 416²
    deimAdapter.decode(outputs, { inputSize: 416, numClasses: 80, threshold: 0.3, transform: { scaleX: 200 / 416, scaleY: 100 / 416, offsetX: 100, offsetY: 50, maxX: 300, maxY: 150 } }, out);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ cls: 0, score: expect.closeTo(0.9, 5) as number, x1: 100, y1: 50, x2: 200, y2: 150 });
  });

  it('drops a worse same-label query around a better box (a rider and horse as one person), keeps a better group box', () => {
    const c = (cls: number, score: number, x1: number, y1: number, x2: number, y2: number): Candidate => ({ cls, score, x1, y1, x2, y2 });
    // coco8 000000000049: the rider 0.33, the rider and horse 0.30
    const rider = c(0, 0.33, 130, 262, 173, 318);
    const riderAndHorse = c(0, 0.3, 120, 261, 177, 399);
    // the same picture: one box round both horses scores better than the left horse's own
    const bothHorses = c(17, 0.7, 80, 247, 291, 412);
    const leftHorse = c(17, 0.58, 80, 249, 176, 399);
    // a horse box holding the rider: another label, not a group
    const horseUnderRider = c(17, 0.5, 120, 261, 177, 399);
    const kept = dropGroupQueries([riderAndHorse, rider, leftHorse, bothHorses, horseUnderRider]);
    expect(kept).toEqual([bothHorses, leftHorse, horseUnderRider, rider]);
  });
});
