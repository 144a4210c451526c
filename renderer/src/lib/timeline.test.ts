// Timeline maths: zoom keeps the anchor, drag moves time, spans are cut to the view, events step in order.
import { describe, expect, it } from 'vitest';
import { ticksIn } from './zone.js';
import { adjacentEvent, bucketAlpha, centredOn, fetchWindow, MAX_SPAN, MIN_SPAN, pan, selection, spansInView, timeToX, xToTime, zoomAt } from './timeline.js';

const H = 3600_000;
const DAY0 = Date.UTC(2026, 10, 29);

describe('timeline maths', () => {
  it('maps time to pixels and back', () => {
    const view = { start: DAY0, span: 24 * H };
    expect(timeToX(DAY0 + 12 * H, view, 1200)).toBe(600);
    expect(xToTime(300, view, 1200)).toBe(DAY0 + 6 * H);
  });

  it('zooms around the anchor, from 24 h down to 1 min and no further', () => {
    let view = { start: DAY0, span: 24 * H };
    const anchor = DAY0 + 18 * H;
    const before = timeToX(anchor, view, 1000);
    view = zoomAt(view, 0.5, anchor);
    expect(view.span).toBe(12 * H);
    expect(timeToX(anchor, view, 1000)).toBeCloseTo(before, 6);
    for (let i = 0; i < 40; i++) view = zoomAt(view, 0.5, anchor);
    expect(view.span).toBe(MIN_SPAN);
    for (let i = 0; i < 40; i++) view = zoomAt(view, 2, anchor);
    expect(view.span).toBe(MAX_SPAN);
  });

  it('drags: moving the pointer right shows earlier time', () => {
    const view = { start: DAY0, span: H };
    expect(pan(view, 100, 1000).start).toBe(DAY0 - 6 * 60_000);
    expect(pan(view, -100, 1000).start).toBe(DAY0 + 6 * 60_000);
  });

  it('cuts spans to the view and keeps short ones visible', () => {
    const view = { start: DAY0, span: H };
    const spans = [
      { start: DAY0 - 10 * 60_000, end: DAY0 + 15 * 60_000 },
      { start: DAY0 + 30 * 60_000, end: DAY0 + 30 * 60_000 + 100 },
      { start: DAY0 + 2 * H, end: DAY0 + 3 * H },
    ];
    const shown = spansInView(spans, view, 600);
    expect(shown).toHaveLength(2);
    expect(shown[0]).toMatchObject({ x: 0, w: 150 });
    expect(shown[1]?.w).toBe(2);
  });

  it('steps to the next and previous event', () => {
    const events = [{ start: DAY0 + 1000 }, { start: DAY0 + 60_000 }, { start: DAY0 + 120_000 }];
    expect(adjacentEvent(events, DAY0 + 1000, 1)?.start).toBe(DAY0 + 60_000);
    expect(adjacentEvent(events, DAY0 + 60_000, -1)?.start).toBe(DAY0 + 1000);
    expect(adjacentEvent(events, DAY0 + 120_000, 1)).toBeUndefined();
  });

  it('picks readable ticks and orders selections', () => {
    const t = ticksIn({ start: DAY0, span: 24 * H }, 1200, 'UTC');
    expect(t.length).toBeGreaterThan(3);
    expect(t.length).toBeLessThan(16);
    expect(t.every((x) => x % 3_600_000 === 0)).toBe(true);
    expect(centredOn(DAY0, 10).span).toBe(MIN_SPAN);
    expect(selection(DAY0 + 5000, DAY0)).toEqual({ start: DAY0, end: DAY0 + 5000 });
    expect(selection(DAY0, DAY0)).toEqual({ start: DAY0, end: DAY0 + 1000 });
  });

  it('fetches a window a span either side, and keeps it while the view pans or zooms a little inside it', () => {
    for (const view of [
      { start: DAY0, span: 24 * H },
      { start: DAY0 + 12_345.6, span: 600_000 },
      { start: DAY0 - 7 * H, span: MIN_SPAN },
    ]) {
      const w = fetchWindow(view);
      expect(Number.isInteger(w.start) && Number.isInteger(w.end)).toBe(true);
      expect(w.start).toBeLessThanOrEqual(view.start - view.span);
      expect(w.end).toBeGreaterThanOrEqual(view.start + 2 * view.span);
      // a fresh window is kept for its own view (no refetch loop)
      expect(fetchWindow(view, w)).toBe(w);
    }
    const day = { start: DAY0, span: 24 * H };
    const w = fetchWindow(day);
    expect(w).toEqual({ start: DAY0 - 24 * H, end: DAY0 + 48 * H });
    expect(fetchWindow(pan(day, -300, 1000), w)).toBe(w);
    expect(fetchWindow(pan(day, 300, 1000), w)).toBe(w);
    expect(fetchWindow(zoomAt(day, 0.8, DAY0 + 12 * H), w)).toBe(w);
    // too close to the edge, or zoomed in so far that the window's buckets would be too coarse: a new window
    expect(fetchWindow(pan(day, -900, 1000), w)).not.toBe(w);
    expect(fetchWindow(zoomAt(day, 0.5, DAY0 + 12 * H), w)).not.toBe(w);
    const hour = { start: DAY0, span: H };
    expect(fetchWindow(zoomAt(hour, 4, DAY0 + H / 2), fetchWindow(hour))).not.toEqual(fetchWindow(hour));
  });

  it('shades grouped markers by how many events they hold', () => {
    expect(bucketAlpha(1)).toBeCloseTo(0.45);
    expect(bucketAlpha(2)).toBeGreaterThan(bucketAlpha(1));
    expect(bucketAlpha(50)).toBe(1);
  });
});
