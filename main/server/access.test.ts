// Who may see what, attacked from the RPC method table, the route table and the topic table: a viewer of camera A gets nothing of B.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  methods,
  PERMISSIONS,
  topics,
  type EventDto,
  type MethodName,
  type MethodSpec,
  type Permission,
  type TopicName,
  type TopicPayload,
  type UserAccess,
} from '../common/contract/index.js';
import { viewerRefusal } from '../core/api/scope.js';
import { DEMO_URL } from '../core/cameras/demo.js';
import { encodeSegments, indexSegments } from '../core/export/fixtures.js';
import { locateFfmpeg } from '../core/ffmpeg/locate.js';
import { ADMIN } from '../../test/helpers/engine.js';
import { cookieFrom, startTestServer, type RpcReply, type TestServer } from '../../test/helpers/server.js';

let t: TestServer;
const PASSWORD = 'a viewer password';
/** Bytes inside every one of B's snapshots and thumbnails: an answer carrying them leaked B's footage. */
const MARKER_B = 'BRAVO-FOOTAGE-MARKER-5521';

interface Side {
  cam: string;
  name: string;
  event: string;
  event2: string;
  exportId: string;
  spareExport: string;
  exportFile: string;
  alert: number;
  segment: string;
  snapshot: string;
  thumb: string;
  learned: number;
}
const A: Side = { cam: 'alpha', name: 'Alpha porch', event: 'alpha-ev-1', event2: 'alpha-ev-2', exportId: '', spareExport: '', exportFile: '', alert: 0, segment: '', snapshot: 'alpha/alpha-ev-1.jpg', thumb: 'alpha/alpha-ev-1.thumb.jpg', learned: 0 };
const B: Side = { cam: 'bravo-hidden', name: 'Bravo SECRET-NAME-7731', event: 'bravo-ev-1', event2: 'bravo-ev-2', exportId: '', spareExport: '', exportFile: '', alert: 0, segment: '', snapshot: 'bravo-hidden/bravo-ev-1.jpg', thumb: 'bravo-hidden/bravo-ev-1.thumb.jpg', learned: 0 };

/** Cookies of each signed-in user: the viewer of A alone, and a viewer of every camera missing one permission each. */
const cookies: Record<string, string> = {};
let t0 = 0;

async function signIn(username: string, access: UserAccess): Promise<string> {
  await t.h.engine.accounts.create(username, PASSWORD, 'viewer', access);
  const res = await fetch(`${t.server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(res.status).toBe(200);
  return cookieFrom(res);
}

const withoutPermission = (p: Permission): Permission[] => PERMISSIONS.filter((x) => x !== p && x !== 'unmask');

/** Everything that names B or is B's: ids, name, events, exports and the bytes in its files. */
function bMarkers(): string[] {
  return [B.cam, B.name, B.event, B.event2, B.exportId, B.spareExport, MARKER_B].filter(Boolean);
}

function leaksB(text: string): string | undefined {
  return bMarkers().find((m) => text.includes(m));
}

async function call(method: string, input: unknown, cookie: string): Promise<{ status: number; json: RpcReply; text: string }> {
  const res = await t.rpc(method, input, cookie);
  return { ...res, text: JSON.stringify(res.json) };
}

async function waitOnline(cameraId: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (t.h.engine.states.get(cameraId)?.state === 'online' && t.h.engine.runtime.live(cameraId, 'full')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${cameraId} did not come online`);
}

beforeAll(async () => {
  t = await startTestServer({ engine: { startCameras: true } });
  const { engine } = t.h;
  t0 = Math.floor((Date.now() - 3600_000) / 1000) * 1000;
  // detection is not what is tested here: the pattern cameras only need live video and frames
  await engine.router.dispatch(ADMIN, 'settings.set', { section: 'detect', value: { enabled: false } });
  const ffmpeg = locateFfmpeg().ffmpeg;
  const files = await encodeSegments(ffmpeg, join(t.h.dataDir, 'src'), { seconds: 4, width: 160, height: 90, fps: 5, segmentS: 2, audio: false });
  const jpeg = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  for (const s of [A, B]) {
    const made = await engine.router.dispatch(ADMIN, 'cameras.upsert', { id: s.cam, name: s.name, recordMode: 'off', streams: [{ name: 'main', url: DEMO_URL, roles: ['detect', 'live'] }] });
    expect(made.ok).toBe(true);
    s.segment = relative(engine.media.root('recordings'), indexSegments(engine.media, engine.segments, s.cam, files, t0, 2000)[0]!).split(sep).join('/');
    mkdirSync(join(t.h.dataDir, 'snapshots', s.cam), { recursive: true });
    const marker = s === B ? MARKER_B : 'alpha-footage';
    writeFileSync(join(t.h.dataDir, 'snapshots', s.snapshot), Buffer.concat([jpeg, Buffer.from(marker)]));
    writeFileSync(join(t.h.dataDir, 'snapshots', s.thumb), Buffer.concat([jpeg, Buffer.from(marker)]));
    for (const [id, at] of [[s.event, 1000], [s.event2, 2500]] as const) {
      engine.events.upsert({ id, cameraId: s.cam, label: 'person', start: t0 + at, end: t0 + at + 800, topScore: 0.9, box: [0.1, 0.1, 0.5, 0.9], zones: [], snapshot: id === s.event ? s.snapshot : null });
    }
    const rule = engine.rules.upsert({ name: `rule of ${s.cam}`, cameras: [s.cam] });
    s.alert = Number(engine.db.raw.prepare('INSERT INTO alerts (rule_id, event_id, camera_id, label, time) VALUES (?, ?, ?, ?, ?)').run(rule.id, s.event, s.cam, 'person', t0 + 1000).lastInsertRowid);
    s.learned = engine.learned.add({ cameraId: s.cam, eventId: s.event, verdict: 'correct', label: 'person', score: 0.9, box: [0.1, 0.1, 0.5, 0.9], embedding: new Float32Array(8), time: t0 + 1000 }).id;
    // an evidence hold on each side's second event (nothing below deletes that event)
    expect((await engine.router.dispatch(ADMIN, 'evidence.holdEvent', { eventId: s.event2, reason: 'kept for the test' })).ok).toBe(true);
    const job = engine.exports.create({ cameras: [s.cam], start: t0, end: t0 + 4000 }, { name: 'admin', origin: 'test' });
    const spare = engine.exports.create({ cameras: [s.cam], start: t0, end: t0 + 2000 }, { name: 'admin', origin: 'test' });
    const done = await engine.exports.wait(job.id);
    expect(done.status).toBe('done');
    expect((await engine.exports.wait(spare.id)).status).toBe('done');
    s.exportId = job.id;
    s.spareExport = spare.id;
    s.exportFile = done.url!;
  }
  cookies.viewerA = await signIn('viewer-of-a', { permissions: ['live', 'recordings', 'export'], cameras: [A.cam] });
  for (const p of ['live', 'recordings', 'export'] as const) cookies[`no-${p}`] = await signIn(`viewer-without-${p}`, { permissions: withoutPermission(p), cameras: null });
  await Promise.all([waitOnline(A.cam), waitOnline(B.cam)]);
}, 240_000);
afterAll(() => t?.close());

/** How a method is called for one side's camera; `served` counts what it served when the answer names no camera. */
interface MethodCase {
  input: (s: Side) => unknown;
  served?: (value: unknown) => number;
  /** After the refused call for B: what it would have changed is as it was. */
  intact?: () => void;
}

const win = (): { after: number; before: number } => ({ after: t0 - 1000, before: t0 + 10_000 });
const count = (key: string) => (v: unknown): number => Number((v as Record<string, unknown>)[key] ?? 0);

/** One case per method a viewer may call; the first test fails for a viewer method without one. */
type ViewerMethod = MethodName;
const METHOD_CASES: Partial<Record<ViewerMethod, MethodCase>> = {
  'system.info': { input: () => ({}) },
  'cameras.list': { input: () => ({}) },
  'cameras.get': { input: (s) => ({ id: s.cam }) },
  'cameras.states': { input: () => ({}) },
  'cameras.still': { input: (s) => ({ id: s.cam }), served: (v) => ((v as { jpeg: string }).jpeg.length > 100 ? 1 : 0) },
  'events.query': { input: (s) => ({ cameras: [s.cam] }) },
  'events.get': { input: (s) => ({ id: s.event }) },
  'recordings.spans': { input: (s) => ({ cameras: [s.cam], ...win() }) },
  'recordings.segments': { input: (s) => ({ cameraId: s.cam, ...win() }) },
  'recordings.playMap': { input: (s) => ({ cameraId: s.cam, start: t0 }), served: (v) => (v as unknown[]).length },
  'system.health': { input: () => ({}) },
  'system.storage': { input: () => ({}) },
  'settings.get': { input: () => ({}) },
  'exports.create': { input: (s) => ({ cameras: [s.cam], start: t0, end: t0 + 2000 }) },
  'exports.createFromEvents': { input: (s) => ({ cameras: [s.cam], ...win() }) },
  'exports.list': { input: () => ({}) },
  'exports.get': { input: (s) => ({ id: s.exportId }) },
  'exports.cancel': { input: (s) => ({ id: s.exportId }) },
  'exports.delete': { input: (s) => ({ id: s.spareExport }), served: (v) => ((v as { deleted: boolean }).deleted ? 1 : 0), intact: () => expect(t.h.engine.exports.get(B.spareExport).id).toBe(B.spareExport) },
  'exports.verify': { input: (s) => ({ id: s.exportId }), served: (v) => ((v as { ok: boolean }).ok ? 1 : 0) },
  'rules.list': { input: () => ({}) },
  'rules.preview': { input: (s) => ({ rule: { name: 'preview', cameras: [s.cam] }, hours: 2 }) },
  'alerts.list': { input: () => ({}) },
  'alerts.markSeen': {
    input: (s) => ({ ids: [s.alert] }),
    served: count('updated'),
    intact: () => expect(t.h.engine.db.raw.prepare('SELECT seen FROM alerts WHERE id = ?').get(B.alert)).toEqual({ seen: 0 }),
  },
  'models.list': { input: () => ({}) },
  'demo.info': { input: () => ({}) },
  // counted before review.mark and markAll below change the caller's unreviewed items (cases run in this order)
  'review.counts': { input: () => ({}), served: count('total') },
  'review.list': { input: (s) => ({ cameras: [s.cam], ...win() }) },
  'review.mark': { input: (s) => ({ eventIds: [s.event] }), served: count('changed') },
  'review.markAll': { input: (s) => ({ cameras: [s.cam], ...win() }), served: count('changed') },
  'motion.search': { input: (s) => ({ cameraId: s.cam, region: [[0, 0], [1, 0], [1, 1], [0, 1]], ...win() }), served: () => 1 },
  // each caller's own scan: the viewer of A scans A (B is refused), the admin scans B; status and cancel find the caller's latest
  'motion.scanStart': { input: (s) => ({ cameraId: s.cam, region: [[0, 0], [1, 0], [1, 1], [0, 1]], ...win() }) },
  'motion.scanStatus': { input: () => ({}) },
  'motion.scanCancel': { input: () => ({}) },
  'live.open': { input: (s) => ({ cameraId: s.cam }), served: (v) => ((v as { streamId?: string }).streamId ? 1 : 0) },
  'live.close': { input: () => ({ streamId: 'no-such-stream' }) },
  'timeline.markers': { input: (s) => ({ cameras: [s.cam], ...win() }) },
  'timeline.adjacentEvent': { input: (s) => ({ cameraId: s.cam, t: t0, direction: 'next' }) },
  'learned.list': { input: (s) => ({ cameraId: s.cam }) },
  'learned.crop': { input: (s) => ({ id: s.learned }), served: (v) => ((v as { id: number }).id > 0 ? 1 : 0) },
  'learned.maskSuggestions': { input: (s) => ({ cameraId: s.cam }), served: () => 1 },
  'events.track': { input: (s) => ({ id: s.event }), served: (v) => ((v as { eventId?: string }).eventId ? 1 : 0) },
  'evidence.list': { input: (s) => ({ cameraId: s.cam }) },
  'exports.signingKey': { input: () => ({}) },
  'vault.status': { input: () => ({}) },
};

const viewerMethods = (Object.entries(methods) as [MethodName, MethodSpec][]).filter(([, m]) => m.role === 'viewer');

describe('who may see what: methods', () => {
  it('every viewer method declares its permission and cameras, and has a case here (deny by default)', () => {
    expect(viewerMethods.filter(([, m]) => !m.viewer).map(([n]) => n)).toEqual([]);
    expect(Object.keys(METHOD_CASES).sort()).toEqual(viewerMethods.map(([n]) => n).sort());
    // a method without a declaration is refused to viewers however they are granted, and served to admins
    const everything = { role: 'viewer' as const, permissions: PERMISSIONS, cameras: null };
    expect(viewerRefusal('future.method', undefined, everything)?.code).toBe('forbidden');
    expect(viewerRefusal('future.method', undefined, { role: 'admin' })).toBeUndefined();
  });

  it("serves A's data to the viewer of A and B's to an admin, and nothing of B to that viewer, through every method", async () => {
    expect(Object.keys(METHOD_CASES).length).toBeGreaterThan(30);
    for (const [name, c] of Object.entries(METHOD_CASES) as [ViewerMethod, MethodCase][]) {
      const spec = methods[name] as MethodSpec;
      const carries = spec.viewer?.cameras !== 'none';
      // the same input for either side (lists, counts): only what comes back can differ
      const sideless = JSON.stringify(c.input(A)) === JSON.stringify(c.input(B));
      // positive first: the case really serves A to its viewer, so the refusal below could have failed
      const mine = await call(name, c.input(A), cookies.viewerA!);
      expect(mine.json.ok, `${name} (A) as viewer of A: ${mine.text.slice(0, 300)}`).toBe(true);
      if (c.served) expect(c.served(mine.json.value), `${name} served A`).toBeGreaterThan(0);
      else if (carries) expect(mine.text, `${name} names A`).toContain(A.cam);
      expect(leaksB(mine.text), `${name} (A) as viewer of A leaked`).toBeUndefined();
      // the attack: the same call for B
      const theirs = await call(name, c.input(B), cookies.viewerA!);
      if (typeof spec.viewer?.cameras === 'object') expect(theirs.json.ok, `${name} (B) as viewer of A`).toBe(false);
      if (theirs.json.ok) {
        expect(leaksB(theirs.text), `${name} (B) as viewer of A leaked`).toBeUndefined();
        if (c.served && !sideless) expect(c.served(theirs.json.value), `${name} served B to the viewer of A`).toBe(0);
      } else {
        // a refusal may echo the id asked for, never what B is
        expect(theirs.text.includes(B.name) || theirs.text.includes(MARKER_B), `${name} refusal told about B`).toBe(false);
      }
      c.intact?.();
      // and an admin gets B's, so the case does reach B's data
      const admin = await call(name, c.input(B), t.adminCookie);
      expect(admin.json.ok, `${name} (B) as admin: ${admin.text.slice(0, 300)}`).toBe(true);
      // a count over every camera: the admin's includes B, the viewer's does not
      if (c.served && sideless) expect(c.served(theirs.json.value), `${name} counted B for the viewer of A`).toBeLessThan(c.served(admin.json.value));
      if (c.served) expect(c.served(admin.json.value), `${name} served B to an admin`).toBeGreaterThan(0);
      else if (carries) expect(admin.text, `${name} names B for an admin`).toContain(B.cam);
      if (name === 'live.open') {
        for (const r of [mine, admin]) await call('live.close', { streamId: (r.json.value as { streamId: string }).streamId }, t.adminCookie);
      }
    }
  }, 120_000);

  // the review badge is compared with the admin's in the method loop above (review.counts, before any marking)
  it('counts only the cameras in scope: storage totals', async () => {
    const admin = (await call('system.storage', {}, t.adminCookie)).json.value as { usedBytes: number; perCamera: { cameraId: string; bytes: number }[] };
    const mine = (await call('system.storage', {}, cookies.viewerA!)).json.value as typeof admin;
    const aBytes = admin.perCamera.find((c) => c.cameraId === A.cam)!.bytes;
    expect(mine.perCamera.map((c) => c.cameraId)).toEqual([A.cam]);
    expect(mine.usedBytes).toBe(aBytes);
    expect(admin.usedBytes).toBeGreaterThan(aBytes);
  });

  it('lists with no camera named give the viewer of A only A', async () => {
    for (const name of ['events.query', 'recordings.spans', 'review.list', 'timeline.markers', 'cameras.list', 'exports.list', 'alerts.list', 'learned.list', 'rules.list'] as const) {
      const input = name === 'recordings.spans' || name === 'timeline.markers' || name === 'review.list' ? win() : {};
      const mine = await call(name, input, cookies.viewerA!);
      expect(mine.json.ok, name).toBe(true);
      expect(mine.text, name).toContain(A.cam);
      expect(leaksB(mine.text), name).toBeUndefined();
    }
  });

  it('refuses each method to a viewer without the permission it declares, and serves it to one with it', async () => {
    for (const [name, spec] of viewerMethods) {
      const needs = spec.viewer?.needs;
      if (!needs || needs === 'unmask') continue;
      const input = METHOD_CASES[name]!.input(A);
      const res = await call(name, input, cookies[`no-${needs}`]!);
      expect(res.json.error?.code, `${name} without "${needs}"`).toBe('forbidden');
      const other = PERMISSIONS.find((p) => p !== needs && p !== 'unmask')!;
      if (name === 'exports.delete') continue;
      const ok = await call(name, input, cookies[`no-${other}`]!);
      expect(ok.json.ok, `${name} with "${needs}": ${ok.text.slice(0, 200)}`).toBe(true);
      if (name === 'live.open') await call('live.close', { streamId: (ok.json.value as { streamId: string }).streamId }, t.adminCookie);
    }
  }, 60_000);
});

/** One request per route for one side; every non-public route must have one. */
const ROUTE_CASES: Record<string, (s: Side) => string> = {
  '/media/recordings/*': (s) => `/media/recordings/${s.segment}`,
  '/media/snapshots/*': (s) => `/media/snapshots/${s.snapshot}`,
  '/media/exports/*': (s) => `/media/exports/${s.exportFile}`,
  '/media/play/:cameraId': (s) => `/media/play/${s.cam}?start=${t0}`,
  '/media/frame/:cameraId': (s) => `/media/frame/${s.cam}?t=${t0 + 500}`,
};

async function get(path: string, cookie: string): Promise<{ status: number; body: Buffer }> {
  const ctl = new AbortController();
  const res = await fetch(`${t.server.url}${path}`, { headers: { cookie }, signal: ctl.signal });
  // playback streams on; the first bytes are enough to tell what it serves
  const reader = res.body!.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    size += value.length;
    if (size > 4096) {
      ctl.abort();
      break;
    }
  }
  return { status: res.status, body: Buffer.concat(chunks) };
}

/** Opens a WebSocket with a cookie; resolves with the HTTP refusal or the open socket (messages go to onMessage from the first). */
function openSocket(path: string, cookie: string, onMessage?: (data: WebSocket.RawData, isBinary: boolean) => void): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${t.server.url.replace('http', 'ws')}${path}`, { headers: { cookie, origin: t.server.url } });
    // a server that sends at once can have its first message parsed with the upgrade, before 'open' handlers resume
    if (onMessage) ws.on('message', onMessage);
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('error', () => resolve({ status: 0 }));
  });
}

/** The close code of a live socket, or 'media' once it sent its init: what the live route does for that caller. */
async function liveOutcome(cameraId: string, cookie: string): Promise<number | 'media'> {
  let sawInit = false;
  const opened = await openSocket(`/api/live/${cameraId}`, cookie, (data, isBinary) => {
    if (!isBinary && String(data).includes('"init"')) sawInit = true;
  });
  if (!opened.ws) return opened.status;
  const ws = opened.ws;
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), 20_000);
    const check = setInterval(() => {
      if (!sawInit) return;
      clearInterval(check);
      clearTimeout(timer);
      ws.close();
      resolve('media');
    }, 20);
    ws.once('close', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      resolve(sawInit ? 'media' : code);
    });
  });
}

describe('who may see what: routes and sockets', () => {
  it('every guarded route declares its permission and has a case here', () => {
    const guarded = t.server.routes.filter((r) => r.access !== 'public');
    expect(guarded.filter((r) => r.access === 'viewer' && r.needs === undefined).map((r) => r.url)).toEqual([]);
    const covered = new Set([...Object.keys(ROUTE_CASES), '/api/rpc/:method', '/api/ws', '/api/live/:cameraId']);
    expect(guarded.filter((r) => !covered.has(r.url)).map((r) => r.url)).toEqual([]);
  });

  it("serves A's media to the viewer of A and B's to an admin; B's, however spelled, to that viewer never", async () => {
    for (const [url, path] of Object.entries(ROUTE_CASES)) {
      const mine = await get(path(A), cookies.viewerA!);
      expect(mine.status, `${url} A as viewer of A`).toBeLessThan(300);
      expect(mine.body.length, url).toBeGreaterThan(0);
      const admin = await get(path(B), t.adminCookie);
      expect(admin.status, `${url} B as admin`).toBeLessThan(300);
      const p = path(B);
      const spellings = [p, p.replace(B.cam, `${A.cam}/../${B.cam}`), p.replace(B.cam, encodeURIComponent(B.cam).replace('b', '%62')), p.replace(`/${B.cam}`, `/${A.cam}/%2e%2e/${B.cam}`)];
      for (const target of spellings) {
        const theirs = await get(target, cookies.viewerA!);
        expect(theirs.status, `${target} as viewer of A`).toBeGreaterThanOrEqual(400);
        expect(theirs.body.includes(MARKER_B), `${target} leaked`).toBe(false);
        expect(theirs.body.includes('ftyp'), `${target} streamed video`).toBe(false);
      }
    }
    // the snapshot B's admin got was B's very file (so the refusals above refused real data)
    expect((await get(`/media/snapshots/${B.thumb}`, t.adminCookie)).body.includes(MARKER_B)).toBe(true);
  }, 60_000);

  it('refuses each media route to a viewer without its permission', async () => {
    for (const r of t.server.routes.filter((x) => x.needs && ROUTE_CASES[x.url])) {
      const res = await get(ROUTE_CASES[r.url]!(A), cookies[`no-${r.needs}`]!);
      expect(res.status, `${r.url} without "${r.needs}"`).toBe(403);
    }
  });

  it('plays A live to its viewer; B is no camera to them; no live at all without "view live"', async () => {
    expect(await liveOutcome(A.cam, cookies.viewerA!)).toBe('media');
    expect(await liveOutcome(B.cam, t.adminCookie)).toBe('media');
    expect(await liveOutcome(B.cam, cookies.viewerA!)).toBe(4404);
    expect(await liveOutcome(A.cam, cookies['no-live']!)).toBe(403);
  }, 60_000);

  it("logs each viewing session of the viewer of A (camera, range, user, address) once, not per request, for the admin only", async () => {
    // the media test above read A's segment, snapshot, export, playback and frames, the live test watched A
    t.h.engine.views.flush();
    const res = await call('audit.views', { user: 'viewer-of-a' }, t.adminCookie);
    expect(res.json.ok).toBe(true);
    const views = res.json.value as { kind: string; cameraId: string; origin: string; start: number; end: number }[];
    for (const kind of ['recording', 'snapshot', 'export', 'live']) {
      const of = views.filter((v) => v.kind === kind && v.cameraId === A.cam);
      // one session per kind from this address, however many requests and Range reads it made
      expect(of, kind).toHaveLength(1);
      expect(of[0]!.origin).toBe('127.0.0.1');
    }
    // the recording session spans the segment and the played and hovered moments
    const rec = views.find((v) => v.kind === 'recording')!;
    expect(rec.start).toBe(t0);
    expect(rec.end).toBeGreaterThanOrEqual(t0 + 2000);
    expect(views.some((v) => v.cameraId === B.cam)).toBe(false);
    expect((await call('audit.views', {}, cookies.viewerA!)).json.error?.code).toBe('forbidden');
  });

  it('sends every topic of A to the viewer of A and of B to an admin, and none of B to that viewer', async () => {
    const { engine } = t.h;
    const eventOf = (s: Side): EventDto => engine.events.get(s.event)!;
    const PAYLOADS: { [T in TopicName]: (s: Side) => TopicPayload<T> | undefined } = {
      'camera.state': (s) => ({ cameraId: s.cam, state: 'online', since: t0 }),
      'camera.changed': (s) => ({ id: s.cam, deleted: false }),
      'segment.new': (s) => ({ cameraId: s.cam, start: t0, end: t0 + 2000, bytes: 1 }),
      'settings.changed': () => ({ section: 'detect' }),
      'event.changed': (s) => eventOf(s),
      'export.progress': (s) => ({ id: s.exportId, status: 'done', progress: 1 }),
      'alert.new': (s) => ({ id: s.alert, ruleId: 'r', ruleName: `rule of ${s.cam}`, eventId: s.event, cameraId: s.cam, label: 'person', time: t0, seen: false, snapshot: s.snapshot, cameraName: s.name }),
      'sink.status': () => ({ id: 'webhook-x', state: 'ok', lastError: null, lastDeliveredAt: null, failures: 0 }) as unknown as TopicPayload<'sink.status'>,
      'notify.toast': (s) => ({ alertId: s.alert, eventId: s.event, cameraId: s.cam, title: s.name, body: 'person' }),
      'model.progress': () => ({ name: 'm', status: 'done', received: 1, total: 1 }),
      'demo.progress': (s) => ({ stage: 'done', received: 0, total: 0, cameraId: s.cam }),
      'review.changed': () => ({ at: t0 }),
      'vault.migration.progress': () => ({ state: 'running', phase: 'media', items: { done: 1, total: 2 }, bytes: { done: 1, total: 2 }, reason: null, plainInstall: false, canRollback: true, startedAt: t0, finishedAt: null, confirmedAt: null }),
      // video goes over the live socket only; the topics socket refuses to relay it to anyone
      'live.chunk': () => undefined,
      'motion.progress': (s) => ({ id: `scan-of-${s === A ? 'a' : 'b'}`, cameraId: s.cam, state: 'running', segmentsDone: 1, segmentsTotal: 2, moments: 0 }),
    };
    expect(Object.keys(PAYLOADS).sort()).toEqual(Object.keys(topics).sort());
    const listen = async (cookie: string): Promise<{ got: { topic: string; payload: unknown }[]; ws: WebSocket }> => {
      const { ws } = await openSocket('/api/ws', cookie);
      const got: { topic: string; payload: unknown }[] = [];
      ws!.on('message', (d) => {
        const m = JSON.parse(String(d)) as { topic?: string; payload?: unknown; type?: string };
        if (m.topic) got.push({ topic: m.topic, payload: m.payload });
      });
      await new Promise<void>((resolve) => {
        ws!.once('message', () => resolve());
        ws!.send(JSON.stringify({ type: 'subscribe', topics: Object.keys(topics) }));
      });
      return { got, ws: ws! };
    };
    const viewer = await listen(cookies.viewerA!);
    const admin = await listen(t.adminCookie);
    for (const [topic, make] of Object.entries(PAYLOADS) as [TopicName, (s: Side) => unknown][]) {
      for (const s of [A, B]) {
        const payload = make(s);
        if (payload !== undefined) engine.bus.publish(topic, payload as never);
      }
    }
    // a last message both may receive: once it is in, everything before it was sent or withheld
    engine.bus.publish('settings.changed', { section: 'end-of-test' });
    const done = (c: { got: { payload: unknown }[] }) => c.got.some((m) => JSON.stringify(m.payload).includes('end-of-test'));
    for (let i = 0; i < 200 && !(done(viewer) && done(admin)); i++) await new Promise((r) => setTimeout(r, 25));
    expect(done(viewer) && done(admin)).toBe(true);
    viewer.ws.close();
    admin.ws.close();
    const viewerTopics = new Set(viewer.got.map((m) => m.topic));
    for (const topic of Object.keys(PAYLOADS) as TopicName[]) {
      if (topic === 'live.chunk') {
        expect(viewerTopics.has(topic) || admin.got.some((m) => m.topic === topic)).toBe(false);
        continue;
      }
      const adminOfTopic = admin.got.filter((m) => m.topic === topic).map((m) => JSON.stringify(m.payload));
      if (topic === 'sink.status' || topic === 'demo.progress' || topic === 'vault.migration.progress') {
        expect(viewerTopics.has(topic), `${topic} reached a viewer`).toBe(false);
        expect(adminOfTopic.length, `${topic} reached the admin`).toBeGreaterThan(0);
        continue;
      }
      expect(viewerTopics.has(topic), `${topic} reached the viewer of A`).toBe(true);
      if (PAYLOADS[topic](A) && JSON.stringify(PAYLOADS[topic](B)).includes(B.cam)) {
        expect(adminOfTopic.some((p) => p.includes(B.cam)), `${topic} of B reached the admin`).toBe(true);
      }
    }
    // nothing the viewer's socket carried, real camera traffic included, was B's
    const leaked = viewer.got.filter((m) => leaksB(JSON.stringify(m.payload)));
    expect(leaked).toEqual([]);
  }, 60_000);

  it('a grant changed while the viewer is connected: their open socket closes, and their next calls follow the new grant', async () => {
    const user = await t.h.engine.accounts.create('viewer-moved', PASSWORD, 'viewer', { permissions: ['live', 'recordings'], cameras: [A.cam] });
    const res = await fetch(`${t.server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'viewer-moved', password: PASSWORD }) });
    const cookie = cookieFrom(res);
    expect((await call('events.get', { id: A.event }, cookie)).json.ok).toBe(true);
    expect((await call('events.get', { id: B.event }, cookie)).json.ok).toBe(false);
    const { ws } = await openSocket('/api/ws', cookie);
    expect(ws).toBeDefined();
    const closed = new Promise<number>((resolve) => ws!.once('close', (code) => resolve(code)));

    // the admin moves them from A to B, as Settings -> Users does
    const moved = await call('users.setAccess', { id: user.id, permissions: ['live', 'recordings'], cameras: [B.cam] }, t.adminCookie);
    expect(moved.json.ok, moved.text).toBe(true);
    const code = await Promise.race([closed, new Promise<'open'>((r) => setTimeout(() => r('open'), 10_000))]);
    expect(code, 'the socket under the old grant was closed').not.toBe('open');

    // the same session, now under the new grant: B is theirs, A is no camera to them
    expect((await call('events.get', { id: B.event }, cookie)).json.ok).toBe(true);
    const a = await call('events.get', { id: A.event }, cookie);
    expect(a.json.ok).toBe(false);
    expect(a.text.includes(A.name)).toBe(false);
    const listed = (await call('cameras.list', {}, cookie)).json.value as { id: string }[];
    expect(listed.map((c) => c.id)).toEqual([B.cam]);
    expect((await get(`/media/snapshots/${B.snapshot}`, cookie)).status).toBe(200);
    expect((await get(`/media/snapshots/${A.snapshot}`, cookie)).status).toBe(404);
  }, 60_000);
});

