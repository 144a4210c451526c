// Timeline maths, pure and tested: the visible window, zoom around a point, drag, spans and events in view.

export interface View {
  /** Epoch ms at the left edge. */
  start: number;
  /** Milliseconds shown across the width. */
  span: number;
}

export const MIN_SPAN = 60_000;
/** A whole local day: 25 hours on the day DST gives an hour back. */
export const MAX_SPAN = 25 * 3600_000;

export function clampSpan(span: number): number {
  return Math.min(MAX_SPAN, Math.max(MIN_SPAN, span));
}

export function timeToX(t: number, view: View, width: number): number {
  return ((t - view.start) / view.span) * width;
}

export function xToTime(x: number, view: View, width: number): number {
  return view.start + (x / width) * view.span;
}

/** Zooms by `factor` (< 1 zooms in) keeping `anchor` at the same place on screen. */
export function zoomAt(view: View, factor: number, anchor: number): View {
  const span = clampSpan(view.span * factor);
  const ratio = (anchor - view.start) / view.span;
  return { start: anchor - ratio * span, span };
}

/** Dragging by dx pixels moves time the other way. */
export function pan(view: View, dx: number, width: number): View {
  return { start: view.start - (dx / width) * view.span, span: view.span };
}

/** A view of `span` centred on t. */
export function centredOn(t: number, span: number): View {
  const s = clampSpan(span);
  return { start: t - s / 2, span: s };
}

export interface Interval {
  start: number;
  end: number;
}

/** Intervals that touch the view, cut to it, in pixels; tiny ones are widened to stay visible. */
export function spansInView<T extends Interval>(items: readonly T[], view: View, width: number, minPx = 2): (T & { x: number; w: number })[] {
  const end = view.start + view.span;
  return items
    .filter((s) => s.end > view.start && s.start < end)
    .map((s) => {
      const x = Math.max(0, timeToX(s.start, view, width));
      const x2 = Math.min(width, timeToX(s.end, view, width));
      return { ...s, x, w: Math.max(minPx, x2 - x) };
    });
}

/**
 * The window of data fetched around a view: a span either side. The current window is kept while the view stays a quarter
 * span inside it and it is not much wider than three views (plus rounding), so panning and small zooms reuse what was fetched.
 */
export function fetchWindow(view: View, current: Interval | null = null): Interval {
  const margin = view.span / 4;
  if (current && current.start <= view.start - margin && current.end >= view.start + view.span + margin && current.end - current.start <= 4 * view.span + 120_000) {
    return current;
  }
  return { start: Math.floor((view.start - view.span) / 60_000) * 60_000, end: Math.ceil((view.start + 2 * view.span) / 60_000) * 60_000 };
}

/** Buckets a busy window is cut into: about 270 per view, four or five pixels each at any zoom. */
export const WINDOW_BUCKETS = 800;

/** Grouped markers are more opaque the more events they hold. */
export function bucketAlpha(count: number): number {
  return Math.min(1, 0.45 + 0.15 * (count - 1));
}

/** The first event starting after t (next) or the last starting before t (previous); 500 ms of slack so repeated presses move on. */
export function adjacentEvent<T extends { start: number }>(events: readonly T[], t: number, dir: 1 | -1): T | undefined {
  const sorted = [...events].sort((a, b) => a.start - b.start);
  if (dir === 1) return sorted.find((e) => e.start > t + 500);
  return sorted.reverse().find((e) => e.start < t - 500);
}

/** Merges a drag from a to b into an ordered selection of at least one second. */
export function selection(a: number, b: number): Interval {
  const start = Math.min(a, b);
  return { start, end: Math.max(start + 1000, Math.max(a, b)) };
}
