// The motion grid: boxes to cells, a drawn region to cells, overlap, and hits merged into moments.
import { describe, expect, it } from 'vitest';
import { emptyGrid, GRID_COLS, GRID_ROWS, markBox, mergeMoments, overlap, regionGrid } from './motion-grid.js';

const cells = (g: Uint8Array): number => overlap(g, new Uint8Array(g.length).fill(255));

describe('motion grid', () => {
  it('a box marks the cells it touches, clamped to the frame', () => {
    const g = emptyGrid();
    markBox(g, [0, 0, 640 / GRID_COLS, 360 / GRID_ROWS], 640, 360);
    expect(cells(g)).toBe(1);
    markBox(g, [-50, -50, 10_000, 10_000], 640, 360);
    expect(cells(g)).toBe(GRID_COLS * GRID_ROWS);
  });

  it('a region takes the cells whose centre it holds; one smaller than a cell takes the cell of its centre', () => {
    expect(cells(regionGrid([[0, 0], [1, 0], [1, 1], [0, 1]]))).toBe(GRID_COLS * GRID_ROWS);
    // the lower 45 %: the centres of the bottom four rows (of nine)
    expect(cells(regionGrid([[0, 0.55], [1, 0.55], [1, 1], [0, 1]]))).toBe(GRID_COLS * 4);
    const tiny = regionGrid([[0.51, 0.51], [0.52, 0.51], [0.52, 0.52]]);
    expect(cells(tiny)).toBe(1);
    const box = emptyGrid();
    markBox(box, [0.5 * 640, 0.5 * 360, 0.53 * 640, 0.53 * 360], 640, 360);
    expect(overlap(tiny, box)).toBe(1);
  });

  it('overlap counts the shared cells only', () => {
    const left = regionGrid([[0, 0], [0.5, 0], [0.5, 1], [0, 1]]);
    const right = regionGrid([[0.5, 0], [1, 0], [1, 1], [0.5, 1]]);
    expect(overlap(left, right)).toBe(0);
    expect(overlap(left, left)).toBe(cells(left));
  });

  it('hits become moments: runs joined across short gaps, split at long ones, with their peak', () => {
    const hits = [
      { t: 0, cells: 1 },
      { t: 2000, cells: 3 },
      { t: 8000, cells: 2 }, // 6 s after the last bucket's end: joined
      { t: 30_000, cells: 1 }, // far: a new moment
    ];
    expect(mergeMoments(hits, 2000, 6000)).toEqual([
      { start: 0, end: 10_000, peakCells: 3 },
      { start: 30_000, end: 32_000, peakCells: 1 },
    ]);
    expect(mergeMoments([], 2000, 6000)).toEqual([]);
  });
});
