// Evidence holds on a real engine: a month of retention (age, then the quota, then the disk floor) over held footage keeps exactly what is held.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../common/contract/methods.js';
import { StorageSettings } from '../../common/settings/index.js';
import { ADMIN, VIEWER, withEngine } from '../../../test/helpers/engine.js';
import type { CallContext } from '../api/router.js';
import { Retention } from '../recordings/retention.js';
import { sql } from '../storage/sql.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SEG_MS = 10_000;
/** The month starts here; retention then runs once a day for 30 days. */
const T0 = Date.UTC(2026, 9, 1);
let h: Awaited<ReturnType<typeof withEngine>>;

async function call<M extends MethodName>(ctx: CallContext, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await h.engine.router.dispatch(ctx, method, input);
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.value as MethodOutput<M>;
}

const segmentFiles = new Map<number, string>();

/** One 10 s segment file of 1000 bytes at `start`, indexed as ingest does. */
function addSegment(cameraId: string, start: number): void {
  // the index keeps paths relative to the recordings folder, as ingest stores them
  const rel = `${cameraId}/${new Date(start).toISOString().slice(0, 10)}/${start}.mp4`;
  const path = join(h.engine.media.root('recordings'), rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, Buffer.alloc(1000));
  segmentFiles.set(start, path);
  h.engine.segments.add({ cameraId, path: rel, start, end: start + SEG_MS, durationMs: SEG_MS, bytes: 1000 });
}

/** An event with a snapshot and thumbnail on disk; returns the snapshot's path. */
function addEvent(id: string, cameraId: string, start: number, end: number): string {
  const rel = `${cameraId}/${id}.jpg`;
  const file = join(h.engine.media.root('snapshots'), rel);
  mkdirSync(join(h.engine.media.root('snapshots'), cameraId), { recursive: true });
  writeFileSync(file, Buffer.alloc(200));
  writeFileSync(file.replace(/\.jpg$/, '.thumb.jpg'), Buffer.alloc(100));
  h.engine.events.upsert({ id, cameraId, label: 'person', start, end, topScore: 0.9, box: [0, 0, 1, 1], zones: [], snapshot: rel, snapshotBytes: 300, seenAt: end });
  return file;
}

const segmentStarts = (cameraId: string): number[] =>
  h.engine.db.all<{ start: number }>(sql`SELECT start FROM segments WHERE camera_id = ${cameraId} ORDER BY start`).map((r) => r.start);
const eventIds = (): string[] => h.engine.db.all<{ id: string }>(sql`SELECT id FROM events ORDER BY id`).map((r) => r.id);

// held range: day 2, 10:00:00 to 10:00:25 -> segments 10:00:00, :10, :20; the event on day 4 with 5 s padding either side
const RANGE = { start: T0 + 2 * DAY + 10 * HOUR, end: T0 + 2 * DAY + 10 * HOUR + 25_000 };
const HELD_EVENT = { start: T0 + 4 * DAY + 14 * HOUR + 12_000, end: T0 + 4 * DAY + 14 * HOUR + 31_000 };
let heldSnapshot: string;
let otherSnapshot: string;
let expectedHeld: number[];

beforeAll(async () => {
  h = await withEngine();
  h.engine.cameras.upsert({ id: 'gate', name: 'Gate', recordMode: 'continuous', streams: [{ name: 'main', url: 'rtsp://127.0.0.1:8554/gate', roles: ['record'] }] });
  h.engine.settings.set('storage', { continuousDays: 7, eventDays: 7, eventPrePaddingS: 5, eventPostPaddingS: 5 });
  // a minute of footage every two hours of the month: 2160 segments
  h.engine.db.transaction(() => {
    for (let t = T0; t < T0 + 30 * DAY; t += 2 * HOUR) for (let i = 0; i < 6; i++) addSegment('gate', t + i * SEG_MS);
  });
  heldSnapshot = addEvent('ev-held', 'gate', HELD_EVENT.start, HELD_EVENT.end);
  otherSnapshot = addEvent('ev-other', 'gate', T0 + 4 * DAY + 16 * HOUR, T0 + 4 * DAY + 16 * HOUR + 5_000);
  addEvent('ev-in-range', 'gate', RANGE.start + 2_000, RANGE.start + 8_000);
  // what must stay: the range's segments and those the padded event touches
  const eventWindow = { start: HELD_EVENT.start - 5_000, end: HELD_EVENT.end + 5_000 };
  expectedHeld = segmentStarts('gate').filter((s) => [RANGE, eventWindow].some((w) => s < w.end && s + SEG_MS > w.start));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('evidence holds', () => {
  it('holding is admin-only and audited; a held event cannot be deleted by hand', async () => {
    const viewerTry = await h.engine.router.dispatch(VIEWER, 'evidence.holdEvent', { eventId: 'ev-held', reason: 'case 1' });
    expect(viewerTry.ok).toBe(false);
    const ev = await call(ADMIN, 'evidence.holdEvent', { eventId: 'ev-held', reason: 'case 2026-114' });
    expect(ev).toMatchObject({ cameraId: 'gate', eventId: 'ev-held', reason: 'case 2026-114', createdBy: 'test-admin', releasedAt: null });
    const range = await call(ADMIN, 'evidence.holdRange', { cameraId: 'gate', ...RANGE, reason: 'case 2026-114' });
    expect(range).toMatchObject({ cameraId: 'gate', eventId: null, start: RANGE.start, end: RANGE.end });
    expect((await call(VIEWER, 'evidence.list', { cameraId: 'gate' })).map((x) => x.id).sort()).toEqual([ev.id, range.id].sort());
    expect(await call(VIEWER, 'evidence.list', { eventId: 'ev-held' })).toHaveLength(1);

    const del = await h.engine.router.dispatch(ADMIN, 'events.delete', { id: 'ev-held' });
    expect(del).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // an event inside a held range is held with it
    expect(await h.engine.router.dispatch(ADMIN, 'events.delete', { id: 'ev-in-range' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await h.engine.router.dispatch(ADMIN, 'cameras.delete', { id: 'gate' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const actions = h.engine.audit.query({ limit: 50 }).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['evidence.holdEvent', 'evidence.holdRange']));
  });

  it('a month of daily retention passes, then a quota smaller than the held footage: exactly the held segments and events stay', async () => {
    // the range: 10:00:00, :10, :20; the padded event (14:00:07 to 14:00:36): 14:00:00, :10, :20, :30
    expect(expectedHeld.length).toBe(3 + 4);
    for (let day = 1; day <= 30; day++) await h.engine.retention.run(T0 + day * DAY);
    const now = T0 + 30 * DAY;
    // newer than 7 days survives by age; everything older is gone but what is held
    const old = segmentStarts('gate').filter((s) => s + SEG_MS < now - 7 * DAY);
    expect(old).toEqual(expectedHeld);
    expect(eventIds()).toEqual(['ev-held', 'ev-in-range']);
    expect(existsSync(heldSnapshot)).toBe(true);
    expect(existsSync(otherSnapshot)).toBe(false);

    // the quota (about 107 kB) is below what is recorded: the oldest unheld go, the held never
    h.engine.settings.set('storage', { quotaGb: 0.0001 });
    await h.engine.retention.run(now);
    const left = segmentStarts('gate');
    expect(left.length).toBeLessThan(200);
    expect(left.filter((s) => s + SEG_MS < now - 7 * DAY)).toEqual(expectedHeld);
    expect(left.slice(0, expectedHeld.length)).toEqual(expectedHeld);
    for (const s of expectedHeld) expect(existsSync(segmentFiles.get(s)!)).toBe(true);
    expect(existsSync(segmentFiles.get(T0)!)).toBe(false);
  });

  it('the disk floor skips held footage; once released, the next pass treats it as any other', async () => {
    const floor = new Retention({
      db: h.engine.db,
      index: h.engine.segments,
      events: h.engine.events,
      media: h.engine.media,
      holds: h.engine.holds,
      storage: () => StorageSettings.parse({ continuousDays: 365, eventDays: 365, minFreeGb: 10 }),
      cameras: () => h.engine.cameras.retentionPolicies(),
      // the disk is full, and this pass may reclaim what was recorded since the last one
      diskFree: async () => ({ free: 0, total: 1e12 }),
    });
    h.engine.db.transaction(() => {
      for (let i = 0; i < 50; i++) addSegment('gate', T0 + 31 * DAY + i * SEG_MS);
    });
    await floor.run(T0 + 31 * DAY);
    expect(segmentStarts('gate').slice(0, expectedHeld.length)).toEqual(expectedHeld);

    for (const hold of await call(VIEWER, 'evidence.list', {})) {
      expect(await call(ADMIN, 'evidence.release', { id: hold.id })).toMatchObject({ releasedBy: 'test-admin' });
    }
    expect(await call(VIEWER, 'evidence.list', {})).toEqual([]);
    expect(await call(VIEWER, 'evidence.list', { includeReleased: true })).toHaveLength(2);
    expect(h.engine.audit.query({ limit: 50 }).filter((a) => a.action === 'evidence.release')).toHaveLength(2);
    await h.engine.retention.run(T0 + 31 * DAY);
    expect(segmentStarts('gate').filter((s) => s + SEG_MS < T0 + 24 * DAY)).toEqual([]);
    expect(eventIds()).toEqual([]);
    expect(existsSync(heldSnapshot)).toBe(false);
  });
});
