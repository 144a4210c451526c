// Retention on a real SQLite file and real files: age, events-only, quota, free space, keep flags.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordMode } from '../../common/contract/index.js';
import { StorageSettings } from '../../common/settings/index.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { EventRepository } from '../events/repository.js';
import { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { SegmentIndex } from './index.js';
import { MediaStore } from './media-store.js';
import { Retention } from './retention.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 29, 12);
let tmp: ReturnType<typeof makeTempDir>;
let db: Database;
let store: MediaStore;
let index: SegmentIndex;

beforeEach(() => {
  tmp = makeTempDir();
  db = Database.open(join(tmp.dir, 'porchlight.db'));
  store = new MediaStore(tmp.dir);
  index = new SegmentIndex(db, store);
  for (const id of ['a', 'b']) db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES (${id}, ${id}, 0, 0)`);
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

function addSegment(cameraId: string, start: number, bytes = 1000): string {
  const dir = join(store.cameraRecordingsDir(cameraId), new Date(start).toISOString().slice(0, 10));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${start}.mp4`);
  writeFileSync(path, Buffer.alloc(bytes));
  index.add({ cameraId, path, start, end: start + 10_000, durationMs: 10_000, bytes });
  return path;
}

function retention(storage: Partial<ReturnType<typeof StorageSettings.parse>>, modes: Record<string, RecordMode> = {}, free = 1e12) {
  return new Retention(db, index, () => StorageSettings.parse(storage), () => new Map(Object.entries(modes)), async () => ({ free, total: 2e12 }));
}

describe('retention', () => {
  it('deletes continuous recordings past their days, keeps those an event claims, and keep-flagged ones', async () => {
    const old1 = addSegment('a', NOW - 10 * DAY);
    const old2 = addSegment('a', NOW - 9 * DAY);
    const oldKept = addSegment('a', NOW - 9 * DAY + 20_000);
    const recent = addSegment('a', NOW - DAY);
    db.run(sql`UPDATE segments SET keep = 1 WHERE path = ${oldKept}`);
    new EventRepository(db).upsert({ id: 'e1', cameraId: 'a', label: 'person', start: NOW - 9 * DAY + 3000, end: NOW - 9 * DAY + 6000, topScore: 0.9, box: [0, 0, 1, 1], zones: [], snapshot: null });

    const res = await retention({ continuousDays: 7, eventDays: 30 }).run(NOW);
    expect(res.reasons.age).toBe(1);
    expect(existsSync(old1)).toBe(false);
    expect(existsSync(old2)).toBe(true);
    expect(existsSync(oldKept)).toBe(true);
    expect(existsSync(recent)).toBe(true);
    expect(index.totalBytes).toBe(3000);
  });

  it('drops events-only segments no event claims, after a grace period', async () => {
    const unclaimed = addSegment('b', NOW - 600_000);
    const claimed = addSegment('b', NOW - 300_000);
    const fresh = addSegment('b', NOW - 30_000);
    new EventRepository(db).upsert({ id: 'e2', cameraId: 'b', label: 'dog', start: NOW - 295_000, end: NOW - 290_000, topScore: 0.8, box: [0, 0, 1, 1], zones: [], snapshot: null });
    const res = await retention({}, { b: 'events' }).run(NOW);
    expect(res.reasons.no_event).toBe(1);
    expect([existsSync(unclaimed), existsSync(claimed), existsSync(fresh)]).toEqual([false, true, true]);
  });

  it('enforces the quota oldest first across cameras; usage ends within quota; keep survives', async () => {
    const paths: string[] = [];
    for (let i = 0; i < 20; i++) paths.push(addSegment(i % 2 ? 'a' : 'b', NOW - (20 - i) * 10_000, 100_000));
    db.run(sql`UPDATE segments SET keep = 1 WHERE path = ${paths[0]!}`);
    const quotaGb = (550_000 / 1024 ** 3);
    const res = await retention({ quotaGb }).run(NOW);
    expect(index.totalBytes).toBeLessThanOrEqual(550_000);
    expect(res.reasons.quota).toBe(15);
    expect(existsSync(paths[0]!)).toBe(true);
    expect(paths.slice(1, 16).every((p) => !existsSync(p))).toBe(true);
    expect(paths.slice(16).every((p) => existsSync(p))).toBe(true);
  });

  it('frees space when the disk runs low, even under quota', async () => {
    for (let i = 0; i < 5; i++) addSegment('a', NOW - (5 - i) * 10_000, 1000);
    let free = 500;
    const r = new Retention(db, index, () => StorageSettings.parse({ minFreeGb: 2000 / 1024 ** 3 }), () => new Map(), async () => {
      const f = { free, total: 1e6 };
      return f;
    });
    // each deletion frees 1000 bytes of disk in this simulation
    const origRemove = index.remove.bind(index);
    index.remove = async (row) => {
      await origRemove(row);
      free += row.bytes;
    };
    const res = await r.run(NOW);
    expect(res.reasons.disk).toBe(2);
    expect(free).toBeGreaterThanOrEqual(2000);
  });

  it('shares one pass between concurrent callers', async () => {
    addSegment('a', NOW - 10 * DAY);
    const r = retention({ continuousDays: 7 });
    const [x, y] = await Promise.all([r.run(NOW), r.run(NOW)]);
    expect(x).toBe(y);
    expect(x.deleted).toBe(1);
  });
});
