// Polygons in normalised frame coordinates (0..1, resolution independent): hit test, rasterising. The schema is the contract's.
import type { Polygon } from '../../common/contract/zones.js';

/** Even-odd rule; x and y normalised. */
export function pointInPolygon(x: number, y: number, poly: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i] as [number, number];
    const [xj, yj] = poly[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** 1 where a pixel centre of a w×h grid lies inside any polygon. */
export function rasterize(polygons: readonly Polygon[], w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  if (polygons.length === 0) return out;
  for (let y = 0; y < h; y++) {
    const ny = (y + 0.5) / h;
    for (let x = 0; x < w; x++) {
      const nx = (x + 0.5) / w;
      for (const p of polygons) {
        if (pointInPolygon(nx, ny, p)) {
          out[y * w + x] = 1;
          break;
        }
      }
    }
  }
  return out;
}
