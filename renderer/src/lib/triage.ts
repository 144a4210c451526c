// Keyboard triage of review items, as pure state: where the cursor is, and what a key does to the list and the engine.
import type { ReviewItem } from '@common/contract/index.js';

export type TriageKey = 'next' | 'previous' | 'mark' | 'unmark' | 'keep' | 'falseAlarm' | 'open';

/** The keys people expect (j/k as in mail and Frigate, arrows, space to mark, e to keep, f for a false alarm). */
export function keyToAction(key: string): TriageKey | undefined {
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return 'next';
    case 'k':
    case 'ArrowUp':
      return 'previous';
    case ' ':
    case 'r':
      return 'mark';
    case 'u':
      return 'unmark';
    case 'e':
      return 'keep';
    case 'f':
      return 'falseAlarm';
    case 'Enter':
    case 'o':
      return 'open';
    default:
      return undefined;
  }
}

export interface TriageState {
  /** The item under the cursor, by id: it stays put when the list refreshes around it. */
  cursor: string | null;
}

/** What the page asks of the engine for one key press. */
export type TriageEffect =
  | { kind: 'mark'; eventIds: string[]; reviewed: boolean }
  | { kind: 'keep'; eventIds: string[] }
  | { kind: 'falseAlarm'; eventIds: string[] }
  | { kind: 'open'; eventId: string };

function indexOf(items: readonly ReviewItem[], cursor: string | null): number {
  const i = cursor === null ? -1 : items.findIndex((it) => it.id === cursor);
  return i;
}

/** The cursor after moving by `step` (clamped); with no cursor, the first item. */
function moved(items: readonly ReviewItem[], cursor: string | null, step: number): string | null {
  if (items.length === 0) return null;
  const i = indexOf(items, cursor);
  if (i < 0) return items[0]!.id;
  return items[Math.min(items.length - 1, Math.max(0, i + step))]!.id;
}

/**
 * One key press: the new state and the effect to run. Marking, keeping or dismissing an item moves on to the next,
 * as triage does; the list is the one shown (already filtered), in its order.
 */
export function triage(items: readonly ReviewItem[], state: TriageState, action: TriageKey): { state: TriageState; effect?: TriageEffect } {
  const i = indexOf(items, state.cursor);
  const current = i >= 0 ? items[i] : undefined;
  const advance = (): TriageState => ({ cursor: i + 1 < items.length ? items[i + 1]!.id : (current?.id ?? null) });
  switch (action) {
    case 'next':
      return { state: { cursor: moved(items, state.cursor, 1) } };
    case 'previous':
      return { state: { cursor: moved(items, state.cursor, -1) } };
    case 'open':
      return current ? { state, effect: { kind: 'open', eventId: current.coverEventId } } : { state };
    case 'mark':
    case 'unmark':
      if (!current) return { state: { cursor: moved(items, null, 0) } };
      return { state: action === 'mark' ? advance() : state, effect: { kind: 'mark', eventIds: current.eventIds, reviewed: action === 'mark' } };
    case 'keep':
      return current ? { state: advance(), effect: { kind: 'keep', eventIds: current.eventIds } } : { state };
    case 'falseAlarm':
      return current ? { state: advance(), effect: { kind: 'falseAlarm', eventIds: current.eventIds } } : { state };
  }
}

/** After a refresh: the same item if it is still listed, else the one now at its place, else the last. */
export function keepCursor(before: readonly ReviewItem[], after: readonly ReviewItem[], cursor: string | null): string | null {
  if (cursor === null || after.length === 0) return after[0]?.id ?? null;
  if (after.some((it) => it.id === cursor)) return cursor;
  const was = before.findIndex((it) => it.id === cursor);
  return after[Math.min(Math.max(was, 0), after.length - 1)]!.id;
}
