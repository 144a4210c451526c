// Privacy masks in recorded playback on a real server: real segments, real ffmpeg; what a viewer without "lift
// privacy masks" receives is decoded and its pixels checked, over /media/play and over /media/recordings with Range.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFrom, startTestServer, type TestServer } from '../../../test/helpers/server.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { encodeSegments, indexSegments } from '../export/fixtures.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { MaskedRecordings } from './masked-recordings.js';
import { lumaMeter } from '../../../test/helpers/luma.js';

const T0 = Date.UTC(2026, 10, 29, 11, 0, 0);
const W = 320;
const H = 240;
/** The left half of the top half: a neighbour's window. */
const WINDOW: [number, number][] = [[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]];
const bins = locateFfmpeg();
let t: TestServer;
let tmp: ReturnType<typeof makeTempDir>;
let segments: string[];
let unmaskCookie: string;

/** The first frame's Y plane of a video file. */
function lumaOf(file: string): Uint8Array {
  const r = spawnSync(bins.ffmpeg, ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { maxBuffer: 1 << 24 });
  expect(r.status).toBe(0);
  const y = new Uint8Array(r.stdout);
  expect(y.length).toBe(W * H);
  return y;
}

const meanY = lumaMeter(W, H);

/** Inside the window black, outside the picture as recorded (within codec noise). */
function expectMasked(masked: Uint8Array, plain: Uint8Array): void {
  expect(meanY(plain, 0.05, 0.05, 0.45, 0.45)).toBeGreaterThan(60);
  expect(meanY(masked, 0.01, 0.01, 0.49, 0.49)).toBeLessThan(20);
  expect(Math.abs(meanY(masked, 0.55, 0.05, 1, 1) - meanY(plain, 0.55, 0.05, 1, 1))).toBeLessThan(4);
  expect(Math.abs(meanY(masked, 0, 0.55, 0.45, 1) - meanY(plain, 0, 0.55, 0.45, 1))).toBeLessThan(4);
}

async function get(path: string, cookie: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(`${t.server.url}${path}`, { headers: { cookie, ...headers } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

function saved(name: string, bytes: Buffer): string {
  const p = join(tmp.dir, name);
  writeFileSync(p, bytes);
  return p;
}

const lifts = () => t.h.engine.audit.query({ limit: 500 }).filter((a) => a.action === 'privacy.liftMasks' || JSON.stringify(a.details ?? {}).includes('privacyMasksLifted'));

beforeAll(async () => {
  tmp = makeTempDir();
  t = await startTestServer();
  t.h.engine.cameras.upsert({ id: 'yard', name: 'Yard', streams: [{ name: 'main', url: 'rtsp://127.0.0.1:8554/yard', roles: ['record'] }], masks: { motion: [], objects: [], privacy: [WINDOW] } });
  const files = await encodeSegments(bins.ffmpeg, join(tmp.dir, 'src'), { seconds: 4, width: W, height: H, fps: 10, segmentS: 2 });
  segments = indexSegments(t.h.engine.media, t.h.engine.segments, 'yard', files, T0, 2_000).map((p) => relative(t.h.engine.media.root('recordings'), p));
  await t.h.engine.accounts.create('neighbour-watch', 'lift password 1', 'viewer', { permissions: ['live', 'recordings', 'unmask'], cameras: null });
  const login = await fetch(`${t.server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'neighbour-watch', password: 'lift password 1' }) });
  unmaskCookie = cookieFrom(login);
}, 120_000);

afterAll(async () => {
  await t?.close();
  tmp?.cleanup();
});

describe('privacy masks in playback', () => {
  it('/media/play: a viewer without the permission gets the masks burned in; one with it gets the recording, and the lift is audited', async () => {
    const before = lifts().length;
    const masked = await get(`/media/play/yard?start=${T0 + 500}&end=${T0 + 3500}`, t.viewerCookie);
    expect(masked.status).toBe(200);
    expect(masked.headers.get('content-type')).toBe('video/mp4');
    const plain = await get(`/media/play/yard?start=${T0 + 500}&end=${T0 + 3500}`, unmaskCookie);
    expect(plain.status).toBe(200);
    expectMasked(lumaOf(saved('play-masked.mp4', masked.body)), lumaOf(saved('play-plain.mp4', plain.body)));
    // the masked stream is the whole range too (its map and duration headers are those of the plain one)
    expect(masked.headers.get('x-playback-map')).toBe(plain.headers.get('x-playback-map'));
    const lifted = lifts().slice(before);
    expect(lifted).toHaveLength(1);
    expect(lifted[0]).toMatchObject({ actor: 'neighbour-watch', action: 'privacy.liftMasks', target: 'yard' });
    // the admin may lift them too
    const admin = await get(`/media/play/yard?start=${T0 + 500}&end=${T0 + 3500}`, t.adminCookie);
    expect(Math.abs(meanY(lumaOf(saved('play-admin.mp4', admin.body)), 0.05, 0.05, 0.45, 0.45) - meanY(lumaOf(join(tmp.dir, 'play-plain.mp4')), 0.05, 0.05, 0.45, 0.45))).toBeLessThan(4);
  });

  it('/media/recordings: a segment is served masked with Range over the masked copy; the permission gets the stored file', async () => {
    const url = `/media/recordings/${segments[1]}`;
    const whole = await get(url, t.viewerCookie);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('cache-control')).toBe('private, no-store');
    const size = whole.body.length;
    // the masked copy is not the stored file
    const stored = await get(url, unmaskCookie);
    expect(stored.status).toBe(200);
    expect(stored.body.equals(whole.body)).toBe(false);
    expectMasked(lumaOf(saved('seg-masked.mp4', whole.body)), lumaOf(saved('seg-plain.mp4', stored.body)));
    // ranges over the masked copy put back together are the masked copy
    const parts: Buffer[] = [];
    for (let start = 0; start < size; start += 4000) {
      const end = Math.min(size - 1, start + 3999);
      const part = await get(url, t.viewerCookie, { range: `bytes=${start}-${end}` });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
      parts.push(part.body);
    }
    expect(Buffer.concat(parts).equals(whole.body)).toBe(true);
    expect((await get(url, t.viewerCookie, { range: `bytes=${size + 10}-` })).status).toBe(416);
    expect(lifts().some((a) => a.actor === 'neighbour-watch' && a.action === 'recordings.read')).toBe(true);
  });

  it('keeps at most a few masked segments in scratch, and removes them when closed', async () => {
    const scratchDirs = () => readdirSync(join(t.h.engine.media.stagingDir, 'scratch')).filter((n) => n.startsWith('masked-'));
    const before = scratchDirs().length;
    const masked = new MaskedRecordings({ media: t.h.engine.media, ffmpeg: () => bins.ffmpeg, maxEntries: 1 });
    for (const rel of [segments[0]!, segments[1]!, segments[0]!]) {
      const r = await masked.get(rel, [WINDOW]);
      expect(r.ok).toBe(true);
      expect(masked.held).toBe(1);
    }
    expect(await masked.get('yard/no-such.mp4', [WINDOW])).toMatchObject({ ok: false, status: 404 });
    masked.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(scratchDirs().length).toBe(before);
    expect(await masked.get(segments[0]!, [WINDOW])).toMatchObject({ ok: false, status: 503 });
  });
});
