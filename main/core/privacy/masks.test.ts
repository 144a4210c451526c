// Privacy masks on a real server and engine: blacked out of exports and snapshots for a viewer, lifted (and audited) for an admin.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { encodeSegments, indexSegments } from '../export/fixtures.js';
import { Manifest } from '../export/manifest.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { maskBitmap, maskJpeg, mayLiftMasks } from './masks.js';
import { lumaMeter } from '../../../test/helpers/luma.js';

const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);
const W = 320;
const H = 240;
/** The left half of the top half: a neighbour's window. */
const WINDOW: [number, number][] = [[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]];
const bins = locateFfmpeg();
let t: TestServer;
let tmp: ReturnType<typeof makeTempDir>;

/** The first frame's Y plane of a video or picture. */
function lumaOf(file: string | Buffer): Uint8Array {
  const input = typeof file === 'string' ? ['-i', file] : ['-f', 'image2pipe', '-i', 'pipe:0'];
  const r = spawnSync(bins.ffmpeg, ['-v', 'error', ...input, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { input: typeof file === 'string' ? undefined : file, maxBuffer: 1 << 24 });
  expect(r.status).toBe(0);
  return new Uint8Array(r.stdout);
}

const meanY = lumaMeter(W, H);

async function exportOf(lift: boolean): Promise<{ luma: Uint8Array; manifest: Manifest }> {
  const res = await t.rpc('exports.create', { cameras: ['yard'], start: T0, end: T0 + 2_000, ...(lift ? { liftMasks: true } : {}) }, t.adminCookie);
  expect(res.json.ok).toBe(true);
  const done = await t.h.engine.exports.wait((res.json.value as { id: string }).id);
  expect(done.status).toBe('done');
  const dir = join(t.h.engine.media.root('exports'), done.id);
  return {
    luma: lumaOf(join(dir, done.files![0]!.url.split('/').pop()!)),
    manifest: Manifest.parse(JSON.parse(readFileSync(join(dir, readdirSync(dir).find((n) => n.endsWith('.manifest.json'))!), 'utf8'))),
  };
}

beforeAll(async () => {
  tmp = makeTempDir();
  t = await startTestServer();
  t.h.engine.cameras.upsert({ id: 'yard', name: 'Yard', streams: [{ name: 'main', url: 'rtsp://127.0.0.1:8554/yard', roles: ['record'] }], masks: { motion: [], objects: [], privacy: [WINDOW] } });
  const files = await encodeSegments(bins.ffmpeg, join(tmp.dir, 'src'), { seconds: 2, width: W, height: H, fps: 10, segmentS: 2, audio: false });
  indexSegments(t.h.engine.media, t.h.engine.segments, 'yard', files, T0, 2_000);
  const snapDir = join(t.h.engine.media.root('snapshots'), 'yard');
  mkdirSync(snapDir, { recursive: true });
  const jpeg = spawnSync(bins.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${W}x${H}`, '-frames:v', '1', '-f', 'mjpeg', 'pipe:1']).stdout;
  writeFileSync(join(snapDir, 'ev1.jpg'), jpeg);
}, 120_000);

afterAll(async () => {
  await t?.close();
  tmp?.cleanup();
});

describe('privacy masks', () => {
  it('only admins may lift them (the single check); the bitmap covers the polygon', () => {
    expect(mayLiftMasks({ role: 'admin' }, 'yard')).toBe(true);
    expect(mayLiftMasks({ role: 'viewer' }, 'yard')).toBe(false);
    const bits = maskBitmap([WINDOW], W, H)!;
    expect(bits.reduce((n, b) => n + b, 0)).toBe((W / 2) * (H / 2));
    expect(bits[0]).toBe(1);
    expect(bits[(H / 2) * W + W / 2]).toBe(0);
  });

  it('are burned into exports, listed in the manifest; an admin may lift them, and that is audited', async () => {
    const masked = await exportOf(false);
    const plain = await exportOf(true);
    // testsrc is bright and colourful there; the mask is black
    expect(meanY(plain.luma, 0.05, 0.05, 0.45, 0.45)).toBeGreaterThan(60);
    expect(meanY(masked.luma, 0.02, 0.02, 0.48, 0.48)).toBeLessThan(20);
    // outside the mask the picture is what was recorded (within codec noise)
    expect(Math.abs(meanY(masked.luma, 0.55, 0.55, 1, 1) - meanY(plain.luma, 0.55, 0.55, 1, 1))).toBeLessThan(3);
    expect(masked.manifest.privacyMasks).toEqual([{ file: masked.manifest.files[0]!.path, polygons: [WINDOW] }]);
    expect(plain.manifest.privacyMasks).toBeUndefined();
    expect(plain.manifest.privacyMasksLifted).toBe(true);
    expect(t.h.engine.audit.query({ limit: 100 }).filter((a) => a.action === 'privacy.liftMasks')).toHaveLength(1);
    // an events zip would copy the stream unmasked: refused for a masked camera
    t.h.engine.events.upsert({ id: 'ev1', cameraId: 'yard', label: 'person', start: T0 + 500, end: T0 + 1500, topScore: 0.9, box: [0.6, 0.6, 0.9, 0.9], zones: [], snapshot: 'yard/ev1.jpg', seenAt: T0 + 1500 });
    const zip = await t.rpc('exports.createFromEvents', { cameras: ['yard'] }, t.adminCookie);
    expect(zip.json.error?.code).toBe('conflict');
  });

  it('are blacked out of snapshots for a viewer; an admin gets the original, with the lift in the audit log', async () => {
    const original = readFileSync(join(t.h.engine.media.root('snapshots'), 'yard', 'ev1.jpg'));
    const get = async (cookie: string) => Buffer.from(await (await fetch(`${t.server.url}/media/snapshots/yard/ev1.jpg`, { headers: { cookie } })).arrayBuffer());
    const asViewer = await get(t.viewerCookie);
    expect(asViewer.equals(original)).toBe(false);
    const y = lumaOf(asViewer);
    expect(meanY(y, 0.02, 0.02, 0.48, 0.48)).toBeLessThan(20);
    expect(meanY(lumaOf(original), 0.05, 0.05, 0.45, 0.45)).toBeGreaterThan(60);
    expect((await get(t.adminCookie)).equals(original)).toBe(true);
    const reads = t.h.engine.audit.query({ limit: 100 }).filter((a) => a.action === 'snapshots.read');
    expect(reads.some((a) => JSON.stringify(a.details ?? {}).includes('privacyMasksLifted'))).toBe(true);
    // no masks: the same bytes back
    expect((await maskJpeg(bins.ffmpeg, original, [])).equals(original)).toBe(true);
  });
});
