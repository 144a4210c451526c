// Events and recordings through the contract: filters, cursor pages, flags, deletion, timeline spans.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, VIEWER, withEngine } from '../../../test/helpers/engine.js';
import { sql } from '../storage/sql.js';

let h: Awaited<ReturnType<typeof withEngine>>;
const T0 = Date.UTC(2026, 10, 28, 8);

beforeAll(async () => {
  h = await withEngine();
  const { db, events } = h.engine;
  for (const id of ['front', 'back']) db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES (${id}, ${id}, 0, 0)`);
  for (let i = 0; i < 120; i++) {
    events.upsert({
      id: `ev-${String(i).padStart(3, '0')}`,
      cameraId: i % 2 ? 'front' : 'back',
      label: i % 3 ? 'person' : 'dog',
      start: T0 + i * 60_000,
      end: T0 + i * 60_000 + 20_000,
      topScore: 0.5 + (i % 50) / 100,
      box: [10, 20, 110, 220],
      zones: i % 4 === 0 ? ['driveway'] : [],
      snapshot: null,
    });
  }
});
afterAll(() => h.close());

const call = async (method: string, input: unknown, ctx = VIEWER) => {
  const res = await h.engine.router.dispatch(ctx, method, input);
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.value as never;
};

describe('events.query', () => {
  it('filters by camera, label, zone, time and score, newest first', async () => {
    const page = (await call('events.query', { cameras: ['front'], labels: ['person'], after: T0, before: T0 + 3600_000, limit: 50 })) as {
      items: { cameraId: string; label: string; start: number }[];
    };
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((e) => e.cameraId === 'front' && e.label === 'person' && e.start < T0 + 3600_000)).toBe(true);
    expect(page.items.map((e) => e.start)).toEqual([...page.items.map((e) => e.start)].sort((a, b) => b - a));
    const zoned = (await call('events.query', { zones: ['driveway'] })) as { items: { zones: string[] }[] };
    expect(zoned.items.length).toBe(30);
    const strong = (await call('events.query', { minScore: 0.95, limit: 500 })) as { items: { topScore: number }[] };
    expect(strong.items.every((e) => e.topScore >= 0.95)).toBe(true);
  });

  it('pages with a cursor without repeating or skipping', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = (await call('events.query', { limit: 25, cursor })) as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((e) => e.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    await expect(call('events.query', { cursor: 'garbage' })).rejects.toThrow(/invalid_input/);
  });

  it('keeps, marks false positives, deletes; viewers cannot', async () => {
    await expect(call('events.keep', { id: 'ev-001', keep: true })).rejects.toThrow(/forbidden/);
    expect(await call('events.keep', { id: 'ev-001', keep: true }, ADMIN)).toMatchObject({ keep: true });
    expect(await call('events.markFalsePositive', { id: 'ev-002', falsePositive: true }, ADMIN)).toMatchObject({ falsePositive: true });
    const fps = (await call('events.query', { falsePositive: true })) as { items: { id: string }[] };
    expect(fps.items.map((e) => e.id)).toEqual(['ev-002']);
    expect(await call('events.delete', { id: 'ev-003' }, ADMIN)).toEqual({ deleted: true });
    await expect(call('events.get', { id: 'ev-003' })).rejects.toThrow(/not_found/);
    const audit = h.engine.audit.query({ action: 'events.delete' });
    expect(audit[0]).toMatchObject({ actor: 'test-admin', target: 'ev-003', ok: true });
  });
});

describe('recordings.spans', () => {
  it('merges contiguous segments into spans and splits at gaps', async () => {
    for (let i = 0; i < 6; i++) {
      if (i === 3) continue;
      h.engine.segments.add({ cameraId: 'front', path: `/tmp/none-${i}.mp4`, start: T0 + i * 10_000, end: T0 + (i + 1) * 10_000, durationMs: 10_000, bytes: 100 });
    }
    const spans = await call('recordings.spans', { cameras: ['front'], after: T0 - 1000, before: T0 + 3600_000 });
    expect(spans).toEqual([
      { cameraId: 'front', start: T0, end: T0 + 30_000 },
      { cameraId: 'front', start: T0 + 40_000, end: T0 + 60_000 },
    ]);
    await expect(call('recordings.spans', { after: 10, before: 5 })).rejects.toThrow(/invalid_input/);
  });
});
