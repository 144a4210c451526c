// Viewing sessions in the audit log: many requests of one session make at most two entries, and the query gives one row with the whole range.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { AuditLog, ViewLog } from './index.js';

const tmp = makeTempDir();
const db = Database.open(join(tmp.dir, 'views.db'));
const audit = new AuditLog(db, randomBytes(32), join(tmp.dir, 'head.json'));
afterAll(() => {
  db.close();
  tmp.cleanup();
});

const rows = (): number => db.get<{ n: number }>(sql`SELECT count(*) AS n FROM audit_log WHERE action LIKE 'view.%'`)!.n;
const waitFor = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('who watched what', () => {
  it("coalesces a playback session's requests into one entry and its whole range, apart per person, place and camera", async () => {
    const views = new ViewLog(audit, db, 80);
    const base = { actor: 'ann', origin: '192.0.2.7', kind: 'recording' as const, cameraId: 'porch' };
    // a player's Range requests over three segments, and a seek back
    for (let i = 0; i < 30; i++) views.view({ ...base, start: 10_000 + (i % 3) * 2000, end: 12_000 + (i % 3) * 2000 });
    views.view({ ...base, start: 4000, end: 6000 });
    expect(rows()).toBe(1);
    views.view({ ...base, origin: '192.0.2.8', start: 10_000, end: 12_000 });
    views.view({ ...base, cameraId: 'garage', start: 10_000, end: 12_000 });
    expect(rows()).toBe(3);
    // once idle, the widened range is written; nothing for sessions that did not grow
    await waitFor(() => rows() === 4);
    await new Promise((r) => setTimeout(r, 150));
    expect(rows()).toBe(4);
    const porch = views.query({ cameraId: 'porch', user: 'ann' });
    expect(porch).toHaveLength(2);
    expect(porch.find((v) => v.origin === '192.0.2.7')).toMatchObject({ kind: 'recording', start: 4000, end: 16_000 });
    expect(views.query({ cameraId: 'garage' })).toMatchObject([{ user: 'ann', origin: '192.0.2.7', start: 10_000, end: 12_000 }]);
    expect(views.query({ user: 'nobody' })).toEqual([]);
    expect(audit.verify().ok).toBe(true);
  });

  it('writes a live session when it starts and, with its end, when it closes; flush writes what is still open', () => {
    const views = new ViewLog(audit, db, 60_000);
    const before = rows();
    const end = views.view({ actor: 'bob', origin: '192.0.2.9', kind: 'live', cameraId: 'porch', start: 1000, end: 1000 });
    expect(rows()).toBe(before + 1);
    end();
    expect(rows()).toBe(before + 2);
    expect(views.query({ user: 'bob' })[0]).toMatchObject({ kind: 'live', start: 1000 });
    expect(views.query({ user: 'bob' })[0]!.end).toBeGreaterThan(1000);
    views.view({ actor: 'cy', origin: 'desktop', kind: 'snapshot', cameraId: 'porch', start: 5, end: 6 });
    views.view({ actor: 'cy', origin: 'desktop', kind: 'snapshot', cameraId: 'porch', start: 1, end: 9 });
    views.flush();
    expect(views.query({ user: 'cy' })).toMatchObject([{ start: 1, end: 9 }]);
    expect(rows()).toBe(before + 4);
  });
});
