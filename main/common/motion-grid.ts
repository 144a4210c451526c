// The coarse grid motion search works on: 16 x 9 cells over the frame, one bit each. Pure, shared by the engine (which
// records and searches it) and the UI (which shows the cells a drawn region covers).
import type { Polygon } from './contract/zones.js';

export const GRID_COLS = 16;
export const GRID_ROWS = 9;
export const GRID_BYTES = Math.ceil((GRID_COLS * GRID_ROWS) / 8);

export function emptyGrid(): Uint8Array {
  return new Uint8Array(GRID_BYTES);
}

function setCell(grid: Uint8Array, col: number, row: number): void {
  const i = row * GRID_COLS + col;
  grid[i >> 3] = (grid[i >> 3] ?? 0) | (1 << (i & 7));
}

/** Marks the cells a box (in pixels of a width x height frame) touches. */
export function markBox(grid: Uint8Array, box: readonly [number, number, number, number], width: number, height: number): void {
  const [x1, y1, x2, y2] = box;
  const c1 = Math.max(0, Math.min(GRID_COLS - 1, Math.floor((x1 / width) * GRID_COLS)));
  const c2 = Math.max(0, Math.min(GRID_COLS - 1, Math.floor(((x2 - 1) / width) * GRID_COLS)));
  const r1 = Math.max(0, Math.min(GRID_ROWS - 1, Math.floor((y1 / height) * GRID_ROWS)));
  const r2 = Math.max(0, Math.min(GRID_ROWS - 1, Math.floor(((y2 - 1) / height) * GRID_ROWS)));
  for (let r = r1; r <= r2; r++) for (let c = c1; c <= c2; c++) setCell(grid, c, r);
}

function inside(x: number, y: number, poly: Polygon): boolean {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

/** The cells whose centre lies inside the region (fractions of the frame); a region smaller than a cell takes the cell of its centre. */
export function regionGrid(region: Polygon): Uint8Array {
  const grid = emptyGrid();
  let any = false;
  for (let r = 0; r < GRID_ROWS; r++) {
    for (let c = 0; c < GRID_COLS; c++) {
      if (inside((c + 0.5) / GRID_COLS, (r + 0.5) / GRID_ROWS, region)) {
        setCell(grid, c, r);
        any = true;
      }
    }
  }
  if (!any) {
    const cx = region.reduce((a, p) => a + p[0], 0) / region.length;
    const cy = region.reduce((a, p) => a + p[1], 0) / region.length;
    setCell(grid, Math.min(GRID_COLS - 1, Math.max(0, Math.floor(cx * GRID_COLS))), Math.min(GRID_ROWS - 1, Math.max(0, Math.floor(cy * GRID_ROWS))));
  }
  return grid;
}

/** How many cells two grids share. */
export function overlap(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < GRID_BYTES; i++) {
    let v = (a[i] ?? 0) & (b[i] ?? 0);
    while (v) {
      v &= v - 1;
      n++;
    }
  }
  return n;
}

export interface Moment {
  start: number;
  end: number;
  /** The most region cells that moved at once in the moment. */
  peakCells: number;
}

/**
 * Buckets (start, cells hit) in time order → moments: runs of buckets with movement in the region, joined across
 * gaps shorter than `gapMs`.
 */
export function mergeMoments(hits: ReadonlyArray<{ t: number; cells: number }>, bucketMs: number, gapMs: number): Moment[] {
  const out: Moment[] = [];
  for (const h of hits) {
    const last = out.at(-1);
    if (last && h.t - last.end <= gapMs) {
      last.end = h.t + bucketMs;
      last.peakCells = Math.max(last.peakCells, h.cells);
    } else out.push({ start: h.t, end: h.t + bucketMs, peakCells: h.cells });
  }
  return out;
}
