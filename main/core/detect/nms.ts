// Decoded candidates and class-aware non-maximum suppression.

export interface Candidate {
  cls: number;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

function overlap(a: Candidate, b: Candidate): number {
  const iw = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const ih = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
}

/** Keeps the best box of each cluster of same-class boxes overlapping by more than iouThreshold. */
export function nms(candidates: Candidate[], iouThreshold = 0.45, maxKeep = 100): Candidate[] {
  candidates.sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  for (const c of candidates) {
    let suppressed = false;
    for (const k of kept) {
      if (k.cls === c.cls && overlap(k, c) > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) {
      kept.push(c);
      if (kept.length >= maxKeep) break;
    }
  }
  return kept;
}
