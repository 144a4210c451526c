// Labels a small model often confuses, grouped: one object is tracked across them and named by the vote over its detections.
import { iou, type Detection } from '../detect/frame.js';

/** Group name per label; labels not listed are their own group. */
const GROUP_OF: Record<string, string> = {
  car: 'vehicle',
  truck: 'vehicle',
  bus: 'vehicle',
  van: 'vehicle',
  cat: 'small animal',
  dog: 'small animal',
  horse: 'large animal',
  sheep: 'large animal',
  cow: 'large animal',
};

const ANIMALS = new Set(['bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe']);

export function labelGroup(label: string): string {
  return GROUP_OF[label] ?? label;
}

export function sameGroup(a: string, b: string): boolean {
  return a === b || labelGroup(a) === labelGroup(b);
}

export function isAnimal(label: string): boolean {
  return ANIMALS.has(label);
}

/** The person ↔ animal mix-up the owner must never see (a dog called a person, or a person called a dog). */
export function personAnimalConfusion(a: string, b: string): boolean {
  return (a === 'person' && isAnimal(b)) || (b === 'person' && isAnimal(a));
}

/** Same-group detections on one object (IoU ≥ minIou) become the best-scoring one. */
export function dedupeByGroup(dets: readonly Detection[], minIou = 0.7): Detection[] {
  const kept: Detection[] = [];
  for (const d of [...dets].sort((a, b) => b.score - a.score)) {
    if (!kept.some((k) => k.label !== d.label && sameGroup(k.label, d.label) && iou(k.box, d.box) >= minIou)) kept.push(d);
  }
  return kept;
}
