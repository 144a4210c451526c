// Triage state: keys to actions, the cursor through the list, what each key asks of the engine, and the URL filters.
import type { ReviewItem } from '@common/contract/index.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, filtersFromUrl, filtersToUrl, toggle, toQuery } from './review-url.js';
import { keepCursor, keyToAction, triage } from './triage.js';

const item = (id: string, events = [id]): ReviewItem => ({ id, cameraId: 'c', kind: 'detection', start: 0, end: 1, labels: ['person'], zones: [], eventIds: events, coverEventId: events[0]!, reviewed: false });
const items = [item('a', ['a', 'a2']), item('b'), item('c')];

describe('triage', () => {
  it('maps the usual keys', () => {
    expect(['j', 'ArrowDown', 'k', 'ArrowUp', ' ', 'r', 'u', 'e', 'f', 'Enter', 'x'].map(keyToAction)).toEqual([
      'next', 'next', 'previous', 'previous', 'mark', 'mark', 'unmark', 'keep', 'falseAlarm', 'open', undefined,
    ]);
  });

  it('moves the cursor, starting at the first item and stopping at the ends', () => {
    let s = triage(items, { cursor: null }, 'next').state;
    expect(s.cursor).toBe('a');
    s = triage(items, s, 'next').state;
    s = triage(items, s, 'next').state;
    s = triage(items, s, 'next').state;
    expect(s.cursor).toBe('c');
    s = triage(items, s, 'previous').state;
    expect(s.cursor).toBe('b');
    expect(triage([], { cursor: null }, 'next').state.cursor).toBeNull();
  });

  it('mark, keep and false alarm act on every event of the item, then move to the next', () => {
    expect(triage(items, { cursor: 'a' }, 'mark')).toEqual({ state: { cursor: 'b' }, effect: { kind: 'mark', eventIds: ['a', 'a2'], reviewed: true } });
    expect(triage(items, { cursor: 'b' }, 'keep')).toEqual({ state: { cursor: 'c' }, effect: { kind: 'keep', eventIds: ['b'] } });
    expect(triage(items, { cursor: 'c' }, 'falseAlarm')).toEqual({ state: { cursor: 'c' }, effect: { kind: 'falseAlarm', eventIds: ['c'] } });
    expect(triage(items, { cursor: 'b' }, 'unmark')).toEqual({ state: { cursor: 'b' }, effect: { kind: 'mark', eventIds: ['b'], reviewed: false } });
    expect(triage(items, { cursor: 'a' }, 'open').effect).toEqual({ kind: 'open', eventId: 'a' });
    // with nothing under the cursor, a mark only places it
    expect(triage(items, { cursor: null }, 'mark')).toEqual({ state: { cursor: 'a' } });
  });

  it('keeps its place when the list refreshes: the same item, else the one now at its place', () => {
    expect(keepCursor(items, items, 'b')).toBe('b');
    // b was reviewed and left the unreviewed list: the cursor lands on what took its place
    expect(keepCursor(items, [items[0]!, items[2]!], 'b')).toBe('c');
    expect(keepCursor(items, [items[0]!], 'c')).toBe('a');
    expect(keepCursor(items, [], 'a')).toBeNull();
  });
});

describe('review filters in the URL', () => {
  it('round-trips several cameras, labels and kinds, the span and the reviewed toggle; defaults stay out', () => {
    const f = { cameras: ['front', 'back'], labels: ['person', 'car'], kinds: ['alert' as const], hours: 6, showReviewed: true };
    const url = filtersToUrl(f);
    expect(url.toString()).toBe('cameras=front%2Cback&labels=person%2Ccar&kinds=alert&hours=6&reviewed=show');
    expect(filtersFromUrl(new URLSearchParams(url.toString()))).toEqual(f);
    expect(filtersToUrl(DEFAULT_FILTERS).toString()).toBe('');
  });

  it('ignores what it does not know (a hand-edited URL)', () => {
    expect(filtersFromUrl(new URLSearchParams('kinds=alert,everything&hours=5&cameras=a,,a'))).toEqual({ ...DEFAULT_FILTERS, kinds: ['alert'], cameras: ['a'] });
  });

  it('becomes the engine query, unreviewed only unless asked', () => {
    expect(toQuery({ ...DEFAULT_FILTERS, labels: ['dog'] }, 1_000_000_000)).toEqual({ labels: ['dog'], after: 1_000_000_000 - 24 * 3600_000, reviewed: false, limit: 200 });
    expect(toQuery({ ...DEFAULT_FILTERS, showReviewed: true }, 0)).not.toHaveProperty('reviewed');
    expect(toggle(['a', 'b'], 'a')).toEqual(['b']);
    expect(toggle(['b'], 'a')).toEqual(['b', 'a']);
  });
});
