// The playback map: stream seconds ↔ wall time across gaps that concat closes.
import { describe, expect, it } from 'vitest';
import { buildPlayMap, decodePlayMap, encodePlayMap, mediaTimeAt, wallTimeAt } from './play-map.js';

const T = Date.UTC(2026, 5, 1, 12);
// three 10 s segments, a 20 s outage, two more; the jitter between touching segments stays in one piece
const files = [
  { start: T, end: T + 10_000 },
  { start: T + 10_120, end: T + 20_000 },
  { start: T + 20_000, end: T + 30_000 },
  { start: T + 50_000, end: T + 60_000 },
  { start: T + 60_000, end: T + 70_000 },
];

describe('play map', () => {
  it('keeps a piece per continuous stretch, the first cut at the start offset', () => {
    const map = buildPlayMap(files, 4);
    expect(map).toEqual([
      { mediaOffset: 0, wallStart: T + 4000, duration: 25.88 },
      { mediaOffset: 25.88, wallStart: T + 50_000, duration: 20 },
    ]);
    expect(decodePlayMap(encodePlayMap(map))).toEqual(map);
  });

  it('names the wall time of every stream second, gaps skipped, and finds the second for a wall time', () => {
    const map = buildPlayMap(files);
    expect(wallTimeAt(map, 0)).toBe(T);
    expect(wallTimeAt(map, 29)).toBeCloseTo(T + 29_000, -1);
    // just after the gap: the stream is 20 s behind the wall clock; start + currentTime would say T + 31 s
    expect(wallTimeAt(map, 31)).toBeCloseTo(T + 51_120, -1);
    expect(wallTimeAt(map, 500)).toBeCloseTo(T + 70_000, -1);
    expect(mediaTimeAt(map, T + 40_000)).toBeCloseTo(29.88, 3);
    expect(mediaTimeAt(map, T + 55_000)).toBeCloseTo(34.88, 3);
    expect(mediaTimeAt(map, T + 80_000)).toBeNull();
    expect(wallTimeAt([], 3)).toBeNull();
  });
});
