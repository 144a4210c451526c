// Regions: at least the model size, square, clamped to the frame, merged when overlapping, full frame when too many.
import { describe, expect, it } from 'vitest';
import { buildRegions } from './regions.js';

const opts = { modelSize: 320, multiplier: 1.4, maxRegions: 3 };

describe('buildRegions', () => {
  it('grows a small box to a model-size square around it, inside the frame', () => {
    const [r, ...rest] = buildRegions([[1000, 500, 1040, 600]], 1920, 1080, opts);
    expect(rest).toEqual([]);
    expect(r!.width).toBe(320);
    expect(r!.height).toBe(320);
    expect(r!.x % 2).toBe(0);
    expect(r!.x).toBeLessThanOrEqual(1000);
    expect(r!.x + r!.width).toBeGreaterThanOrEqual(1040);
    expect(r!.y).toBeLessThanOrEqual(500);
    expect(r!.y + r!.height).toBeGreaterThanOrEqual(600);
  });

  it('shifts a region at the edge back into the frame', () => {
    const [r] = buildRegions([[1900, 1060, 1920, 1080]], 1920, 1080, opts);
    expect(r).toEqual({ x: 1600, y: 760, width: 320, height: 320 });
  });

  it('merges overlapping regions and keeps distant ones apart', () => {
    const merged = buildRegions([[100, 100, 150, 200], [200, 120, 260, 220]], 1920, 1080, opts);
    expect(merged).toHaveLength(1);
    const apart = buildRegions([[100, 100, 150, 200], [1500, 700, 1560, 800]], 1920, 1080, opts);
    expect(apart).toHaveLength(2);
  });

  it('falls back to the full frame for many regions or a small frame', () => {
    const many = buildRegions([[0, 0, 10, 10], [500, 0, 510, 10], [1000, 0, 1010, 10], [1500, 700, 1510, 710]], 1920, 1080, opts);
    expect(many).toEqual([{ x: 0, y: 0, width: 1920, height: 1080 }]);
    const small = buildRegions([[10, 10, 50, 50], [500, 300, 540, 340]], 640, 360, opts);
    expect(small).toEqual([{ x: 0, y: 0, width: 640, height: 360 }]);
  });
});
