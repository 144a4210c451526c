// Review items: what happened, grouped per camera and time, the way a person works through it. One item is a run of a
// camera's events with less than a gap between them; it is an alert when any of its events raised one, motion when
// nothing but movement was seen, a detection otherwise. Pure: the engine groups with it, the UI's tests exercise it.

export type ReviewKind = 'alert' | 'detection' | 'motion';

/** What grouping needs of an event. */
export interface ReviewSource {
  id: string;
  cameraId: string;
  label: string;
  start: number;
  end: number | null;
  topScore: number;
  hasSnapshot: boolean;
  zones: string[];
  alerted: boolean;
  reviewed: boolean;
}

export interface ReviewGroup {
  /** The first event's id: stable while the item grows. */
  id: string;
  cameraId: string;
  kind: ReviewKind;
  start: number;
  /** null while any of its events is still open. */
  end: number | null;
  labels: string[];
  zones: string[];
  eventIds: string[];
  /** The event whose snapshot stands for the item: the alert, else the best score. */
  coverEventId: string;
  reviewed: boolean;
}

/** Events of one camera closer than this (end of one to start of the next) are one item. */
export const REVIEW_GAP_MS = 30_000;

export const MOTION_LABEL = 'motion';

function kindOf(events: ReviewSource[]): ReviewKind {
  if (events.some((e) => e.alerted)) return 'alert';
  return events.every((e) => e.label === MOTION_LABEL) ? 'motion' : 'detection';
}

function cover(events: ReviewSource[]): ReviewSource {
  const rank = (e: ReviewSource): number => (e.alerted ? 2 : 0) + (e.hasSnapshot ? 1 : 0) + e.topScore / 10;
  return events.reduce((best, e) => (rank(e) > rank(best) ? e : best));
}

function toGroup(events: ReviewSource[]): ReviewGroup {
  const first = events[0]!;
  const open = events.some((e) => e.end === null);
  return {
    id: first.id,
    cameraId: first.cameraId,
    kind: kindOf(events),
    start: first.start,
    end: open ? null : Math.max(...events.map((e) => e.end ?? e.start)),
    labels: [...new Set(events.map((e) => e.label))].sort(),
    zones: [...new Set(events.flatMap((e) => e.zones))].sort(),
    eventIds: events.map((e) => e.id),
    coverEventId: cover(events).id,
    reviewed: events.every((e) => e.reviewed),
  };
}

/** Groups events (any order) into review items, newest first. `now` ends the reach of events still open. */
export function groupReview(events: readonly ReviewSource[], now: number, gapMs = REVIEW_GAP_MS): ReviewGroup[] {
  const byCamera = new Map<string, ReviewSource[]>();
  for (const e of events) {
    const list = byCamera.get(e.cameraId);
    if (list) list.push(e);
    else byCamera.set(e.cameraId, [e]);
  }
  const groups: ReviewGroup[] = [];
  for (const list of byCamera.values()) {
    list.sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
    let run: ReviewSource[] = [];
    let reach = -Infinity;
    for (const e of list) {
      if (run.length && e.start > reach + gapMs) {
        groups.push(toGroup(run));
        run = [];
        reach = -Infinity;
      }
      run.push(e);
      reach = Math.max(reach, e.end ?? now);
    }
    if (run.length) groups.push(toGroup(run));
  }
  return groups.sort((a, b) => b.start - a.start || a.id.localeCompare(b.id));
}
