// The webhook sink against real loopback receivers: one signed POST, retries with backoff, failures visible in the status.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/fixtures/mosquitto.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import type { SinkStatus } from '../../common/contract/rules.js';
import { Bus } from '../bus/index.js';
import { Database } from '../storage/database.js';
import { MIGRATIONS } from '../storage/migrations/index.js';
import { Notifier, type AlertNotice } from './index.js';
import { signBody, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './sinks/webhook.js';

const SECRET = 'shared-secret-for-the-test-0123';
const DELAYS = [50, 100, 200];

let tmp: ReturnType<typeof makeTempDir>;
let db: Database;
const bus = new Bus();
let notifier: Notifier;
const servers: Server[] = [];
const statuses: Array<SinkStatus & { at: number }> = [];

beforeAll(() => {
  tmp = makeTempDir();
  // the sinks table is proposed as migration 0004; until it is registered the test adds it
  db = Database.open(`${tmp.dir}/test.db`, { migrations: MIGRATIONS });
  notifier = new Notifier(db, bus, { retryDelaysMs: DELAYS, timeoutMs: 2000 });
  notifier.start();
  bus.subscribeAll((topic, payload) => {
    if (topic === ('sink.status' as never)) statuses.push({ ...(payload as SinkStatus), at: Date.now() });
  });
});
afterAll(async () => {
  await notifier.stop();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  db.close();
  tmp.cleanup();
});

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A receiver on 127.0.0.1 answering with the given statuses in turn (200 after the list runs out). */
async function receiver(answers: number[] = []): Promise<{ url: string; got: Received[]; next: () => Promise<Received> }> {
  const got: Received[] = [];
  const waiters: Array<(r: Received) => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks) };
      got.push(r);
      res.statusCode = answers[got.length - 1] ?? 200;
      res.end();
      waiters.shift()?.(r);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    next: () =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no request in 5 s')), 5000);
        waiters.push((r) => {
          clearTimeout(t);
          resolve(r);
        });
      }),
  };
}

function notice(id: number): AlertNotice {
  const time = Date.now();
  return {
    alert: { id, ruleId: 'r1', ruleName: 'Porch', eventId: `ev-${id}`, cameraId: 'front', label: 'person', time, seen: false },
    event: { id: `ev-${id}`, cameraId: 'front', label: 'person', start: time, end: null, topScore: 0.9, box: [0, 0, 1, 1], zones: ['porch'], currentZones: ['porch'], hasSnapshot: false, falsePositive: false, keep: false },
    camera: { id: 'front', name: 'Front door' },
    snapshot: null,
    snapshotJpeg: () => Promise.resolve(null),
  };
}

function verify(r: Received): boolean {
  const expected = Buffer.from(signBody(SECRET, r.body));
  const given = Buffer.from(String(r.headers[SIGNATURE_HEADER] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhook sink', () => {
  it('delivers exactly one POST whose HMAC signature verifies', async () => {
    const rx = await receiver();
    const sink = await notifier.upsert({ kind: 'webhook', name: 'Receiver', url: rx.url, secret: SECRET, enabled: true });
    const first = rx.next();
    notifier.notify([sink.id], notice(1));
    const r = await first;
    await notifier.idle();
    expect(rx.got).toHaveLength(1);
    expect(r.headers['content-type']).toBe('application/json');
    expect(verify(r)).toBe(true);
    expect(Number(r.headers[TIMESTAMP_HEADER])).toBeGreaterThan(Date.now() - 10_000);
    const body = JSON.parse(r.body.toString()) as { type: string; alert: { id: number }; event: { id: string; zones: string[] }; camera: { name: string } };
    expect(body).toMatchObject({ type: 'alert', alert: { id: 1 }, event: { id: 'ev-1', zones: ['porch'] }, camera: { name: 'Front door' } });
    // a tampered body no longer verifies
    expect(verify({ ...r, body: Buffer.from(r.body.toString().replace('Front door', 'Back door')) })).toBe(false);
    expect(notifier.statusOf(sink.id)).toMatchObject({ failures: 0, lastError: null, dropped: 0 });
    expect(notifier.statusOf(sink.id).lastOk).not.toBeNull();
  });

  it('retries an error answer and succeeds on the next attempt', async () => {
    const rx = await receiver([500]);
    const sink = await notifier.upsert({ kind: 'webhook', name: 'Flaky', url: rx.url, secret: SECRET, enabled: true });
    notifier.notify([sink.id], notice(2));
    await notifier.idle();
    expect(rx.got).toHaveLength(2);
    expect(rx.got.every(verify)).toBe(true);
    const s = notifier.statusOf(sink.id);
    expect(s.lastError?.message).toContain('HTTP 500');
    expect(s).toMatchObject({ failures: 0, dropped: 0 });
  });

  it('a dead webhook is retried with backoff, then given up, and its failure is shown', async () => {
    const port = await freePort(); // nothing listens there
    const sink = await notifier.upsert({ kind: 'webhook', name: 'Dead', url: `http://127.0.0.1:${port}/hook`, secret: SECRET, enabled: true });
    statuses.length = 0;
    const t0 = Date.now();
    notifier.notify([sink.id], notice(3));
    await notifier.idle();
    const mine = statuses.filter((s) => s.id === sink.id);
    const failures = mine.filter((s, i) => s.failures > (mine[i - 1]?.failures ?? 0));
    expect(failures.map((s) => s.failures)).toEqual([1, 2, 3, 4]);
    // waits between attempts follow the backoff steps
    for (let i = 1; i < failures.length; i++) expect((failures[i]?.at ?? 0) - (failures[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual((DELAYS[i - 1] ?? 0) - 5);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(DELAYS.reduce((a, b) => a + b) - 5);
    const s = notifier.statusOf(sink.id);
    expect(s).toMatchObject({ failures: 4, dropped: 1, lastOk: null });
    expect(s.lastError?.message).toMatch(/ECONNREFUSED|fetch failed/);
    // what the UI lists: the failure, and no secret
    const listed = notifier.list().find((l) => l.sink.id === sink.id);
    expect(listed?.status).toEqual(s);
    expect(JSON.stringify(notifier.list())).not.toContain(SECRET);
    // a test send reports the failure directly
    expect(await notifier.test(sink.id)).toMatchObject({ ok: false });
  });

  it('sends nothing through a disabled sink', async () => {
    const rx = await receiver();
    const sink = await notifier.upsert({ kind: 'webhook', name: 'Off', url: rx.url, secret: SECRET, enabled: false });
    notifier.notify([sink.id], notice(4));
    await notifier.idle();
    expect(rx.got).toHaveLength(0);
    expect(await notifier.test(sink.id)).toMatchObject({ ok: false, message: 'This sink is disabled' });
  });
});
