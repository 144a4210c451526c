// Timeline markers: every event of a quiet window one by one, a busy one in complete per-camera buckets; stepping between events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarkersQuery } from '../../common/contract/timeline.js';
import { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { EventRepository } from './repository.js';

const T0 = Date.UTC(2026, 10, 28, 8);
const H = 3600_000;
let db: Database;
let events: EventRepository;

function add(id: string, cameraId: string, label: string, start: number, end: number | null): void {
  events.upsert({ id, cameraId, label, start, end, topScore: 0.8, box: [0, 0, 0.1, 0.1], zones: [], snapshot: null });
}

beforeAll(() => {
  db = Database.open(':memory:');
  events = new EventRepository(db);
  for (const id of ['front', 'back']) db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES (${id}, ${id}, 0, 0)`);
  // a busy hour: 600 events on front (2 in 3 people), 300 on back (all cars), one every 6 s / 12 s
  for (let i = 0; i < 600; i++) add(`f-${i}`, 'front', i % 3 === 2 ? 'dog' : 'person', T0 + i * 6000, T0 + i * 6000 + 4000);
  for (let i = 0; i < 300; i++) add(`b-${i}`, 'back', 'car', T0 + i * 12_000, T0 + i * 12_000 + 8000);
  // a long event that starts before the quiet window below and runs into it, one in progress, one false alarm
  add('long', 'back', 'truck', T0 + 2 * H - 20 * 60_000, T0 + 2 * H + 5 * 60_000);
  add('open', 'front', 'person', T0 + 2 * H + 30 * 60_000, null);
  add('fp', 'front', 'cat', T0 + 2 * H + 40 * 60_000, T0 + 2 * H + 41 * 60_000);
  events.setFlags('fp', { falsePositive: true });
});
afterAll(() => db.close());

describe('timeline markers', () => {
  it('lists every event of a quiet window, oldest first, including ones that started before it', () => {
    const now = T0 + 3 * H;
    const m = events.markers({ after: T0 + 2 * H, before: T0 + 3 * H, falsePositive: false }, now);
    expect(m.events?.map((e) => e.id)).toEqual(['long', 'open']);
    expect(m.total).toBe(2);
    expect(m.buckets).toEqual([]);
    expect(m.events?.[1]).toMatchObject({ cameraId: 'front', label: 'person', end: null });
    const all = events.markers({ after: T0 + 2 * H, before: T0 + 3 * H }, now);
    expect(all.events?.map((e) => e.id)).toEqual(['long', 'open', 'fp']);
  });

  it('buckets a busy window per camera without dropping any event', () => {
    const m = events.markers({ after: T0, before: T0 + H, falsePositive: false, maxEvents: 500, buckets: 60 }, T0 + 3 * H);
    expect(m.events).toBeNull();
    expect(m.total).toBe(900);
    expect(m.bucketMs).toBe(60_000);
    expect(m.buckets.reduce((n, b) => n + b.count, 0)).toBe(900);
    const front = m.buckets.filter((b) => b.cameraId === 'front');
    const back = m.buckets.filter((b) => b.cameraId === 'back');
    expect(front).toHaveLength(60);
    expect(back).toHaveLength(60);
    expect(front.every((b) => b.count === 10 && b.label === 'person')).toBe(true);
    expect(back.every((b) => b.count === 5 && b.label === 'car')).toBe(true);
    // a bucket spans its events: first start to last end
    expect(front[0]).toMatchObject({ start: T0, end: T0 + 9 * 6000 + 4000 });
    expect(front.map((b) => b.start)).toEqual([...front.map((b) => b.start)].sort((a, b) => a - b));
    const one = events.markers({ after: T0, before: T0 + H, cameras: ['back'], maxEvents: 100, buckets: 10 }, T0 + 3 * H);
    expect(one.buckets.every((b) => b.cameraId === 'back')).toBe(true);
    expect(one.total).toBe(300);
  });

  it('refuses windows that are empty or longer than 31 days', () => {
    expect(MarkersQuery.safeParse({ after: T0, before: T0 }).success).toBe(false);
    expect(MarkersQuery.safeParse({ after: T0, before: T0 + 32 * 24 * H }).success).toBe(false);
    expect(MarkersQuery.safeParse({ after: T0, before: T0 + H, buckets: 0 }).success).toBe(false);
  });

  it('steps to the next and previous event of one camera, wherever they are, skipping false alarms', () => {
    expect(events.adjacent({ cameraId: 'front', t: T0 + 6000, direction: 'next' })?.id).toBe('f-2');
    expect(events.adjacent({ cameraId: 'front', t: T0 + 6000, direction: 'previous' })?.id).toBe('f-0');
    expect(events.adjacent({ cameraId: 'front', t: T0 + 6000, direction: 'next', slackMs: 0 })?.id).toBe('f-2');
    expect(events.adjacent({ cameraId: 'front', t: T0 + 2 * H, direction: 'next' })?.id).toBe('open');
    expect(events.adjacent({ cameraId: 'front', t: T0 + 2 * H + 30 * 60_000, direction: 'next' })).toBeNull();
    expect(events.adjacent({ cameraId: 'back', t: T0, direction: 'previous' })).toBeNull();
  });
});
