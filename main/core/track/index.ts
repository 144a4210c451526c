// Tracks detections across frames: IoU + centroid association per label group, a label vote, confirmation, disappearance, stationary objects.
import { boxArea, iou, type Box, type Detection } from '../detect/frame.js';
import { dedupeByGroup, sameGroup } from './groups.js';
import { TrackerSettings } from './settings.js';

export { TrackerSettings } from './settings.js';

export interface TrackedObject {
  id: string;
  /** The vote's winner over every detection so far (a van seen as car 4× and truck 2× is a car). */
  label: string;
  /** Score-weighted votes per label within the object's group. */
  votes: Record<string, number>;
  /** Times the box left its anchor (0: it has not moved since it was first seen). */
  moves: number;
  box: Box;
  score: number;
  /** Recent scores, newest last. */
  scores: number[];
  hits: number;
  missed: number;
  confirmed: boolean;
  stationary: boolean;
  /** Frames the box stayed on its anchor. */
  stillFrames: number;
  firstSeen: number;
  lastSeen: number;
  /** Highest median score reached. */
  topScore: number;
  best: { score: number; box: Box; time: number };
}

export interface TrackUpdate {
  /** Objects that saw a detection this frame. */
  matched: TrackedObject[];
  created: TrackedObject[];
  /** Objects whose best detection changed this frame (the caller keeps the frame). */
  newBest: TrackedObject[];
  ended: TrackedObject[];
}

/** Median of the score history, padded with zeros to three entries so one lucky frame is not enough (as Frigate does). */
export function medianScore(scores: readonly number[]): number {
  const s = [...scores];
  while (s.length < 3) s.push(0);
  s.sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function centre(b: Box): [number, number] {
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

function isBetter(o: TrackedObject, d: Detection): boolean {
  const b = o.best;
  if (d.score > b.score + 0.02) return true;
  // A similar score on a clearly bigger box makes a better snapshot.
  return d.score >= b.score - 0.05 && boxArea(d.box) > boxArea(b.box) * 1.2;
}

/** The label with the most vote; a tie keeps the current one so the name does not flicker. */
function winner(votes: Record<string, number>, current: string): string {
  let best = current;
  for (const [label, v] of Object.entries(votes)) if (v > (votes[best] ?? 0)) best = label;
  return best;
}

export class Tracker {
  private readonly settings: TrackerSettings;
  private readonly objects = new Map<string, TrackedObject>();
  // Anchor boxes (where a still object settled) live beside the objects so TrackedObject stays plain data.
  private readonly anchors = new Map<string, Box>();
  private seq = 0;

  constructor(
    settings: Partial<TrackerSettings> = {},
    private readonly idPrefix = '',
  ) {
    this.settings = TrackerSettings.parse(settings);
  }

  get config(): TrackerSettings {
    return this.settings;
  }

  all(): TrackedObject[] {
    return [...this.objects.values()];
  }

  /**
   * Associates this frame's detections. `observed(o)` says whether the frame looked where o is; unobserved objects
   * (outside every region, or stationary and not due a re-check) are neither matched nor missed.
   */
  update(detections: Detection[], time: number, observed: (o: TrackedObject) => boolean = () => true): TrackUpdate {
    const s = this.settings;
    const result: TrackUpdate = { matched: [], created: [], newBest: [], ended: [] };
    // a DETR query pair or a class-aware NMS leaves car and truck on one van: one detection per object and group
    detections = dedupeByGroup(detections);
    const pairs: { o: TrackedObject; d: number; cost: number }[] = [];
    for (const o of this.objects.values()) {
      const [ox, oy] = centre(o.box);
      const diag = Math.hypot(o.box[2] - o.box[0], o.box[3] - o.box[1]) || 1;
      detections.forEach((det, i) => {
        if (!sameGroup(det.label, o.label)) return;
        const overlap = iou(o.box, det.box);
        const [dx, dy] = centre(det.box);
        const shift = Math.hypot(dx - ox, dy - oy) / diag;
        if (overlap < s.minIou && shift > s.maxCentroidShift) return;
        // Overlap dominates; the centre distance separates objects whose boxes do not overlap.
        pairs.push({ o, d: i, cost: overlap - shift * 0.5 });
      });
    }
    pairs.sort((a, b) => b.cost - a.cost);
    const usedObj = new Set<string>();
    const usedDet = new Set<number>();
    for (const p of pairs) {
      if (usedObj.has(p.o.id) || usedDet.has(p.d)) continue;
      usedObj.add(p.o.id);
      usedDet.add(p.d);
      const det = detections[p.d] as Detection;
      this.observe(p.o, det, time);
      result.matched.push(p.o);
      if (this.updateBest(p.o, det, time)) result.newBest.push(p.o);
    }
    for (const o of [...this.objects.values()]) {
      if (usedObj.has(o.id) || !observed(o)) continue;
      o.missed++;
      if (o.missed > s.maxMissedFrames || time - o.lastSeen > s.maxMissedMs) {
        this.objects.delete(o.id);
        this.anchors.delete(o.id);
        result.ended.push(o);
      }
    }
    detections.forEach((det, i) => {
      if (usedDet.has(i)) return;
      const o: TrackedObject = {
        id: `${this.idPrefix}${time.toString(36)}-${(this.seq++).toString(36)}`,
        label: det.label,
        votes: { [det.label]: det.score },
        moves: 0,
        box: det.box,
        score: det.score,
        scores: [det.score],
        hits: 1,
        missed: 0,
        confirmed: s.minHits <= 1,
        stationary: false,
        stillFrames: 0,
        firstSeen: time,
        lastSeen: time,
        topScore: medianScore([det.score]),
        best: { score: det.score, box: det.box, time },
      };
      this.anchors.set(o.id, det.box);
      this.objects.set(o.id, o);
      result.created.push(o);
      result.matched.push(o);
      result.newBest.push(o);
    });
    return result;
  }

  private observe(o: TrackedObject, det: Detection, time: number): void {
    const s = this.settings;
    o.box = det.box;
    o.score = det.score;
    o.votes[det.label] = (o.votes[det.label] ?? 0) + det.score;
    o.label = winner(o.votes, o.label);
    o.scores.push(det.score);
    if (o.scores.length > s.historySize) o.scores.shift();
    o.hits++;
    o.missed = 0;
    o.lastSeen = time;
    if (o.hits >= s.minHits) o.confirmed = true;
    o.topScore = Math.max(o.topScore, medianScore(o.scores));
    const anchor = this.anchors.get(o.id) ?? det.box;
    if (iou(anchor, det.box) >= s.stationaryIou) {
      o.stillFrames++;
      o.stationary = o.stillFrames >= s.stationaryFrames;
    } else {
      this.anchors.set(o.id, det.box);
      o.moves++;
      o.stillFrames = 0;
      o.stationary = false;
    }
  }

  private updateBest(o: TrackedObject, det: Detection, time: number): boolean {
    if (!isBetter(o, det)) return false;
    o.best = { score: det.score, box: det.box, time };
    return true;
  }

  /** Ends every object (end of a file, camera stopped). */
  flush(): TrackedObject[] {
    const all = [...this.objects.values()];
    this.objects.clear();
    this.anchors.clear();
    return all;
  }
}
