// Review over a real engine and SQLite file: items per camera and time, each user's own reviewed state, counts that
// fall as items are triaged, filters that combine, mark-all, and state that follows the events (dismissed, deleted).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewItem } from '../../common/contract/index.js';
import { ADMIN, VIEWER, withEngine } from '../../../test/helpers/engine.js';
import { sql } from '../storage/sql.js';

let h: Awaited<ReturnType<typeof withEngine>>;
const now = Date.now();
const min = 60_000;

async function call<T>(ctx: typeof ADMIN, method: string, input: unknown): Promise<T> {
  const r = await h.engine.router.dispatch(ctx, method as never, input as never);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}
const list = (ctx: typeof ADMIN, input: unknown = {}) => call<{ items: ReviewItem[]; more: boolean }>(ctx, 'review.list', input);
const counts = (ctx: typeof ADMIN) => call<{ alert: number; detection: number; motion: number; total: number }>(ctx, 'review.counts', {});

beforeAll(async () => {
  h = await withEngine();
  for (const id of ['front', 'back']) h.engine.cameras.upsert({ id, name: id, streams: [{ name: 'main', url: `rtsp://127.0.0.1:1/${id}`, roles: ['record', 'detect', 'live'] }] });
  const put = (id: string, cameraId: string, label: string, startMin: number, zones: string[] = []) =>
    h.engine.events.upsert({ id, cameraId, label, start: now - startMin * min, end: now - startMin * min + 10_000, topScore: 0.8, box: [0.1, 0.1, 0.2, 0.4], zones, snapshot: null });
  // front: one visit of a person and a dog (an alert), a car an hour later; back: motion only, and a cat
  put('p1', 'front', 'person', 120, ['porch']);
  put('d1', 'front', 'dog', 119.8);
  put('c1', 'front', 'car', 60, ['drive']);
  put('m1', 'back', 'motion', 90);
  put('m2', 'back', 'motion', 89.9);
  put('k1', 'back', 'cat', 30);
  put('old', 'front', 'person', 26 * 60); // outside the default 24 h
  const rule = h.engine.rules.upsert({ name: 'person at the front', labels: ['person'] });
  h.engine.db.run(sql`INSERT INTO alerts (rule_id, event_id, camera_id, label, time) VALUES (${rule.id}, 'p1', 'front', 'person', ${now - 120 * min})`);
});
afterAll(() => h.close());

describe('review', () => {
  it('groups events into items per camera and time, with their kind, newest first, within the last 24 h', async () => {
    const { items, more } = await list(ADMIN);
    expect(more).toBe(false);
    expect(items.map((i) => [i.cameraId, i.kind, i.eventIds])).toEqual([
      ['back', 'detection', ['k1']],
      ['front', 'detection', ['c1']],
      ['back', 'motion', ['m1', 'm2']],
      ['front', 'alert', ['p1', 'd1']],
    ]);
    expect(items[3]).toMatchObject({ coverEventId: 'p1', labels: ['dog', 'person'], zones: ['porch'], reviewed: false });
    expect(await counts(ADMIN)).toEqual({ alert: 1, detection: 2, motion: 1, total: 4 });
  });

  it('filters combine: cameras, labels, zones, kinds and time', async () => {
    expect((await list(ADMIN, { cameras: ['front'], kinds: ['alert', 'detection'] })).items.map((i) => i.id)).toEqual(['c1', 'p1']);
    expect((await list(ADMIN, { labels: ['person', 'cat'] })).items.map((i) => i.id)).toEqual(['k1', 'p1']);
    expect((await list(ADMIN, { zones: ['drive'] })).items.map((i) => i.id)).toEqual(['c1']);
    expect((await list(ADMIN, { kinds: ['motion'] })).items.map((i) => i.id)).toEqual(['m1']);
    expect((await list(ADMIN, { after: now - 27 * 3600_000, before: now - 25 * 3600_000 })).items.map((i) => i.id)).toEqual(['old']);
    expect((await list(ADMIN, { cameras: ['front'], labels: ['cat'] })).items).toEqual([]);
  });

  it('each user has their own reviewed state; the count falls as items are triaged', async () => {
    const changes: number[] = [];
    const off = h.engine.bus.subscribe('review.changed', (c) => changes.push(c.at));
    expect(await call(ADMIN, 'review.mark', { eventIds: ['p1', 'd1'] })).toEqual({ changed: 2 });
    expect(await counts(ADMIN)).toEqual({ alert: 0, detection: 2, motion: 1, total: 3 });
    // the viewer has reviewed nothing
    expect(await counts(VIEWER)).toEqual({ alert: 1, detection: 2, motion: 1, total: 4 });
    expect((await list(ADMIN, { reviewed: false })).items.map((i) => i.id)).toEqual(['k1', 'c1', 'm1']);
    expect((await list(VIEWER, { reviewed: true })).items).toEqual([]);
    // half an item is not the item
    await call(ADMIN, 'review.mark', { eventIds: ['m1'] });
    expect((await list(ADMIN, { kinds: ['motion'] })).items[0]!.reviewed).toBe(false);
    // marking again changes nothing; unmarking brings it back
    expect(await call(ADMIN, 'review.mark', { eventIds: ['p1'] })).toEqual({ changed: 0 });
    expect(await call(ADMIN, 'review.mark', { eventIds: ['p1'], reviewed: false })).toEqual({ changed: 1 });
    expect((await counts(ADMIN)).alert).toBe(1);
    expect(changes.length).toBe(3);
    off();
  });

  it('mark all reviewed takes the filter: only what it matches', async () => {
    expect(await call(VIEWER, 'review.markAll', { cameras: ['back'] })).toEqual({ changed: 3 });
    expect(await counts(VIEWER)).toEqual({ alert: 1, detection: 1, motion: 0, total: 2 });
    expect(await call(VIEWER, 'review.markAll', { kinds: ['alert'] })).toEqual({ changed: 2 });
    expect(await counts(VIEWER)).toEqual({ alert: 0, detection: 1, motion: 0, total: 1 });
  });

  it('a false alarm leaves review; a deleted event takes its reviewed state with it', async () => {
    await call(ADMIN, 'events.markFalsePositive', { id: 'k1', falsePositive: true });
    expect((await list(ADMIN)).items.map((i) => i.id)).not.toContain('k1');
    await call(ADMIN, 'review.mark', { eventIds: ['c1'] });
    await call(ADMIN, 'events.delete', { id: 'c1' });
    expect(h.engine.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM event_reviews WHERE event_id = 'c1'`)?.n).toBe(0);
  });

  it('refuses unknown event ids quietly (nothing changes) and bad input with a clear error', async () => {
    expect(await call(ADMIN, 'review.mark', { eventIds: ['no-such-event'] })).toEqual({ changed: 0 });
    const bad = await h.engine.router.dispatch(ADMIN, 'review.mark', { eventIds: [] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const kinds = await h.engine.router.dispatch(ADMIN, 'review.list', { kinds: ['everything'] });
    expect(kinds).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
