// Review grouping: runs of a camera's events become one item; kind, cover, reviewed and order follow from its events.
import { describe, expect, it } from 'vitest';
import { groupReview, REVIEW_GAP_MS, type ReviewSource } from './review.js';

const T0 = 1_800_000_000_000;
let n = 0;
function ev(p: Partial<ReviewSource> & { start: number }): ReviewSource {
  n++;
  return { id: `e${String(n).padStart(3, '0')}`, cameraId: 'front', label: 'person', end: p.start + 5_000, topScore: 0.7, hasSnapshot: true, zones: [], alerted: false, reviewed: false, ...p };
}

describe('groupReview', () => {
  it('joins a camera’s events closer than the gap, splits at the gap, newest item first', () => {
    const a = ev({ start: T0 });
    const b = ev({ start: T0 + 5_000 + REVIEW_GAP_MS - 1 }); // starts just inside the gap after a ends
    const c = ev({ start: b.start + 5_000 + REVIEW_GAP_MS + 1 }); // just outside
    const items = groupReview([c, a, b], T0 + 3600_000);
    expect(items.map((i) => i.eventIds)).toEqual([[c.id], [a.id, b.id]]);
    expect(items[1]).toMatchObject({ id: a.id, start: a.start, end: b.end });
  });

  it('keeps cameras apart even at the same moment', () => {
    const items = groupReview([ev({ start: T0, cameraId: 'front' }), ev({ start: T0 + 1000, cameraId: 'back' })], T0 + 60_000);
    expect(items.map((i) => i.cameraId)).toEqual(['back', 'front']);
  });

  it('an overlapping long event holds the item open across short ones that end inside it', () => {
    const long = ev({ start: T0, end: T0 + 300_000, label: 'car' });
    const short = ev({ start: T0 + 10_000, end: T0 + 12_000 });
    const later = ev({ start: T0 + 290_000 });
    const items = groupReview([long, short, later], T0 + 3600_000);
    expect(items).toHaveLength(1);
    expect(items[0]!.labels).toEqual(['car', 'person']);
  });

  it('an open event reaches to now, and leaves the item open', () => {
    const open = ev({ start: T0, end: null });
    const next = ev({ start: T0 + 100_000 });
    const items = groupReview([open, next], T0 + 120_000);
    expect(items).toHaveLength(1);
    expect(items[0]!.end).toBeNull();
  });

  it('kind: alert when any event raised one, motion when only movement, else detection', () => {
    const now = T0 + 3600_000;
    expect(groupReview([ev({ start: T0 }), ev({ start: T0 + 1000, alerted: true })], now)[0]!.kind).toBe('alert');
    expect(groupReview([ev({ start: T0, label: 'motion' }), ev({ start: T0 + 1000, label: 'motion' })], now)[0]!.kind).toBe('motion');
    expect(groupReview([ev({ start: T0, label: 'motion' }), ev({ start: T0 + 1000, label: 'dog' })], now)[0]!.kind).toBe('detection');
  });

  it('the cover is the alert, else the best-scored event with a snapshot', () => {
    const now = T0 + 3600_000;
    const plain = ev({ start: T0, topScore: 0.95, hasSnapshot: false });
    const best = ev({ start: T0 + 1000, topScore: 0.8 });
    const weak = ev({ start: T0 + 2000, topScore: 0.5 });
    expect(groupReview([plain, best, weak], now)[0]!.coverEventId).toBe(best.id);
    const alert = ev({ start: T0 + 3000, topScore: 0.4, alerted: true });
    expect(groupReview([plain, best, weak, alert], now)[0]!.coverEventId).toBe(alert.id);
  });

  it('an item is reviewed only when all its events are; zones are the union', () => {
    const now = T0 + 3600_000;
    const a = ev({ start: T0, reviewed: true, zones: ['porch'] });
    const b = ev({ start: T0 + 1000, reviewed: false, zones: ['drive', 'porch'] });
    expect(groupReview([a, b], now)[0]).toMatchObject({ reviewed: false, zones: ['drive', 'porch'] });
    expect(groupReview([a, { ...b, reviewed: true }], now)[0]!.reviewed).toBe(true);
    expect(groupReview([], now)).toEqual([]);
  });
});
