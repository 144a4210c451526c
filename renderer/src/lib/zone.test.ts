// Times in the viewer's zone: ticks on local hours and days across both DST changes, local days of 23 and 25 hours,
// half-hour zones, and the per-device override.
// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { chooseZone, dayKey, deviceZone, fromLocalInput, instantOf, localDay, offsetAt, parseDayKey, partsIn, startOfDayIn, ticksIn, toLocalInput, viewerZone } from './zone.js';

const H = 3600_000;
const LONDON = 'Europe/London';
const pad = (n: number) => String(n).padStart(2, '0');
// 24-hour wall-clock labels in the zone (the shown labels follow the viewer's locale)
const hours = (ts: number[], zone: string) => ts.map((t) => partsIn(t, zone)).map((p) => `${pad(p.hour)}:${pad(p.minute)}`);

afterEach(() => localStorage.clear());

describe('local days and offsets', () => {
  it('knows London is UTC in winter and UTC+1 in summer, changing at 01:00 UTC', () => {
    expect(offsetAt(Date.UTC(2026, 0, 15, 12), LONDON)).toBe(0);
    expect(offsetAt(Date.UTC(2026, 6, 15, 12), LONDON)).toBe(H);
    expect(offsetAt(Date.UTC(2026, 2, 29, 0, 59), LONDON)).toBe(0);
    expect(offsetAt(Date.UTC(2026, 2, 29, 1, 0), LONDON)).toBe(H);
    expect(offsetAt(Date.UTC(2026, 0, 15), 'Asia/Kolkata')).toBe(5.5 * H);
  });

  it('gives the day that loses an hour 23 hours and the one that gains it 25', () => {
    const spring = parseDayKey('2026-03-29', LONDON)!;
    expect(spring).toBe(Date.UTC(2026, 2, 29));
    expect(parseDayKey('2026-03-30', LONDON)! - spring).toBe(23 * H);
    const autumn = parseDayKey('2026-10-25', LONDON)!;
    expect(autumn).toBe(Date.UTC(2026, 9, 24, 23));
    expect(parseDayKey('2026-10-26', LONDON)! - autumn).toBe(25 * H);
    // any moment of the day finds its start, and names its day in the zone (not in UTC)
    expect(startOfDayIn(autumn + 24.5 * H, LONDON)).toBe(autumn);
    expect(dayKey(Date.UTC(2026, 6, 1, 23, 30), LONDON)).toBe('2026-07-02');
    expect(dayKey(Date.UTC(2026, 6, 1, 23, 30), 'America/New_York')).toBe('2026-07-01');
    expect(parseDayKey('not a day', LONDON)).toBeUndefined();
    expect(localDay(autumn + 3 * H, LONDON)).toEqual({ start: autumn, span: 25 * H });
    expect(localDay(spring + 20 * H, LONDON)).toEqual({ start: spring, span: 23 * H });
    expect(localDay(Date.UTC(2026, 6, 1, 12), LONDON).span).toBe(24 * H);
  });

  it('moves a wall time that DST skips on by the jump', () => {
    // 01:30 does not exist in London on 29 March 2026: it is 02:30 BST = 01:30 UTC
    expect(instantOf(LONDON, 2026, 3, 29, 1, 30)).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(instantOf(LONDON, 2026, 3, 29, 3, 0)).toBe(Date.UTC(2026, 2, 29, 2, 0));
  });
});

describe('date-and-time inputs in a zone', () => {
  it('shows and reads a datetime-local value on the zone\'s wall clock, across a DST change', () => {
    const t = Date.UTC(2026, 9, 25, 0, 30); // 01:30 in London, just before the clocks go back
    expect(toLocalInput(t, 'Europe/London')).toBe('2026-10-25T01:30');
    expect(toLocalInput(t, 'Asia/Kolkata')).toBe('2026-10-25T06:00');
    expect(fromLocalInput('2026-10-25T06:00', 'Asia/Kolkata')).toBe(t);
    expect(fromLocalInput(toLocalInput(Date.UTC(2026, 6, 1, 12, 0), 'America/New_York'), 'America/New_York')).toBe(Date.UTC(2026, 6, 1, 12, 0));
    expect(fromLocalInput('', 'Europe/London')).toBeUndefined();
    expect(fromLocalInput('yesterday', 'Europe/London')).toBeUndefined();
  });
});

describe('timeline ticks in a zone', () => {
  it('ticks every local hour across the spring change: 01:00 never comes', () => {
    const start = parseDayKey('2026-03-29', LONDON)!;
    const t = ticksIn({ start, span: 23 * H - 1 }, 23 * 100, LONDON, 80);
    const labels = hours(t, LONDON);
    expect(labels).toHaveLength(23);
    expect(labels.slice(0, 4)).toEqual(['00:00', '02:00', '03:00', '04:00']);
    expect(labels).not.toContain('01:00');
  });

  it('ticks every local hour across the autumn change: 01:00 comes twice, an hour apart', () => {
    const start = parseDayKey('2026-10-25', LONDON)!;
    const t = ticksIn({ start, span: 25 * H - 1 }, 25 * 100, LONDON, 80);
    const labels = hours(t, LONDON);
    expect(labels).toHaveLength(25);
    expect(labels.slice(0, 4)).toEqual(['00:00', '01:00', '01:00', '02:00']);
    expect(t[2]! - t[1]!).toBe(H);
  });

  it('puts hour ticks on the local hour in a half-hour zone, and day ticks at local midnight', () => {
    const start = Date.UTC(2026, 0, 15);
    const t = ticksIn({ start, span: 24 * H }, 1200, 'Asia/Kolkata');
    expect(t.length).toBeGreaterThan(3);
    // on the local hour, so half past in UTC
    expect(t.every((x) => x % H === 30 * 60_000)).toBe(true);
    expect(hours(t, 'Asia/Kolkata').every((l) => l.endsWith(':00'))).toBe(true);
    const days = ticksIn({ start, span: 5 * 24 * H }, 500, 'America/New_York');
    expect(days.map((d) => new Date(d).getUTCHours())).toEqual([5, 5, 5, 5, 5]);
    // minutes when zoomed in
    const fine = ticksIn({ start: start + 7 * 60_000, span: 10 * 60_000 }, 1000, LONDON);
    expect(fine.every((x) => x % 60_000 === 0)).toBe(true);
    expect(fine.length).toBeGreaterThanOrEqual(9);
  });
});

describe('the zone of this device', () => {
  it('is the device zone until one is chosen; a choice can be undone; a bad one is refused', () => {
    expect(viewerZone()).toBe(deviceZone());
    chooseZone('Pacific/Auckland');
    expect(viewerZone()).toBe('Pacific/Auckland');
    expect(() => chooseZone('Mars/Olympus')).toThrow(/Not a time zone/);
    expect(viewerZone()).toBe('Pacific/Auckland');
    chooseZone(null);
    expect(viewerZone()).toBe(deviceZone());
  });
});
