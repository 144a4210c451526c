// No packet stops the recorder: both WebSockets fuzzed and 200 slowloris sockets held open while a real camera records.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRtspCamera, type RtspCamera } from '../../test/fixtures/rtsp-camera.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { waitFor } from '../../test/helpers/wait.js';

let cam: RtspCamera;
let t: TestServer;
let cameraId: string;

const segments = () => t.h.engine.segments.segments(cameraId, 0, Date.now() + 60_000);

/** Recording went on without a pause across `from`: the segments around it follow each other (ffmpeg's own cut, no reconnect gap). */
function expectContiguous(from: number): void {
  const segs = segments().filter((s) => s.end >= from - 12_000);
  expect(segs.length).toBeGreaterThanOrEqual(2);
  expect(segs.at(-1)!.end).toBeGreaterThan(from);
  for (let i = 1; i < segs.length; i++) expect(segs[i]!.start - segs[i - 1]!.end, `gap before segment ${i}`).toBeLessThan(1500);
}

beforeAll(async () => {
  cam = await startRtspCamera({ vtest: false, hevc: false });
  t = await startTestServer({ engine: { startCameras: true } });
  const res = await t.rpc('cameras.upsert', { name: 'Fuzzed', streams: [{ name: 'main', url: cam.url('pattern'), roles: ['record', 'live'] }], detect: { enabled: false }, recordMode: 'continuous' });
  expect(res.status).toBe(200);
  cameraId = (res.json.value as { id: string }).id;
  await waitFor(() => (segments().length >= 1 ? true : undefined), 60_000, 'a first segment');
}, 90_000);

afterAll(async () => {
  await t?.close();
  await cam?.stop();
});

const wsUrl = (path: string) => `${t.server.url.replace('http', 'ws')}${path}`;

function open(path: string, cookie?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(path), cookie ? { headers: { cookie } } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
  });
}

/** Hostile frames: non-objects, wrong types, prototype keys, deep nesting, long strings, binary. */
function hostileFrames(i: number): { data: string | Buffer; binary: boolean }[] {
  const text = [
    'null', '1', '"x"', '[]', '{}', 'true', '{"type":null}', '{"type":"subscribe"}', '{"type":"subscribe","topics":null}',
    '{"type":"subscribe","topics":[null,1,{},[]]}', '{"type":"subscribe","topics":"camera.state"}', '{"type":"fallback","x":1}',
    '{"__proto__":{"polluted":true},"type":"subscribe","topics":[]}', '{"constructor":{"prototype":{"polluted":true}}}',
    `${'['.repeat(3000)}${']'.repeat(3000)}`, `{"type":"subscribe","topics":[${Array.from({ length: 500 }, () => '"camera.state"').join(',')}]}`,
    '{"type":"unsubscribe","topics":["live.chunk"]}', '{', '\u0000', `{"type":"${'A'.repeat(10_000)}"}`,
  ];
  return [...text.map((data) => ({ data, binary: false })), { data: Buffer.alloc(1024, i & 0xff), binary: true }];
}

describe('WebSocket fuzz on both sockets', () => {
  it('refuses sockets without a session before any message is read', async () => {
    for (const path of ['/api/ws', `/api/live/${cameraId}`, '/%61pi/ws', `/api/%6cive/${cameraId}`]) {
      await expect(open(path), path).rejects.toThrow(/upgrade refused with 40[13]|Unexpected server response: 40[13]/);
    }
  });

  it('keeps the engine up, memory flat and recording going through hostile frames, huge frames and floods', async () => {
    const since = Date.now();
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'run with --expose-gc').toBeDefined();
    const heap = () => {
      gc!();
      return process.memoryUsage().heapUsed;
    };
    const samples: number[] = [];
    let closedByServer = 0;
    for (let round = 0; round < 6; round++) {
      for (const path of ['/api/ws', `/api/live/${cameraId}`]) {
        const ws = await open(path, t.viewerCookie);
        ws.on('message', () => undefined);
        const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
        ws.on('error', () => undefined);
        for (const f of hostileFrames(round)) if (ws.readyState === WebSocket.OPEN) ws.send(f.data, { binary: f.binary });
        // a flood: 3,000 messages as fast as the socket takes them
        for (let i = 0; i < 3000 && ws.readyState === WebSocket.OPEN; i++) ws.send('{"type":"subscribe","topics":["camera.state","event.changed"]}');
        // then, on alternate rounds, a text frame that is not UTF-8 or one over the 64 KiB limit: the server closes
        if (ws.readyState === WebSocket.OPEN) {
          if (round % 2) ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0xc0, 0x80, 0x7d]), { binary: false });
          else ws.send('x'.repeat(70 * 1024));
        }
        await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
        if (ws.readyState === WebSocket.CLOSED) closedByServer++;
        else ws.terminate();
      }
      samples.push(heap());
      expect((await t.rpc('cameras.list', {})).status).toBe(200);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(closedByServer).toBeGreaterThanOrEqual(6);
    // heap after the first rounds (warm-up) does not keep growing
    expect(samples.at(-1)! - samples[1]!).toBeLessThan(20 * 1024 * 1024);
    // and a well-behaved client still gets what it asks for
    const ok = await open('/api/ws', t.viewerCookie);
    const ack = new Promise<string>((resolve) => ok.once('message', (d) => resolve(String(d))));
    ok.send(JSON.stringify({ type: 'subscribe', topics: ['camera.state'] }));
    expect(JSON.parse(await ack)).toEqual({ type: 'subscribed', topics: ['camera.state'] });
    ok.close();
    // recording did not pause: new segments keep following each other
    const count = segments().length;
    await waitFor(() => (segments().length > count ? true : undefined), 30_000, 'a segment after the fuzz');
    expectContiguous(since);
    console.log(`ws fuzz: ${closedByServer} sockets closed by the server, heap ${Math.round(samples[1]! / 1e6)} → ${Math.round(samples.at(-1)! / 1e6)} MB`);
  }, 240_000);
});

describe('slowloris', () => {
  it('200 sockets trickling headers cannot starve the API or the recorder', async () => {
    const since = Date.now();
    const port = Number(new URL(t.server.url).port);
    const open = new Set<Socket>();
    let opened = 0;
    let stopping = false;
    const slow = (): void => {
      if (stopping) return;
      const s = connect(port, '127.0.0.1');
      opened++;
      open.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        open.delete(s);
        // the attacker reconnects whenever the server drops one
        slow();
      });
      s.on('connect', () => s.write('GET /api/auth/status HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
    };
    for (let i = 0; i < 200; i++) slow();
    const trickle = setInterval(() => {
      for (const s of open) if (!s.destroyed) s.write(`X-${Math.random().toString(36).slice(2, 6)}: y\r\n`);
    }, 1000);
    const latencies: number[] = [];
    try {
      const until = Date.now() + 25_000;
      while (Date.now() < until) {
        const t0 = performance.now();
        const res = await t.rpc('cameras.list', {}, t.adminCookie, {});
        latencies.push(performance.now() - t0);
        expect(res.status).toBe(200);
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      stopping = true;
      clearInterval(trickle);
      for (const s of open) s.destroy();
    }
    // the server dropped the slow sockets (headers timeout) and the attacker had to reconnect
    expect(opened).toBeGreaterThan(200);
    expect(latencies.length).toBeGreaterThan(20);
    expectContiguous(since);
    latencies.sort((a, b) => a - b);
    console.log(`slowloris: ${opened} connections, ${latencies.length} API calls, p50 ${latencies[latencies.length >> 1]!.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
  }, 120_000);
});
