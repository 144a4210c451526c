// Moments of a motion scan: pieces found by reading stored motion and by decoding recordings, merged into one list.
// Pure, shared by the engine (which merges) and the UI (which shows what arrives while a scan runs).

export type MomentSource = 'stored' | 'decoded';

/** One stretch of movement inside the searched region. */
export interface ScanPiece {
  start: number;
  end: number;
  /** How much of the region moved at the busiest instant, 0..1. */
  peak: number;
  /** When the busiest instant was (epoch ms). */
  peakAt: number;
  source: MomentSource;
}

export interface ScanMomentValue {
  start: number;
  end: number;
  peak: number;
  peakAt: number;
  /** Where it was found: stored motion only, decoding only, or both. */
  sources: MomentSource[];
}

/**
 * Pieces in any order → moments in time order: pieces that overlap, touch, or lie closer than `gapMs` become one moment
 * (its span the union, its peak the highest, its sources all that found a part of it).
 */
export function mergePieces(pieces: readonly ScanPiece[], gapMs: number): ScanMomentValue[] {
  const sorted = pieces.filter((p) => p.end >= p.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: ScanMomentValue[] = [];
  for (const p of sorted) {
    const last = out.at(-1);
    if (last && p.start - last.end <= gapMs) {
      last.end = Math.max(last.end, p.end);
      if (p.peak > last.peak) {
        last.peak = p.peak;
        last.peakAt = p.peakAt;
      }
      if (!last.sources.includes(p.source)) last.sources.push(p.source);
      continue;
    }
    out.push({ start: p.start, end: p.end, peak: p.peak, peakAt: p.peakAt, sources: [p.source] });
  }
  for (const m of out) m.sources.sort();
  return out;
}

/**
 * Instants that moved (time, share of the region changed) in time order → pieces: each instant stands for `stepMs`
 * before it, and instants closer than `gapMs` are one piece.
 */
export function piecesFromInstants(instants: ReadonlyArray<{ t: number; share: number }>, stepMs: number, gapMs: number, source: MomentSource): ScanPiece[] {
  const out: ScanPiece[] = [];
  for (const i of instants) {
    const last = out.at(-1);
    if (last && i.t - stepMs - last.end <= gapMs) {
      last.end = Math.max(last.end, i.t);
      if (i.share > last.peak) {
        last.peak = i.share;
        last.peakAt = i.t;
      }
      continue;
    }
    out.push({ start: i.t - stepMs, end: i.t, peak: i.share, peakAt: i.t, source });
  }
  return out;
}
