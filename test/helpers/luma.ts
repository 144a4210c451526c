// Pixel checks for masks and redaction: the mean luma of a rectangle of a decoded grey (Y) plane.

/** Mean Y over [x1, x2) × [y1, y2), given in fractions of a w×h frame. */
export function meanLuma(y: Uint8Array, x1: number, y1: number, x2: number, y2: number, w: number, h: number): number {
  let sum = 0;
  let n = 0;
  for (let r = Math.floor(y1 * h); r < y2 * h; r++) {
    for (let c = Math.floor(x1 * w); c < x2 * w; c++) {
      sum += y[r * w + c]!;
      n++;
    }
  }
  return sum / n;
}

/** meanLuma for frames of one size by default (another size may be given per call). */
export const lumaMeter =
  (width: number, height: number) =>
  (y: Uint8Array, x1: number, y1: number, x2: number, y2: number, w = width, h = height): number =>
    meanLuma(y, x1, y1, x2, y2, w, h);
