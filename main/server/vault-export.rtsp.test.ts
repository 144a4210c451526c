// Exports with encryption on, from a real RTSP camera: nothing under the data directory parses as media, downloads are
// plain (whole and by Range, over HTTP and app://) and verify; and no ffmpeg the engine runs carries a capability or key in its command line.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtspCamera, type RtspCamera } from '../../test/fixtures/rtsp-camera.js';
import { probeAtRest, readableAtRest, walkFiles } from '../../test/helpers/at-rest.js';
import { ADMIN } from '../../test/helpers/engine.js';
import { ADMIN_PASSWORD, cookieFrom } from '../../test/helpers/server.js';
import { makeTempDir } from '../../test/helpers/tmp.js';
import { waitFor } from '../../test/helpers/wait.js';
import { createAppProtocolHandler } from '../electron/protocol.js';
import { APP_ORIGIN } from '../electron/security.js';
import { createServer, type RunningServer } from './server.js';
import { startEngine, type Engine } from '../core/app.js';
import { verifyExport } from '../core/export/index.js';
import { openPlayback, recordedFrame } from '../core/recordings/recorded-media.js';
import { sql } from '../core/storage/sql.js';
import { keyFileSource } from '../core/vault/index.js';

const tmp = makeTempDir();
const dataDir = join(tmp.dir, 'data');
const keyFile = join(tmp.dir, 'key', 'vault.key');
const downloads = join(tmp.dir, 'downloads');
let cam: RtspCamera;
let engine: Engine;
let server: RunningServer;
let cookie = '';
let cameraId = '';

const walk = walkFiles;

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(`${server.url}${path}`, { headers: { cookie, ...headers } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

async function exportDone(input: Record<string, unknown>): Promise<{ id: string; files: { url: string; sha256: string }[]; manifestUrl: string }> {
  const res = await engine.router.dispatch(ADMIN, 'exports.create', input);
  if (!res.ok) throw new Error(res.error.message);
  const job = await engine.exports.wait((res.value as { id: string }).id);
  expect(job.status, job.error).toBe('done');
  return job as unknown as { id: string; files: { url: string; sha256: string }[]; manifestUrl: string };
}

/** The engine's ffmpeg and ffprobe processes now: pid, command line, environment. */
function ffmpegChildren(): { pid: number; argv: string; env: string }[] {
  const kids = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'latin1').trim().split(/\s+/).filter(Boolean).map(Number);
  return kids.flatMap((pid) => {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'latin1').trim();
      if (comm !== 'ffmpeg' && comm !== 'ffprobe') return [];
      return [{ pid, argv: readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' '), env: readFileSync(`/proc/${pid}/environ`, 'latin1') }];
    } catch {
      return [];
    }
  });
}

/** A GET through the tap as ffmpeg sends it (proxy form), with or without the credential. */
function viaTap(proxy: URL, url: string, auth: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { range: 'bytes=0-99' };
    if (auth) headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    const req = request({ host: '127.0.0.1', port: Number(proxy.port), path: url, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(dataDir);
  mkdirSync(join(tmp.dir, 'key'));
  mkdirSync(downloads);
  cam = await startRtspCamera({ hevc: false, vtest: false });
  engine = await startEngine({ dataDir, host: 'server', startCameras: true, repairMinAgeMs: 0, vault: { encryption: 'on', source: keyFileSource(keyFile) } });
  server = await createServer({ engine, host: '127.0.0.1', port: 0, networkLimit: { maxFailures: 10_000, lockMs: 60_000, maxLockMs: 60_000 }, loginsPerMinute: 10_000 });
  const setup = await fetch(`${server.url}/api/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD, setupCode: server.setupCode }) });
  expect(setup.status).toBe(200);
  cookie = cookieFrom(setup);
  const res = await engine.router.dispatch(ADMIN, 'cameras.upsert', { name: 'Porch', streams: [{ name: 'main', url: cam.url('/pattern'), roles: ['record'] }], detect: { enabled: false }, recordMode: 'continuous' });
  if (!res.ok) throw new Error(res.error.message);
  cameraId = (res.value as { id: string }).id;
  await waitFor(() => (engine.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM segments`)?.n ?? 0) >= 2, 90_000, 'two recorded segments');
}, 150_000);

afterAll(async () => {
  await server?.close();
  await engine?.stop();
  await cam?.stop();
  tmp.cleanup();
});

describe('exports with encryption on', () => {
  const made: { id: string; files: { url: string; sha256: string }[]; manifestUrl: string }[] = [];

  it('a copy, an exact cut and a masked (redacted) export: done, verified in the engine', async () => {
    expect(engine.vault.status().state).toBe('unlocked');
    const segs = engine.segments.segments(cameraId, 0, Date.now() + 60_000);
    const start = segs[0]!.start + 1500;
    const end = segs[1]!.end - 1500;
    made.push(await exportDone({ cameras: [cameraId], start, end }));
    made.push(await exportDone({ cameras: [cameraId], start, end, exact: true }));
    // privacy masks are burned into a range export by the redaction step (decode through the tap, encode into the pipe)
    const edit = await engine.router.dispatch(ADMIN, 'cameras.upsert', { id: cameraId, name: 'Porch', streams: [{ name: 'main', url: cam.url('/pattern'), roles: ['record'] }], detect: { enabled: false }, recordMode: 'continuous', masks: { motion: [], objects: [], privacy: [[[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]]] } });
    if (!edit.ok) throw new Error(edit.error.message);
    made.push(await exportDone({ cameras: [cameraId], start, end }));
    for (const job of made) {
      const v = await engine.router.dispatch(ADMIN, 'exports.verify', { id: job.id });
      expect(v.ok && v.value, job.id).toMatchObject({ ok: true, problem: null, signature: { status: 'valid' } });
    }
    // the job list reads the (encrypted) manifests back
    const listed = await engine.router.dispatch(ADMIN, 'exports.list', {});
    expect(listed.ok && (listed.value as { files?: unknown[] }[]).every((j) => (j.files?.length ?? 0) === 1)).toBe(true);
  }, 240_000);

  it('leaves no file under the data directory that ffprobe can parse or ffmpeg decode', async () => {
    const files = walk(dataDir);
    expect(files.filter((f) => f.includes(`${join(dataDir, 'exports')}/`)).length).toBeGreaterThanOrEqual(6);
    expect(await readableAtRest(dataDir)).toEqual([]);
  }, 120_000);

  it('downloads plain over HTTP, whole and by Range: plays, and export-verify passes on the downloaded files', async () => {
    for (const job of made) {
      const file = job.files[0]!;
      const whole = await get(`/media/exports/${file.url}`);
      expect(whole.status).toBe(200);
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      const dir = join(downloads, job.id);
      mkdirSync(dir);
      const name = file.url.split('/').pop()!;
      writeFileSync(join(dir, name), whole.body);
      expect(await probeAtRest(join(dir, name))).toMatchObject({ streams: expect.arrayContaining(['video']), decodes: true });
      // a Range across a chunk boundary of the vault format (64 KiB) when the file has one, and the tail
      expect(whole.body.length).toBeGreaterThan(2000);
      const from = Math.min(65_000, Math.floor(whole.body.length / 3));
      const to = Math.min(whole.body.length - 2, 200_000);
      const part = await get(`/media/exports/${file.url}`, { range: `bytes=${from}-${to}` });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes ${from}-${to}/${whole.body.length}`);
      expect(part.body.equals(whole.body.subarray(from, to + 1))).toBe(true);
      const tail = await get(`/media/exports/${file.url}`, { range: 'bytes=-1000' });
      expect(tail.status).toBe(206);
      expect(tail.body.equals(whole.body.subarray(whole.body.length - 1000))).toBe(true);
      const manifest = await get(`/media/exports/${job.manifestUrl}`);
      expect(manifest.status).toBe(200);
      const manifestFile = join(dir, job.manifestUrl.split('/').pop()!);
      writeFileSync(manifestFile, manifest.body);
      const result = await verifyExport(manifestFile, { requireSignature: true });
      expect(result, job.id).toMatchObject({ ok: true, signature: { status: 'valid' } });
      // the desktop's app:// handler reads the same plain bytes through the store
      const app = createAppProtocolHandler({ ui: downloads, media: engine.media });
      const appWhole = await app(new Request(`${APP_ORIGIN}/media/exports/${file.url}`));
      expect(appWhole.status).toBe(200);
      expect(Buffer.from(await appWhole.arrayBuffer()).equals(whole.body)).toBe(true);
      const appPart = await app(new Request(`${APP_ORIGIN}/media/exports/${file.url}`, { headers: { range: `bytes=${from}-${to}` } }));
      expect(appPart.status).toBe(206);
      expect(appPart.headers.get('content-range')).toBe(`bytes ${from}-${to}/${whole.body.length}`);
      expect(Buffer.from(await appPart.arrayBuffer()).equals(whole.body.subarray(from, to + 1))).toBe(true);
    }
  }, 120_000);

  it("no ffmpeg carries the tap's credential or a key in its command line; the URL it does carry opens nothing", async () => {
    const segs = engine.segments.segments(cameraId, 0, Date.now() + 60_000);
    // a playback the test does not read: ffmpeg waits on the full pipe, so it is there to look at
    const play = await openPlayback(engine, cameraId, { start: String(segs[0]!.start + 2000), end: String(segs[1]!.end) });
    if (!play.ok) throw new Error(play.message);
    const frame = recordedFrame(engine, cameraId, { t: String(segs[1]!.start + 1000) });
    try {
      const seen = await waitFor(() => {
        const kids = ffmpegChildren().filter((k) => k.env.includes('http_proxy='));
        return kids.length ? kids : undefined;
      }, 20_000, 'an ffmpeg reading through the tap');
      const keys = [engine.vault.dataKey(cameraId).key, engine.vault.dataKey('~exports').key, readFileSync(keyFile)];
      for (const k of seen) {
        const proxy = new URL(/http_proxy=([^\0]*)/.exec(k.env)![1]!);
        const secret = decodeURIComponent(proxy.password);
        expect(secret.length).toBeGreaterThanOrEqual(32);
        expect(k.argv).not.toContain(secret);
        expect(k.argv).not.toContain(proxy.href);
        for (const key of keys) for (const enc of ['hex', 'base64', 'base64url'] as const) expect(k.argv).not.toContain(key.toString(enc).slice(0, 16));
        // what argv (or the 0600 concat list it names) holds: a handle on the tap, which answers only with the credential
        const listArg = /(\S+\.(?:txt|ffconcat))(?:\s|$)/.exec(k.argv)?.[1];
        const text = listArg ? readFileSync(listArg, 'utf8') : k.argv;
        const url = /http:\/\/porchlight-tap\/\S+?(?=['\s]|$)/.exec(text)?.[0];
        expect(url, k.argv).toBeDefined();
        expect(await viaTap(proxy, url!, false)).toBe(407);
        expect(await viaTap(proxy, url!, true)).toBe(206);
      }
    } finally {
      play.play.stop();
      await frame;
    }
  }, 60_000);
});
