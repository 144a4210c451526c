// Merging a motion scan's pieces: stored and decoded findings that overlap, touch or nearly touch become one moment.
import { describe, expect, it } from 'vitest';
import { mergePieces, piecesFromInstants, type ScanPiece } from './motion-moments.js';

const p = (start: number, end: number, peak: number, source: ScanPiece['source'] = 'decoded'): ScanPiece => ({ start, end, peak, peakAt: start, source });

describe('motion scan moments', () => {
  it('joins overlapping, adjacent and near pieces from either source; keeps the highest peak and every source', () => {
    const merged = mergePieces(
      [
        p(10_000, 14_000, 0.2, 'stored'),
        p(12_000, 13_000, 0.5), // inside the stored one
        p(14_000, 15_000, 0.1), // touches it
        p(17_000, 18_000, 0.3), // 2 s after: within the gap
        p(40_000, 41_000, 0.05, 'stored'), // far away: its own moment
      ],
      3000,
    );
    expect(merged).toEqual([
      { start: 10_000, end: 18_000, peak: 0.5, peakAt: 12_000, sources: ['decoded', 'stored'] },
      { start: 40_000, end: 41_000, peak: 0.05, peakAt: 40_000, sources: ['stored'] },
    ]);
  });

  it('takes pieces in any order and drops none; nothing gives nothing', () => {
    const pieces = [p(50_000, 51_000, 0.1), p(0, 1000, 0.1), p(20_000, 21_000, 0.1)];
    expect(mergePieces(pieces, 1000).map((m) => m.start)).toEqual([0, 20_000, 50_000]);
    expect(mergePieces([], 1000)).toEqual([]);
    // a gap one millisecond longer than allowed stays two moments
    expect(mergePieces([p(0, 1000, 0.1), p(2001, 3000, 0.1)], 1000)).toHaveLength(2);
    expect(mergePieces([p(0, 1000, 0.1), p(2000, 3000, 0.1)], 1000)).toHaveLength(1);
  });

  it('turns moving instants into pieces: each covers the step before it, close ones join', () => {
    const instants = [
      { t: 1000, share: 0.1 },
      { t: 1500, share: 0.4 },
      { t: 2000, share: 0.2 },
      { t: 9000, share: 0.3 },
    ];
    expect(piecesFromInstants(instants, 500, 1000, 'decoded')).toEqual([
      { start: 500, end: 2000, peak: 0.4, peakAt: 1500, source: 'decoded' },
      { start: 8500, end: 9000, peak: 0.3, peakAt: 9000, source: 'decoded' },
    ]);
  });
});
