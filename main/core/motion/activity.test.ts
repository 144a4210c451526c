// The movement store on a real SQLite file: a search while a bucket is still filling sees it without splitting it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEngine } from '../../../test/helpers/engine.js';
import { sql } from '../storage/sql.js';
import { BUCKET_MS, MotionActivity } from './activity.js';

let h: Awaited<ReturnType<typeof withEngine>>;
beforeAll(async () => {
  h = await withEngine();
  h.engine.cameras.upsert({ id: 'cam', name: 'cam', streams: [{ name: 'main', url: 'rtsp://127.0.0.1:1/x', roles: ['record', 'detect', 'live'] }] });
});
afterAll(() => h.close());

const LEFT: Array<[number, number]> = [[0, 0], [0.5, 0], [0.5, 1], [0, 1]];
const RIGHT: Array<[number, number]> = [[0.5, 0], [1, 0], [1, 1], [0.5, 1]];

describe('motion activity', () => {
  it('a search reads the open bucket in place; the bucket is written once, whole', () => {
    const store = new MotionActivity(h.engine.db);
    const t = 50 * BUCKET_MS;
    store.record('cam', t + 100, [[0, 0, 100, 100]], 640, 360); // left half
    expect(store.search('cam', LEFT, t - 10_000, t + 10_000).moments).toHaveLength(1);
    store.record('cam', t + 900, [[600, 300, 640, 360]], 640, 360); // right half, same bucket
    store.record('cam', t + BUCKET_MS + 10, [], 640, 360); // the next bucket starts: the first is written
    const rows = h.engine.db.all<{ t: number }>(sql`SELECT t FROM motion_activity WHERE camera_id = 'cam'`);
    expect(rows).toEqual([{ t }]);
    // both halves of the bucket are in the one row
    expect(store.search('cam', LEFT, t - 10_000, t + 10_000).moments).toHaveLength(1);
    expect(store.search('cam', RIGHT, t - 10_000, t + 10_000).moments).toHaveLength(1);
  });
});
