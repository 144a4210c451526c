// Privacy masks in live view on a real RTSP camera and a real server: what a viewer without "lift privacy masks" gets
// over the live socket is decoded and its pixels checked; one shared masked transcode, stopped when its last viewer
// leaves; a viewer with the permission gets the camera's stream and the lift is audited once per socket.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { cookieFrom, startTestServer, type TestServer } from '../../../test/helpers/server.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { lumaMeter } from '../../../test/helpers/luma.js';

const W = 320;
const H = 240;
/** The left half of the top half: a neighbour's window. */
const WINDOW: [number, number][] = [[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]];
const bins = locateFfmpeg();
let cam: RtspCamera;
let t: TestServer;
let tmp: ReturnType<typeof makeTempDir>;
let cameraId: string;
let unmaskCookie: string;

/** The first frame's Y plane of a video file or a JPEG. */
function lumaOf(file: string): Uint8Array {
  const r = spawnSync(bins.ffmpeg, ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { maxBuffer: 1 << 24 });
  expect(r.status, String(r.stderr)).toBe(0);
  return new Uint8Array(r.stdout);
}

const meanY = lumaMeter(W, H);

/** Inside the window black, outside the picture as the camera sends it (within codec noise). */
function expectMasked(masked: Uint8Array, plain: Uint8Array, w = W, h = H): void {
  expect(meanY(plain, 0.05, 0.05, 0.45, 0.45, w, h)).toBeGreaterThan(60);
  expect(meanY(masked, 0.01, 0.01, 0.49, 0.49, w, h)).toBeLessThan(20);
  expect(Math.abs(meanY(masked, 0.55, 0.05, 1, 1, w, h) - meanY(plain, 0.55, 0.05, 1, 1, w, h))).toBeLessThan(5);
  expect(Math.abs(meanY(masked, 0, 0.55, 0.45, 1, w, h) - meanY(plain, 0, 0.55, 0.45, 1, w, h))).toBeLessThan(5);
}

function wsUrl(path: string): string {
  return `${t.server.url.replace(/^http/, 'ws')}${path}`;
}

interface LiveClient {
  ws: WebSocket;
  codec: Promise<string>;
  /** Init and fragments received so far, in order. */
  bytes: Buffer[];
  fragments: () => number;
  closed: Promise<number>;
}

function watch(cookie: string, view = 'full'): LiveClient {
  const ws = new WebSocket(wsUrl(`/api/live/${cameraId}?view=${view}`), { headers: { cookie } });
  const bytes: Buffer[] = [];
  let n = 0;
  let gotCodec: (c: string) => void = () => undefined;
  const codec = new Promise<string>((resolve) => (gotCodec = resolve));
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      const msg = JSON.parse(String(data)) as { type: string; codec?: string };
      if (msg.type === 'init' && msg.codec) gotCodec(msg.codec);
      return;
    }
    bytes.push(Buffer.from(data as Buffer));
    n++;
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return { ws, codec, bytes, fragments: () => n, closed };
}

/** A live client's first frames as a file: init plus the fragments from the first keyframe on. */
async function firstFrameOf(c: LiveClient, name: string): Promise<Uint8Array> {
  await c.codec;
  await waitFor(() => c.fragments() >= 12 || undefined, 30_000, `${name}: live fragments`);
  const file = join(tmp.dir, `${name}.mp4`);
  writeFileSync(file, Buffer.concat(c.bytes));
  return lumaOf(file);
}

async function closeClient(c: LiveClient): Promise<void> {
  if (c.ws.readyState !== WebSocket.CLOSED) c.ws.close();
  await c.closed;
}

/** ffmpeg processes now running a masked live transcode of this data directory (their mask picture is in its scratch). */
function maskedTranscodes(): number[] {
  const scratch = join(t.h.engine.media.stagingDir, 'scratch');
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.includes(scratch) && cmd.includes('live-mask-');
      } catch {
        return false;
      }
    })
    .map(Number);
}

const lifts = () => t.h.engine.audit.query({ limit: 500 }).filter((a) => a.action === 'privacy.liftMasks');

beforeAll(async () => {
  tmp = makeTempDir();
  // still colour bars (bright where the window is), 10 fps, a keyframe a second, looped by the camera
  const clip = join(tmp.dir, 'bars.mp4');
  const made = spawnSync(bins.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `smptebars=s=${W}x${H}:r=10:d=12`, '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', clip]);
  expect(made.status, String(made.stderr)).toBe(0);
  cam = await startRtspCamera({ hevc: false, vtest: false, clips: { bars: clip } });
  t = await startTestServer({ engine: { startCameras: true } });
  const res = await t.rpc('cameras.upsert', {
    name: 'Yard',
    streams: [{ name: 'main', url: cam.url('/bars'), roles: ['record', 'detect', 'live'] }],
    detect: { enabled: true, fps: 2 },
    recordMode: 'continuous',
    masks: { motion: [], objects: [], privacy: [WINDOW] },
  });
  expect(res.json.ok, JSON.stringify(res.json.error)).toBe(true);
  cameraId = (res.json.value as { id: string }).id;
  await t.h.engine.accounts.create('neighbour-watch', 'lift password 1', 'viewer', { permissions: ['live', 'recordings', 'unmask'], cameras: null });
  const login = await fetch(`${t.server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'neighbour-watch', password: 'lift password 1' }) });
  unmaskCookie = cookieFrom(login);
  await waitFor(() => t.h.engine.runtime.live(cameraId) ?? undefined, 30_000, 'the camera running');
}, 90_000);

afterAll(async () => {
  await t?.close();
  await cam?.stop();
  tmp?.cleanup();
});

describe('privacy masks in live view', () => {
  it('a viewer without the permission watches one shared masked transcode, stopped when the last viewer leaves', async () => {
    const a = watch(t.viewerCookie);
    const b = watch(t.viewerCookie);
    const plain = watch(unmaskCookie);
    const liftsBefore = lifts().length;
    const frameA = await firstFrameOf(a, 'live-masked-a');
    const frameB = await firstFrameOf(b, 'live-masked-b');
    const framePlain = await firstFrameOf(plain, 'live-plain');
    expect(frameA.length).toBe(W * H);
    expectMasked(frameA, framePlain);
    expectMasked(frameB, framePlain);
    // both viewers share one process; the masked source is the same object for every such viewer
    expect(maskedTranscodes()).toHaveLength(1);
    expect(t.h.engine.runtime.live(cameraId, 'full', { masked: true })).toBe(t.h.engine.runtime.live(cameraId, 'full', { masked: true }));
    expect(t.h.engine.runtime.live(cameraId, 'full', { masked: false })).not.toBe(t.h.engine.runtime.live(cameraId, 'full', { masked: true }));
    // the viewer with the permission got the camera's own stream; its lift is logged once, not per fragment
    await waitFor(() => plain.fragments() >= 30 || undefined, 30_000, 'more plain fragments');
    const lifted = lifts().slice(liftsBefore);
    expect(lifted).toHaveLength(1);
    expect(lifted[0]).toMatchObject({ actor: 'neighbour-watch', target: cameraId, details: { kind: 'live' } });
    await closeClient(a);
    expect(maskedTranscodes()).toHaveLength(1);
    await closeClient(b);
    await waitFor(() => (maskedTranscodes().length === 0 ? true : undefined), 10_000, 'the masked transcode to stop');
    await closeClient(plain);
  }, 90_000);

  it('still frames (the JPEG fallback and the camera picture) are masked for such a viewer', async () => {
    const c = watch(t.viewerCookie);
    await c.codec;
    const jpegs: Buffer[] = [];
    c.ws.on('message', (data, isBinary) => {
      if (isBinary && jpegs.length < 3 && Buffer.from(data as Buffer).subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))) jpegs.push(Buffer.from(data as Buffer));
    });
    c.ws.send(JSON.stringify({ type: 'fallback' }));
    await waitFor(() => jpegs.length > 0 || undefined, 30_000, 'a JPEG frame');
    const still = await t.rpc('cameras.still', { id: cameraId }, unmaskCookie);
    expect(still.json.ok, JSON.stringify(still.json.error)).toBe(true);
    const plain = still.json.value as { jpeg: string; width: number; height: number };
    const plainFile = join(tmp.dir, 'still-plain.jpg');
    writeFileSync(plainFile, Buffer.from(plain.jpeg, 'base64'));
    const fallbackFile = join(tmp.dir, 'fallback.jpg');
    writeFileSync(fallbackFile, jpegs[0]!);
    expectMasked(lumaOf(fallbackFile), lumaOf(plainFile), plain.width, plain.height);
    const masked = await t.rpc('cameras.still', { id: cameraId }, t.viewerCookie);
    const maskedFile = join(tmp.dir, 'still-masked.jpg');
    writeFileSync(maskedFile, Buffer.from((masked.json.value as { jpeg: string }).jpeg, 'base64'));
    expectMasked(lumaOf(maskedFile), lumaOf(plainFile), plain.width, plain.height);
    await closeClient(c);
  }, 60_000);

  it('the masks edited while watching: the viewer is sent away and comes back to the new masks', async () => {
    const c = watch(t.viewerCookie);
    await firstFrameOf(c, 'live-before-edit');
    const res = await t.rpc('cameras.upsert', { id: cameraId, name: 'Yard', streams: [{ name: 'main', url: cam.url('/bars'), roles: ['record', 'detect', 'live'] }], masks: { motion: [], objects: [], privacy: [[[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 1]]] } });
    expect(res.json.ok, JSON.stringify(res.json.error)).toBe(true);
    expect(await c.closed).toBe(4409);
    await waitFor(() => t.h.engine.runtime.live(cameraId) ?? undefined, 30_000, 'the camera running again');
    const again = watch(t.viewerCookie);
    const y = await firstFrameOf(again, 'live-after-edit');
    // the new mask (bottom right) is black, the old window is bright again
    expect(meanY(y, 0.51, 0.51, 0.99, 0.99)).toBeLessThan(20);
    expect(meanY(y, 0.05, 0.05, 0.45, 0.45)).toBeGreaterThan(60);
    await closeClient(again);
    await waitFor(() => (maskedTranscodes().length === 0 ? true : undefined), 10_000, 'every masked transcode to stop');
  }, 90_000);
});
