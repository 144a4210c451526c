// Attacks generated from the route table: every route × encoded spellings × no session / viewer / foreign Host / foreign Origin.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods } from '../common/contract/index.js';
import { encodeSegments, indexSegments } from '../core/export/fixtures.js';
import { locateFfmpeg } from '../core/ffmpeg/locate.js';
import { requestSlots } from '../core/ffmpeg/slots.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import type { RouteInfo } from './server.js';

let t: TestServer;
let port: number;
let cameraId: string;
/** A byte pattern inside every seeded file: a response carrying it leaked data. */
const MARKER = 'PORCHLIGHT-SECRET-FOOTAGE-MARKER';
let segmentRel = '';
let t0 = 0;

const UI = resolve('dist/renderer');

beforeAll(async () => {
  t = await startTestServer(existsSync(UI) ? { staticDir: UI } : {});
  port = Number(new URL(t.server.url).port);
  const cam = t.h.engine.cameras.upsert({ name: 'Porch', streams: [{ name: 'main', url: 'rtsp://admin:hunter2@192.0.2.10/stream', roles: ['record'] }], enabled: false });
  cameraId = cam.id;
  const ffmpeg = locateFfmpeg().ffmpeg;
  const files = await encodeSegments(ffmpeg, join(t.h.dataDir, 'src'), { seconds: 4, width: 160, height: 90, fps: 5, segmentS: 2, audio: false });
  t0 = Date.UTC(2026, 10, 29, 10, 0, 0);
  const paths = indexSegments(t.h.engine.media, t.h.engine.segments, cameraId, files, t0, 2000);
  segmentRel = relative(t.h.engine.media.root('recordings'), paths[0]!);
  mkdirSync(join(t.h.dataDir, 'snapshots', cameraId), { recursive: true });
  writeFileSync(join(t.h.dataDir, 'snapshots', cameraId, 'ev.jpg'), `\xff\xd8${MARKER}`);
  writeFileSync(join(t.h.dataDir, 'exports', 'clip.mp4'), MARKER);
});
afterAll(() => t?.close());

/** One request, written byte for byte (fetch would normalise the target), read until the server closes. */
function rawRequest(target: string, headers: Record<string, string>, method = 'GET', body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolveReq) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const lines = [`${method} ${target} HTTP/1.1`, ...Object.entries({ connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}`)];
    if (body) lines.push('content-type: application/json', `content-length: ${Buffer.byteLength(body)}`);
    sock.on('connect', () => sock.write(`${lines.join('\r\n')}\r\n\r\n${body}`));
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      // an upgraded WebSocket never closes by itself: its status line is all we need
      if (Buffer.concat(chunks).toString('latin1').startsWith('HTTP/1.1 101')) sock.destroy();
    });
    const done = (): void => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolveReq({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    };
    sock.on('close', done);
    sock.on('error', () => undefined);
    // a hang guard only: every answer here comes at once
    sock.setTimeout(10_000, () => sock.destroy());
  });
}

/** A concrete request for a route: real ids and files, so a route that let the caller through would return data. */
function concrete(r: RouteInfo, rpcMethod = 'cameras.list'): string {
  let path = r.url
    .replace(':cameraId', cameraId)
    .replace(':method', rpcMethod);
  if (path.startsWith('/media/recordings/')) path = path.replace('*', segmentRel);
  if (path.startsWith('/media/snapshots/')) path = path.replace('*', `${cameraId}/ev.jpg`);
  if (path.startsWith('/media/exports/')) path = path.replace('*', 'clip.mp4');
  if (path.startsWith('/media/play/')) path += `?start=${t0}`;
  if (path.startsWith('/media/frame/')) path += `?t=${t0 + 500}`;
  return path;
}

/** Spellings of one path that a router may read as the same route: percent-encoded letters, slashes, dots, case. */
export function spellings(path: string, host: string): string[] {
  const [p = '', q] = path.split('?');
  const query = q === undefined ? '' : `?${q}`;
  const out = new Set<string>([p]);
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (/[a-z]/i.test(ch)) {
      const hex = ch.charCodeAt(0).toString(16);
      out.add(`${p.slice(0, i)}%${hex.toUpperCase()}${p.slice(i + 1)}`);
      if (/[a-f]/.test(hex)) out.add(`${p.slice(0, i)}%${hex}${p.slice(i + 1)}`);
    }
    if (ch === '/') {
      out.add(`${p.slice(0, i)}//${p.slice(i + 1)}`);
      out.add(`${p.slice(0, i)}/./${p.slice(i + 1)}`);
      out.add(`${p.slice(0, i)}/x/../${p.slice(i + 1)}`);
      if (i > 0) {
        out.add(`${p.slice(0, i)}%2F${p.slice(i + 1)}`);
        out.add(`${p.slice(0, i)}%2f${p.slice(i + 1)}`);
        out.add(`${p.slice(0, i)}\\${p.slice(i + 1)}`);
      }
    }
  }
  out.add(p.toUpperCase());
  out.add(p.replace(/^\/(\w)/, (_m, c: string) => `/${c.toUpperCase()}`));
  out.add(`${p}/`);
  out.add(`${p};x=1`);
  const all = [...out].map((s) => s + query);
  // absolute-form and authority-form targets, which only proxies should receive
  all.push(`http://${host}${path}`, `http://evil.example${path}`, `//${host}${path}`, `127.0.0.1:${port}`);
  return all;
}

const WS_HEADERS = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' };

/** Refused: a 4xx/5xx status, no upgrade, and none of the seeded data or API values in the answer. */
function expectRefused(res: { status: number; text: string }, what: string): void {
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.text.includes(MARKER), `${what}: leaked a file`).toBe(false);
  expect(res.text.includes('"ok":true'), `${what}: answered a call`).toBe(false);
  expect(res.text.includes('ftyp'), `${what}: streamed video`).toBe(false);
  expect(res.text.includes(cameraId) && !res.text.includes('No route'), `${what}: named a camera`).toBe(false);
}

async function inBatches<T>(items: T[], fn: (item: T) => Promise<void>, size = 16): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

function requestFor(r: RouteInfo, target: string, headers: Record<string, string>) {
  const ws = r.websocket ? WS_HEADERS : {};
  const body = r.method === 'GET' ? '' : '{}';
  return rawRequest(target, { host: `127.0.0.1:${port}`, ...ws, ...headers }, r.method, body);
}

describe('the gate, attacked from the route table', () => {
  it('covers the routes that serve data, and each works for a signed-in admin (so refusals below mean something)', async () => {
    const guarded = t.server.routes.filter((r) => r.access !== 'public');
    const urls = guarded.map((r) => r.url);
    for (const u of ['/api/rpc/:method', '/api/ws', '/api/live/:cameraId', '/media/recordings/*', '/media/snapshots/*', '/media/exports/*', '/media/play/:cameraId', '/media/frame/:cameraId']) {
      expect(urls).toContain(u);
    }
    for (const r of guarded.filter((g) => !g.websocket && g.url !== '/api/live/:cameraId')) {
      const res = await requestFor(r, concrete(r), { cookie: t.adminCookie });
      expect([200, 206], `${r.method} ${r.url} as admin`).toContain(res.status);
    }
    const ws = await requestFor(guarded.find((r) => r.url === '/api/ws')!, '/api/ws', { cookie: t.adminCookie });
    expect(ws.status).toBe(101);
  });

  it('refuses every spelling of every guarded route, with every method, without a session', async () => {
    // the route's own method, and the ones a router may answer for it (HEAD for GET) or route elsewhere
    const methodsOf = (r: RouteInfo) => [...new Set([r.method, ...(r.method === 'GET' ? ['HEAD'] : []), 'OPTIONS', 'PUT'])];
    const cases = t.server.routes
      .filter((r) => r.access !== 'public')
      .flatMap((r) => methodsOf(r).flatMap((method) => spellings(concrete(r), `127.0.0.1:${port}`).map((target) => ({ r: { ...r, method }, target }))));
    expect(cases.length).toBeGreaterThan(1000);
    await inBatches(cases, async ({ r, target }) => {
      const res = await requestFor(r, target, {});
      // a HEAD answer has no body to check: its status must refuse
      expectRefused(res, `${r.method} ${target} (no session)`);
    });
  });

  it('refuses a viewer every spelling of every admin method', async () => {
    const rpc = t.server.routes.find((r) => r.url === '/api/rpc/:method')!;
    const adminMethods = Object.entries(methods).filter(([, m]) => m.role === 'admin').map(([name]) => name);
    expect(adminMethods.length).toBeGreaterThan(10);
    const cases = adminMethods.flatMap((m) => spellings(concrete(rpc, m), `127.0.0.1:${port}`).filter((s) => s.startsWith('/')).map((target) => ({ target, m })));
    await inBatches(cases, async ({ target }) => {
      const res = await requestFor(rpc, target, { cookie: t.viewerCookie });
      expect(res.status, `${target} as viewer`).toBeGreaterThanOrEqual(400);
      expect(res.text.includes('"ok":true'), `${target} as viewer`).toBe(false);
    });
  });

  it('refuses every route, public ones and the UI included, to a foreign Host, even with an admin session (DNS rebinding)', async () => {
    const hosts = ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, 'localhost.evil.example', '', `[::2]:${port}`, `127.0.0.1:${port}@evil.example`];
    const cases = t.server.routes.flatMap((r) => hosts.map((host) => ({ r, host })));
    await inBatches(cases, async ({ r, host }) => expectRefused(await requestFor(r, concrete(r), { host, cookie: t.adminCookie }), `${r.method} ${r.url} Host: ${host}`));
    // and the loopback names it does answer to
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      expect((await rawRequest('/api/auth/status', { host })).status).toBe(200);
    }
  });

  it('refuses every route to a foreign Origin, even with an admin session (CSRF, cross-site WebSockets)', async () => {
    const origins = ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null', `https://127.0.0.1:${port}`, `http://localhost.evil.example:${port}`, 'file://'];
    const cases = t.server.routes.flatMap((r) => origins.map((origin) => ({ r, origin })));
    await inBatches(cases, async ({ r, origin }) => expectRefused(await requestFor(r, concrete(r), { origin, cookie: t.adminCookie }), `${r.method} ${r.url} Origin: ${origin}`));
    // same-origin requests go through
    const rpc = t.server.routes.find((r) => r.url === '/api/rpc/:method')!;
    expect((await requestFor(rpc, '/api/rpc/cameras.list', { origin: `http://127.0.0.1:${port}`, cookie: t.adminCookie })).status).toBe(200);
  });

  it('refuses a forged or expired session cookie on every guarded route', async () => {
    const cookies = ['porchlight_session=forged', `porchlight_session=${'A'.repeat(43)}`, `porchlight_session=${'x'.repeat(5000)}`, 'porchlight_session='];
    const cases = t.server.routes.filter((r) => r.access !== 'public').flatMap((r) => cookies.map((cookie) => ({ r, cookie })));
    await inBatches(cases, async ({ r, cookie }) => expectRefused(await requestFor(r, concrete(r), { cookie }), `${r.method} ${r.url} cookie ${cookie.slice(0, 30)}`));
  });

  it('never lets the network choose the program the engine runs', async () => {
    for (const value of [{ ffmpegPath: '/tmp/evil', ffprobePath: '/tmp/evil' }, { ffmpegPath: '\\\\attacker\\share\\ffmpeg.exe', ffprobePath: '' }]) {
      const res = await t.rpc('settings.set', { section: 'ffmpeg', value });
      expect(res.status, JSON.stringify(value)).toBeGreaterThanOrEqual(400);
    }
    expect(t.h.engine.settings.get('ffmpeg')).toMatchObject({ ffmpegPath: '', ffprobePath: '' });
    // the section's other fields are an admin's to change from anywhere; a path smuggled in beside them is still refused
    expect((await t.rpc('settings.set', { section: 'ffmpeg', value: { hwaccel: 'auto' } })).status).toBe(200);
    expect((await t.rpc('settings.set', { section: 'ffmpeg', value: { hwaccel: 'off', ffmpegPath: '/tmp/evil' } })).status).toBeGreaterThanOrEqual(400);
    expect(t.h.engine.settings.get('ffmpeg')).toEqual({ ffmpegPath: '', ffprobePath: '', hwaccel: 'auto' });
    await t.rpc('settings.set', { section: 'ffmpeg', value: { hwaccel: 'off' } });
  });

  it('caps the ffmpeg processes requests start: beyond the cap a request is refused before anything is spawned', async () => {
    const play = t.server.routes.find((r) => r.url === '/media/play/:cameraId')!;
    const frame = t.server.routes.find((r) => r.url === '/media/frame/:cameraId')!;
    // the slots are all in use (as by other clients' playbacks)
    const taken = Array.from({ length: requestSlots.max }, () => requestSlots.tryTake()!);
    try {
      expect(requestSlots.tryTake()).toBeUndefined();
      for (const r of [play, frame]) {
        const res = await requestFor(r, concrete(r), { cookie: t.viewerCookie });
        expect(res.status, r.url).toBe(503);
        expect(res.text).toMatch(/Too many recordings are being read at once/);
      }
    } finally {
      for (const release of taken) release();
    }
    expect((await requestFor(frame, concrete(frame), { cookie: t.viewerCookie })).status).toBe(200);
  });

  it('leaves no ffmpeg process behind', async () => {
    // playback requests from the positive check above end with their connection
    for (let i = 0; i < 100 && requestSlots.inUse > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(requestSlots.inUse).toBe(0);
    const children = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' }).trim();
    expect(children.split('\n').filter((l) => /ffmpeg|ffprobe/.test(l))).toEqual([]);
  });
});
