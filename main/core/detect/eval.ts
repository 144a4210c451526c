// `porchlight eval`: the pipeline scored against ground truth (YOLO-format labelled images, or a video with a JSON of visits).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { personAnimalConfusion, sameGroup } from '../track/groups.js';
import { analyzeFile, detectImage, type AnalyzedEvent } from './analyze.js';
import type { Detector } from './detector.js';
import { iou, type Box, type Detection } from './frame.js';
import { decodeImage, probeMedia } from './media.js';
import { CameraDetectSettings, type CameraDetectSettingsInput } from './settings.js';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.webp']);
/** The cut-off the shared models README compares at. */
export const DEFAULT_MIN_SCORE = 0.3;
const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;
const ratio = (a: number, b: number): number => (b === 0 ? 0 : round(a / b));

export interface TruthBox {
  label: string;
  box: Box;
}

export interface LabelledImage {
  path: string;
  truth: TruthBox[];
}

export interface LabelCounts {
  truth: number;
  detected: number;
  truePositives: number;
  precision: number;
  recall: number;
}

export interface Confusion {
  truth: string;
  detected: string;
  count: number;
}

export interface ImageEvalResult {
  kind: 'images';
  model: string;
  images: number;
  minScore: number;
  iou: number;
  truth: number;
  detected: number;
  truePositives: number;
  precision: number;
  recall: number;
  perLabel: Record<string, LabelCounts>;
  /** A detection on a labelled object (IoU ≥ iou) under another label. */
  confusions: Confusion[];
  personAnimalConfusions: number;
  /** Median inference time of one model run, from the detector's own clock. */
  msPerInference: number;
}

/** The JSON of visits beside a video: who or what was there, when, and (for still things) where. */
export const Visit = z
  .object({
    label: z.string().min(1),
    /** Seconds from the start of the file. */
    start: z.number().min(0),
    end: z.number().min(0),
    /** Normalised [x1, y1, x2, y2]; events must overlap it (IoU ≥ 0.2) to count for this visit. */
    box: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
    /** At most this many events for the visit (a parked car: 1). */
    maxEvents: z.number().int().min(1).optional(),
    note: z.string().optional(),
  })
  .strict();
export type Visit = z.infer<typeof Visit>;
export const VisitsFile = z.object({ video: z.string().optional(), visits: z.array(Visit).min(1) }).strict();

export interface VisitResult extends Visit {
  events: number;
  labels: string[];
  /** Seconds from the visit's start to its first event's start. */
  delay: number | null;
  tooManyEvents: boolean;
}

export interface VideoEvalResult {
  kind: 'video';
  model: string;
  file: string;
  events: (AnalyzedEvent & { visit: number | null })[];
  visits: VisitResult[];
  precision: number;
  recall: number;
  confusions: Confusion[];
  personAnimalConfusions: number;
  msPerInference: number;
}

export type EvalResult = ImageEvalResult | VideoEvalResult;

export interface EvalOptions {
  detector: Detector;
  settings?: CameraDetectSettingsInput;
  /** Per-detection score cut-off for images; 0.3 by default, the point the model cards compare at, so models compare alike. */
  minScore?: number;
  /** Overlap that makes a detection match a labelled box. */
  iou?: number;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out.sort();
}

/** A YOLO dataset folder: images/…/x.jpg with labels/…/x.txt (`class cx cy w h`, normalised), or both side by side. */
export async function readYoloFolder(dir: string, labels: readonly string[]): Promise<LabelledImage[]> {
  const root = resolve(dir);
  const out: LabelledImage[] = [];
  for (const path of walk(root)) {
    if (!IMAGE_EXT.has(extname(path).toLowerCase())) continue;
    const rel = relative(root, path).split('/');
    const stem = basename(path, extname(path));
    const candidates = [join(dirname(path), `${stem}.txt`)];
    const at = rel.lastIndexOf('images');
    if (at >= 0) candidates.unshift(join(root, ...rel.slice(0, at), 'labels', ...rel.slice(at + 1, -1), `${stem}.txt`));
    const labelFile = candidates.find((c) => existsSync(c));
    if (!labelFile) continue;
    const { width: W, height: H } = await probeMedia(path);
    const truth = readFileSync(labelFile, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((line) => {
        const [c, cx, cy, w, h] = line.split(/\s+/).map(Number) as [number, number, number, number, number];
        return { label: labels[c] ?? String(c), box: [(cx - w / 2) * W, (cy - h / 2) * H, (cx + w / 2) * W, (cy + h / 2) * H] as Box };
      });
    out.push({ path, truth });
  }
  return out;
}

function counts(): LabelCounts {
  return { truth: 0, detected: 0, truePositives: 0, precision: 0, recall: 0 };
}

function addConfusion(list: Confusion[], truth: string, detected: string): void {
  const c = list.find((x) => x.truth === truth && x.detected === detected);
  if (c) c.count++;
  else list.push({ truth, detected, count: 1 });
}

/** Greedy matching, best score first: a detection is a true positive on an unused truth box of its label at IoU ≥ iou. */
export function scoreImage(truth: TruthBox[], dets: Detection[], minIou: number, perLabel: Record<string, LabelCounts>, confusions: Confusion[]): number {
  const used = new Set<number>();
  let tp = 0;
  for (const g of truth) (perLabel[g.label] ??= counts()).truth++;
  for (const d of [...dets].sort((a, b) => b.score - a.score)) {
    (perLabel[d.label] ??= counts()).detected++;
    let best = -1;
    let bestIou = minIou;
    truth.forEach((g, i) => {
      if (used.has(i) || g.label !== d.label) return;
      const v = iou(g.box, d.box);
      if (v >= bestIou) {
        bestIou = v;
        best = i;
      }
    });
    if (best >= 0) {
      used.add(best);
      tp++;
      (perLabel[d.label] as LabelCounts).truePositives++;
      continue;
    }
    // not a match: is it sitting on an object of another label?
    const other = truth.filter((g) => g.label !== d.label).sort((a, b) => iou(b.box, d.box) - iou(a.box, d.box))[0];
    if (other && iou(other.box, d.box) >= minIou) addConfusion(confusions, other.label, d.label);
  }
  return tp;
}

function finish(perLabel: Record<string, LabelCounts>): Record<string, LabelCounts> {
  for (const c of Object.values(perLabel)) {
    c.precision = ratio(c.truePositives, c.detected);
    c.recall = ratio(c.truePositives, c.truth);
  }
  return Object.fromEntries(Object.entries(perLabel).sort(([a], [b]) => a.localeCompare(b)));
}

export async function evalImages(images: LabelledImage[], opts: EvalOptions): Promise<ImageEvalResult> {
  const minIou = opts.iou ?? 0.5;
  const base = CameraDetectSettings.parse(opts.settings ?? {});
  const settings = { ...base, filters: { ...base.filters, minScore: opts.minScore ?? DEFAULT_MIN_SCORE }, labelFilters: {} };
  const perLabel: Record<string, LabelCounts> = {};
  const confusions: Confusion[] = [];
  let truth = 0;
  let detected = 0;
  let tp = 0;
  for (const img of images) {
    const frame = await decodeImage(img.path);
    const dets = await detectImage(opts.detector, frame, settings);
    truth += img.truth.length;
    detected += dets.length;
    tp += scoreImage(img.truth, dets, minIou, perLabel, confusions);
  }
  return {
    kind: 'images',
    model: opts.detector.model.name,
    images: images.length,
    minScore: settings.filters.minScore,
    iou: minIou,
    truth,
    detected,
    truePositives: tp,
    precision: ratio(tp, detected),
    recall: ratio(tp, truth),
    perLabel: finish(perLabel),
    confusions: confusions.sort((a, b) => b.count - a.count),
    personAnimalConfusions: confusions.filter((c) => personAnimalConfusion(c.truth, c.detected)).reduce((s, c) => s + c.count, 0),
    msPerInference: round(opts.detector.stats().inferMsMedian, 2),
  };
}

function normBox(b: Box, W: number, H: number): Box {
  return [b[0] / W, b[1] / H, b[2] / W, b[3] / H];
}

function overlapsInTime(e: AnalyzedEvent, v: Visit): boolean {
  return e.start <= v.end && e.end >= v.start;
}

/** The visit an event belongs to: same label group, overlapping in time and (for visits with a box) in place; boxed visits first. */
function visitOf(e: AnalyzedEvent, visits: Visit[], W: number, H: number, anyLabel = false): number | null {
  const nb = normBox(e.box, W, H);
  let best: number | null = null;
  let bestScore = -1;
  visits.forEach((v, i) => {
    if (!overlapsInTime(e, v) || (!anyLabel && !sameGroup(e.label, v.label))) return;
    const place = v.box ? iou(nb, v.box) : 0;
    if (v.box && place < 0.2) return;
    const score = v.box ? 1 + place : 0;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

export async function evalVideo(path: string, visits: Visit[], opts: EvalOptions): Promise<VideoEvalResult> {
  const result = await analyzeFile(path, { detector: opts.detector, settings: opts.settings });
  if (result.kind !== 'video') throw new Error(`${path} is an image: give a folder of labelled images instead`);
  const { width: W, height: H } = result;
  const confusions: Confusion[] = [];
  const events = result.events.map((e) => {
    const visit = visitOf(e, visits, W, H);
    if (visit === null) {
      // a boxed visit under another label at the same place and time is a confusion; anything else a false alarm
      const other = visitOf(e, visits.filter((v) => v.box), W, H, true);
      addConfusion(confusions, other === null ? 'nothing' : (visits.filter((v) => v.box)[other] as Visit).label, e.label);
    }
    return { ...e, visit };
  });
  const perVisit: VisitResult[] = visits.map((v, i) => {
    const mine = events.filter((e) => e.visit === i);
    const first = mine.reduce<number | null>((m, e) => (m === null ? e.start : Math.min(m, e.start)), null);
    return {
      ...v,
      events: mine.length,
      labels: [...new Set(mine.map((e) => e.label))].sort(),
      delay: first === null ? null : round(Math.max(0, first - v.start), 2),
      tooManyEvents: v.maxEvents !== undefined && mine.length > v.maxEvents,
    };
  });
  return {
    kind: 'video',
    model: result.model,
    file: path,
    events,
    visits: perVisit,
    precision: ratio(events.filter((e) => e.visit !== null).length, events.length),
    recall: ratio(perVisit.filter((v) => v.events > 0).length, visits.length),
    confusions,
    personAnimalConfusions: confusions.filter((c) => personAnimalConfusion(c.truth, c.detected)).reduce((s, c) => s + c.count, 0),
    msPerInference: round(opts.detector.stats().inferMsMedian, 2),
  };
}

/** A folder is a labelled image set; a video needs its visits (--visits, or VIDEO.visits.json beside it). */
export async function evaluate(target: string, opts: EvalOptions & { visits?: string }): Promise<EvalResult> {
  if (statSync(target).isDirectory()) {
    const images = await readYoloFolder(target, opts.detector.model.labels);
    if (images.length === 0) throw new Error(`${target} holds no images with YOLO label files (images/…/x.jpg + labels/…/x.txt)`);
    return evalImages(images, opts);
  }
  const visitsPath = opts.visits ?? `${target.replace(/\.[^./]+$/, '')}.visits.json`;
  if (!existsSync(visitsPath)) throw new Error(`no visits for ${target}: give --visits FILE.json ({"visits": [{"label", "start", "end"}]})`);
  const { visits } = VisitsFile.parse(JSON.parse(readFileSync(visitsPath, 'utf8')));
  return evalVideo(target, visits, opts);
}

/** Human-readable report for the CLI. */
export function formatEval(r: EvalResult): string {
  const lines: string[] = [];
  const pad = (s: string | number, n: number): string => String(s).padEnd(n);
  if (r.kind === 'images') {
    lines.push(`model ${r.model}: ${r.images} image(s), ${r.truth} labelled object(s), min score ${r.minScore}, IoU ${r.iou}`);
    lines.push(`precision ${r.precision.toFixed(3)}  recall ${r.recall.toFixed(3)}  (${r.truePositives} correct of ${r.detected} detections)  ${r.msPerInference} ms per inference`);
    lines.push(`${pad('label', 16)}${pad('truth', 7)}${pad('found', 7)}${pad('correct', 9)}${pad('precision', 11)}recall`);
    for (const [label, c] of Object.entries(r.perLabel)) lines.push(`${pad(label, 16)}${pad(c.truth, 7)}${pad(c.detected, 7)}${pad(c.truePositives, 9)}${pad(c.precision.toFixed(2), 11)}${c.recall.toFixed(2)}`);
  } else {
    lines.push(`model ${r.model}: ${r.file}: ${r.events.length} event(s) for ${r.visits.length} visit(s)`);
    lines.push(`precision ${r.precision.toFixed(3)}  recall ${r.recall.toFixed(3)}  ${r.msPerInference} ms per inference`);
    lines.push(`${pad('visit', 28)}${pad('events', 8)}${pad('labels', 20)}delay`);
    for (const v of r.visits) lines.push(`${pad(`${v.label} ${v.start}-${v.end}s${v.note ? ` (${v.note})` : ''}`, 28)}${pad(`${v.events}${v.tooManyEvents ? '!' : ''}`, 8)}${pad(v.labels.join(',') || '-', 20)}${v.delay === null ? 'missed' : `${v.delay}s`}`);
    lines.push(`${pad('event', 16)}${pad('start', 9)}${pad('end', 9)}${pad('score', 8)}visit`);
    for (const e of r.events) lines.push(`${pad(e.label, 16)}${pad(`${e.start.toFixed(1)}s`, 9)}${pad(`${e.end.toFixed(1)}s`, 9)}${pad(e.topScore.toFixed(2), 8)}${e.visit === null ? 'none' : e.visit}`);
  }
  lines.push(r.confusions.length === 0 ? 'confusions: none' : `confusions (truth → detected): ${r.confusions.map((c) => `${c.truth}→${c.detected} ×${c.count}`).join(', ')}`);
  if (r.personAnimalConfusions > 0) lines.push(`WARNING: ${r.personAnimalConfusions} person/animal mix-up(s)`);
  return lines.join('\n');
}
