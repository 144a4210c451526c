// The viewer's time zone (the device's, or one chosen for this device) and times shown in it: formatting, local days,
// and timeline ticks on local hour and day boundaries, through Intl so a DST change is handled by the platform's tz data.
import { useSyncExternalStore } from 'react';

const KEY = 'porchlight.timeZone';
const CHANGED = 'porchlight:time-zone';

export function deviceZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone chosen for this device, or null for the device's own. */
export function storedZone(): string | null {
  try {
    const z = localStorage.getItem(KEY);
    return z && isZone(z) ? z : null;
  } catch {
    return null;
  }
}

/** The zone every time on screen is shown in. */
export function viewerZone(): string {
  return storedZone() ?? deviceZone();
}

export function chooseZone(zone: string | null): void {
  if (zone === null) localStorage.removeItem(KEY);
  else if (isZone(zone)) localStorage.setItem(KEY, zone);
  else throw new Error(`Not a time zone: ${zone}`);
  window.dispatchEvent(new Event(CHANGED));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener(CHANGED, onChange);
  window.addEventListener('storage', onChange);
  return () => {
    window.removeEventListener(CHANGED, onChange);
    window.removeEventListener('storage', onChange);
  };
}

/** Re-renders when the zone is changed (here or in another tab). */
export function useViewerZone(): string {
  return useSyncExternalStore(subscribe, viewerZone, viewerZone);
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string, opts: Intl.DateTimeFormatOptions, locale?: string): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${zone}|${JSON.stringify(opts)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...opts, timeZone: zone });
    formats.set(key, f);
  }
  return f;
}

/** Wall-clock fields of instant t in zone. */
export function partsIn(t: number, zone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = formatter(zone, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' }, 'en-US').formatToParts(t);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') % 24, minute: get('minute'), second: get('second') };
}

/** How far zone's clock is ahead of UTC at instant t, in ms. */
export function offsetAt(t: number, zone: string): number {
  const p = partsIn(t, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The instant a local wall time (month 1-12) names in zone; a time skipped by DST moves on by the jump. */
export function instantOf(zone: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  // two passes: the offset at the guess, then at the corrected instant (they differ only across a change)
  const first = guess - offsetAt(guess, zone);
  return guess - offsetAt(first, zone);
}

/** The start of the local day holding t. */
export function startOfDayIn(t: number, zone: string): number {
  const p = partsIn(t, zone);
  return instantOf(zone, p.year, p.month, p.day);
}

/** The local day holding t as a span: 23, 24 or 25 hours long. */
export function localDay(t: number, zone: string): { start: number; span: number } {
  const start = startOfDayIn(t, zone);
  // noon of the next day is in the next day whatever DST does; its start ends this one
  return { start, span: startOfDayIn(start + 36 * 3600_000, zone) - start };
}

/** The local day holding t as YYYY-MM-DD. */
export function dayKey(t: number, zone: string): string {
  const p = partsIn(t, zone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** YYYY-MM-DD → the start of that local day, or undefined. */
export function parseDayKey(value: string | null, zone: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  if (!m) return undefined;
  const t = instantOf(zone, Number(m[1]), Number(m[2]), Number(m[3]));
  return Number.isNaN(t) ? undefined : t;
}

/** A datetime-local input's value (YYYY-MM-DDTHH:mm) for instant t, on zone's wall clock. */
export function toLocalInput(t: number, zone: string): string {
  const p = partsIn(t, zone);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${dayKey(t, zone)}T${two(p.hour)}:${two(p.minute)}`;
}

/** A datetime-local input's value → the instant it names in zone, or undefined for an empty or malformed value. */
export function fromLocalInput(value: string, zone: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return undefined;
  const t = instantOf(zone, Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  return Number.isNaN(t) ? undefined : t;
}

/** Minutes: the steps a timeline may tick at (a day is 1440). */
const STEPS_MIN = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

/**
 * Ticks for [start, start + span] at a readable step, on boundaries of the zone's wall clock: hours on the hour, days at
 * local midnight. Candidates are every `min(step, 15 min)` of UTC (every zone's offset is a multiple of 15 minutes), kept
 * when their local minute-of-day is a multiple of the step: a day that loses an hour to DST has one tick fewer, one that
 * gains it shows the repeated hour twice.
 */
export function ticksIn(view: { start: number; span: number }, width: number, zone: string, minGapPx = 80): number[] {
  const stepMin = STEPS_MIN.find((s) => ((s * 60_000) / view.span) * width >= minGapPx) ?? 1440;
  const grain = Math.min(stepMin, 15) * 60_000;
  const out: number[] = [];
  const end = view.start + view.span;
  for (let t = Math.ceil(view.start / grain) * grain; t <= end && out.length < 200; t += grain) {
    const p = partsIn(t, zone);
    if (p.second !== 0) continue;
    if ((p.hour * 60 + p.minute) % stepMin === 0) out.push(t);
  }
  return out;
}

/** Hours and minutes in the viewer's zone (tick labels). */
export function hourMinute(t: number, zone = viewerZone()): string {
  return formatter(zone, { hour: '2-digit', minute: '2-digit' }).format(t);
}

/** Time of day with seconds in the viewer's zone. */
export function timeOfDay(t: number, zone = viewerZone()): string {
  return formatter(zone, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(t);
}

/** Date and time in the viewer's zone. */
export function dateTime(t: number, zone = viewerZone()): string {
  return formatter(zone, { dateStyle: 'short', timeStyle: 'medium' }).format(t);
}
