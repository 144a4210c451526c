// Retention on a real SQLite file and real files: age, per camera, events-only, expiry, quota, floor, keep flags.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordMode } from '../../common/contract/index.js';
import { StorageSettings } from '../../common/settings/index.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { CameraRepository } from '../cameras/repository.js';
import { EventRepository, MAX_EVENT_MS } from '../events/repository.js';
import { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { SegmentIndex } from './index.js';
import { MediaStore } from '../media/index.js';
import { Retention } from './retention.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 29, 12);
let tmp: ReturnType<typeof makeTempDir>;
let db: Database;
let store: MediaStore;
let index: SegmentIndex;
let events: EventRepository;
let cameras: CameraRepository;

beforeEach(() => {
  tmp = makeTempDir();
  db = Database.open(join(tmp.dir, 'porchlight.db'));
  store = new MediaStore(tmp.dir);
  index = new SegmentIndex(db, store);
  events = new EventRepository(db);
  cameras = new CameraRepository(db);
  for (const id of ['a', 'b']) db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES (${id}, ${id}, 0, 0)`);
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

/** A segment file and its row (the index keeps the path relative to the recordings root); returns the file's absolute path. */
function addSegment(cameraId: string, start: number, bytes = 1000): string {
  const rel = `${cameraId}/${new Date(start).toISOString().slice(0, 10)}/${start}.mp4`;
  const path = join(store.root('recordings'), rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.alloc(bytes));
  index.add({ cameraId, path: rel, start, end: start + 10_000, durationMs: 10_000, bytes });
  return path;
}

const relOf = (abs: string): string => relative(store.root('recordings'), abs);

/** An event with a real snapshot and thumbnail on disk; returns the snapshot's absolute path. */
function addEvent(id: string, cameraId: string, start: number, end: number | null, opts: { seenAt?: number; snapshotBytes?: number } = {}): string {
  const rel = `${cameraId}/${id}.jpg`;
  const file = join(store.root('snapshots'), rel);
  mkdirSync(join(store.root('snapshots'), cameraId), { recursive: true });
  const bytes = opts.snapshotBytes ?? 300;
  writeFileSync(file, Buffer.alloc(bytes - 100));
  writeFileSync(file.replace(/\.jpg$/, '.thumb.jpg'), Buffer.alloc(100));
  events.upsert({ id, cameraId, label: 'person', start, end, topScore: 0.9, box: [0, 0, 1, 1], zones: [], snapshot: rel, snapshotBytes: bytes, seenAt: opts.seenAt ?? end ?? start });
  return file;
}

function addAlert(eventId: string, cameraId: string, time: number): void {
  db.run(sql`INSERT OR IGNORE INTO alert_rules (id, name, config, created_at, updated_at) VALUES ('r', 'r', '{}', 0, 0)`);
  db.run(sql`INSERT INTO alerts (rule_id, event_id, camera_id, label, time) VALUES ('r', ${eventId}, ${cameraId}, 'person', ${time})`);
}

function setModes(modes: Record<string, RecordMode>): void {
  for (const [id, mode] of Object.entries(modes)) db.run(sql`UPDATE cameras SET record_mode = ${mode} WHERE id = ${id}`);
}

function retention(storage: Partial<ReturnType<typeof StorageSettings.parse>>, disk: () => number = () => 1e12) {
  return new Retention({
    db,
    index,
    events,
    media: store,
    storage: () => StorageSettings.parse(storage),
    cameras: () => cameras.retentionPolicies(),
    diskFree: async () => ({ free: disk(), total: 2e12 }),
  });
}

const count = (table: 'segments' | 'events' | 'alerts') => db.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql([table] as unknown as TemplateStringsArray)}`)!.n;

describe('retention', () => {
  it('deletes continuous recordings past their days, keeps those an event claims, and keep-flagged ones', async () => {
    const old1 = addSegment('a', NOW - 10 * DAY);
    const old2 = addSegment('a', NOW - 9 * DAY);
    const oldKept = addSegment('a', NOW - 9 * DAY + 20_000);
    const recent = addSegment('a', NOW - DAY);
    db.run(sql`UPDATE segments SET keep = 1 WHERE path = ${relOf(oldKept)}`);
    addEvent('e1', 'a', NOW - 9 * DAY + 3000, NOW - 9 * DAY + 6000);

    const res = await retention({ continuousDays: 7, eventDays: 30 }).run(NOW);
    expect(res.reasons.age).toBe(1);
    expect(existsSync(old1)).toBe(false);
    expect(existsSync(old2)).toBe(true);
    expect(existsSync(oldKept)).toBe(true);
    expect(existsSync(recent)).toBe(true);
    expect(index.totalBytes).toBe(3000);
  });

  it('per camera: a camera with its own days ages on them, the other on the global ones', async () => {
    const c = cameras.upsert({ name: 'c', streams: [{ name: 'main', url: 'rtsp://192.0.2.1/a', roles: ['record'] }], retention: { continuousDays: 2, eventDays: 3 } });
    expect(cameras.get(c.id)?.retention).toEqual({ continuousDays: 2, eventDays: 3 });
    db.run(sql`UPDATE cameras SET continuous_days = 2, event_days = 3 WHERE id = 'a'`);
    const a3 = addSegment('a', NOW - 3 * DAY);
    const a1 = addSegment('a', NOW - 1 * DAY);
    const b3 = addSegment('b', NOW - 3 * DAY);
    const b8 = addSegment('b', NOW - 8 * DAY);
    const ev = addEvent('ea', 'a', NOW - 4 * DAY, NOW - 4 * DAY + 1000);
    const res = await retention({ continuousDays: 7, eventDays: 30 }).run(NOW);
    expect([existsSync(a3), existsSync(a1), existsSync(b3), existsSync(b8)]).toEqual([false, true, true, false]);
    expect(res.reasons.age).toBe(2);
    // camera a keeps events 3 days: its 4-day-old event and snapshot are gone
    expect(events.get('ea')).toBeUndefined();
    expect(existsSync(ev)).toBe(false);
  });

  it('drops events-only segments no event claims, after a grace period', async () => {
    setModes({ b: 'events' });
    const unclaimed = addSegment('b', NOW - 600_000);
    const claimed = addSegment('b', NOW - 300_000);
    const fresh = addSegment('b', NOW - 30_000);
    addEvent('e2', 'b', NOW - 295_000, NOW - 290_000);
    const res = await retention({}).run(NOW);
    expect(res.reasons.no_event).toBe(1);
    expect([existsSync(unclaimed), existsSync(claimed), existsSync(fresh)]).toEqual([false, true, true]);
  });

  it('an open event protects footage only up to when it was last seen, plus padding, never up to now', async () => {
    // opened 20 days ago, last written 20 days ago minus a minute, never closed (the process died)
    const start = NOW - 20 * DAY;
    addEvent('open', 'a', start, null, { seenAt: start + 60_000 });
    const during = addSegment('a', start + 30_000);
    const after = addSegment('a', start + 3600_000);
    const later = addSegment('a', NOW - 10 * DAY);
    await retention({ continuousDays: 7, eventDays: 30 }).run(NOW);
    expect([existsSync(during), existsSync(after), existsSync(later)]).toEqual([true, false, false]);
  });

  it('an open event last seen far later still protects at most MAX_EVENT_MS after its start', async () => {
    const start = NOW - 20 * DAY;
    addEvent('stuck', 'a', start, null, { seenAt: NOW });
    const inside = addSegment('a', start + MAX_EVENT_MS - 20_000);
    const beyond = addSegment('a', start + MAX_EVENT_MS + 3600_000);
    await retention({ continuousDays: 7, eventDays: 30 }).run(NOW);
    expect([existsSync(inside), existsSync(beyond)]).toEqual([true, false]);
  });

  it('events, snapshots, thumbnails and alerts expire with their footage; kept ones and their footage stay', async () => {
    const goneSnap = addEvent('old', 'a', NOW - 40 * DAY, NOW - 40 * DAY + 5000);
    const keptSnap = addEvent('kept', 'a', NOW - 40 * DAY + 60_000, NOW - 40 * DAY + 65_000);
    const youngSnap = addEvent('young', 'a', NOW - DAY, NOW - DAY + 5000);
    events.setFlags('kept', { keep: true });
    addAlert('old', 'a', NOW - 40 * DAY);
    addAlert('kept', 'a', NOW - 40 * DAY + 60_000);
    addAlert('young', 'a', NOW - DAY);
    const oldSeg = addSegment('a', NOW - 40 * DAY);
    const keptSeg = addSegment('a', NOW - 40 * DAY + 60_000);
    const snapBefore = events.snapshotBytes;
    expect(snapBefore).toBe(900);

    const res = await retention({ continuousDays: 7, eventDays: 30 }).run(NOW);
    expect(res.expiredEvents).toBe(1);
    expect(events.get('old')).toBeUndefined();
    expect([existsSync(goneSnap), existsSync(goneSnap.replace('.jpg', '.thumb.jpg'))]).toEqual([false, false]);
    expect([existsSync(keptSnap), existsSync(youngSnap)]).toEqual([true, true]);
    expect([existsSync(oldSeg), existsSync(keptSeg)]).toEqual([false, true]);
    expect(db.all<{ event_id: string }>(sql`SELECT event_id FROM alerts ORDER BY time`).map((a) => a.event_id)).toEqual(['kept', 'young']);
    expect(events.snapshotBytes).toBe(600);
  });

  it('an events-only camera: footage held only by an event goes when the event expires', async () => {
    setModes({ b: 'events' });
    addEvent('e', 'b', NOW - 31 * DAY, NOW - 31 * DAY + 5000);
    const held = addSegment('b', NOW - 31 * DAY);
    const r = retention({ continuousDays: 60, eventDays: 30 });
    await r.run(NOW);
    expect(existsSync(held)).toBe(false);
    expect(count('events')).toBe(0);
  });

  it('snapshots count in the quota, and events whose footage the quota deleted go with it', async () => {
    for (let i = 0; i < 10; i++) addSegment('a', NOW - (10 - i) * 60_000, 100_000);
    addEvent('first', 'a', NOW - 10 * 60_000 + 1000, NOW - 10 * 60_000 + 2000, { snapshotBytes: 200_000 });
    // 1,000,000 of footage + 200,000 of snapshot against a quota of 900,000: the oldest footage and its event go
    const res = await retention({ quotaGb: 900_000 / 1024 ** 3, eventPostPaddingS: 0, eventPrePaddingS: 0 }).run(NOW);
    expect(events.get('first')).toBeUndefined();
    expect(res.reasons.quota).toBeGreaterThanOrEqual(3);
    expect(index.totalBytes + events.snapshotBytes).toBeLessThanOrEqual(900_000);
  });

  it('enforces the quota oldest first across cameras; usage ends within quota; keep survives', async () => {
    const paths: string[] = [];
    for (let i = 0; i < 20; i++) paths.push(addSegment(i % 2 ? 'a' : 'b', NOW - (20 - i) * 10_000, 100_000));
    db.run(sql`UPDATE segments SET keep = 1 WHERE path = ${relOf(paths[0]!)}`);
    const quotaGb = 550_000 / 1024 ** 3;
    const res = await retention({ quotaGb }).run(NOW);
    expect(index.totalBytes).toBeLessThanOrEqual(550_000);
    expect(res.reasons.quota).toBe(15);
    expect(existsSync(paths[0]!)).toBe(true);
    expect(paths.slice(1, 16).every((p) => !existsSync(p))).toBe(true);
    expect(paths.slice(16).every((p) => existsSync(p))).toBe(true);
  });

  it('the free-space floor reclaims only what Porchlight recorded since the last pass, never its history', async () => {
    for (let i = 0; i < 20; i++) addSegment('a', NOW - (40 - i) * 10_000, 1000);
    // something else fills the disk: 0 bytes free, floor 1 MB
    const r = retention({ minFreeGb: 1e6 / 1024 ** 3 }, () => 0);
    const first = await r.run(NOW);
    expect(first.reasons.disk).toBe(0);
    expect(count('segments')).toBe(20);
    // two new segments recorded: the floor rolls two old ones over, history keeps its length
    addSegment('a', NOW - 10_000, 1000);
    addSegment('a', NOW, 1000);
    const second = await r.run(NOW + 10_000);
    expect(second.reasons.disk).toBe(2);
    expect(count('segments')).toBe(20);
  });

  it('each pass reads only footage aged since the last one (bounded index ranges, no rescan)', async () => {
    for (let i = 0; i < 300; i++) addSegment('a', NOW - 8 * DAY + i * 10_000);
    for (let i = 0; i < 50; i++) addEvent(`e${i}`, 'a', NOW - 8 * DAY + i * 60_000, NOW - 8 * DAY + i * 60_000 + 5000);
    const r = retention({ continuousDays: 7, eventDays: 30 });
    await r.run(NOW);
    const left = count('segments');
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(300);
    let rowsRead = 0;
    const all = db.all.bind(db);
    db.all = ((q) => {
      const out = all(q);
      rowsRead += out.length;
      return out;
    }) as typeof db.all;
    await r.run(NOW + 1000);
    // the second pass finds nothing new: the protected segments are not read again
    expect(rowsRead).toBeLessThan(20);
    expect(count('segments')).toBe(left);
    // the sweep's query is one range on segments_camera_start_end, the events' one range on an index too
    const plan = db.raw
      .prepare('EXPLAIN QUERY PLAN SELECT id FROM segments WHERE camera_id = ? AND start >= ? AND start < ? AND end < ? AND keep = 0 ORDER BY start, id LIMIT 500')
      .all('a', 0, 1, 1) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/SEARCH segments USING INDEX segments_camera_start_end/);
    const eplan = db.raw
      .prepare('EXPLAIN QUERY PLAN SELECT id FROM events WHERE camera_id = ? AND start >= ? AND start <= ? AND (keep = 1 OR start >= ?) ORDER BY start')
      .all('a', 0, 1, 0) as { detail: string }[];
    expect(eplan.map((p) => p.detail).join(' ')).toMatch(/SEARCH events USING INDEX/);
  });

  it('a retired camera (deleted, recordings kept) still counts and ages out; then its row goes', async () => {
    const seg = addSegment('b', NOW - 10 * DAY);
    cameras.retire('b');
    expect(cameras.get('b')).toBeUndefined();
    const r = new Retention({
      db,
      index,
      events,
      media: store,
      storage: () => StorageSettings.parse({ continuousDays: 7 }),
      cameras: () => cameras.retentionPolicies(),
      diskFree: async () => ({ free: 1e12, total: 2e12 }),
      afterPass: () => void cameras.purgeRetired(),
    });
    expect(r.usedBytes).toBe(1000);
    await r.run(NOW);
    expect(existsSync(seg)).toBe(false);
    expect(db.get(sql`SELECT id FROM cameras WHERE id = 'b'`)).toBeUndefined();
  });

  it('does nothing while the recordings folder is missing', async () => {
    const seg = addSegment('a', NOW - 10 * DAY);
    const r = new Retention({ db, index, events, media: store, storage: () => StorageSettings.parse({}), cameras: () => cameras.retentionPolicies(), mediaPresent: () => false });
    const res = await r.run(NOW);
    expect(res.deleted).toBe(0);
    expect(existsSync(seg)).toBe(true);
  });

  it('shares one pass between concurrent callers', async () => {
    addSegment('a', NOW - 10 * DAY);
    const r = retention({ continuousDays: 7 });
    const [x, y] = await Promise.all([r.run(NOW), r.run(NOW)]);
    expect(x).toBe(y);
    expect(x.deleted).toBe(1);
  });

  it('schedule() never runs a pass on the caller\u2019s stack; idle() waits for it', async () => {
    addSegment('a', Date.now() - 10 * DAY);
    const r = retention({ continuousDays: 7 });
    r.schedule();
    expect(r.deletedTotal).toBe(0);
    await r.idle();
    expect(r.deletedTotal).toBe(1);
    await r.stop();
  });
});
