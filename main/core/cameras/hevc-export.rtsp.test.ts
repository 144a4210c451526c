// H.265 and sound through recording and export, with real parts: an H.265 main stream records by copy and exports as
// H.265 (its H.264 sub stream is the live fallback); a camera's AAC sound is kept in its export.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRoles, type ExportJob } from '../../common/contract/index.js';
import { ffprobeJson } from '../ffmpeg/ffprobe.js';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import { waitFor } from '../../../test/helpers/wait.js';

let cam: RtspCamera;
let h: Awaited<ReturnType<typeof withEngine>>;

beforeAll(async () => {
  cam = await startRtspCamera({ vtest: false });
  h = await withEngine({ startCameras: true });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await cam?.stop();
});

async function add(name: string, main: string, sub?: string): Promise<string> {
  const roles = defaultRoles(sub !== undefined);
  const streams = [{ name: 'main', url: cam.url(main), roles: roles.main }, ...(sub ? [{ name: 'sub', url: cam.url(sub), roles: roles.sub }] : [])];
  const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', { name, streams, detect: { enabled: false } });
  if (!res.ok) throw new Error(res.error.message);
  return (res.value as { id: string }).id;
}

async function streamsOf(file: string): Promise<string[]> {
  const r = await ffprobeJson(file);
  if (!r.ok) throw new Error(r.message);
  return (r.data.streams ?? []).map((s) => `${s.codec_type}:${s.codec_name}`);
}

/** Exports the camera's first two segments (cut at keyframes) and returns the output file. */
async function exportTwoSegments(cameraId: string): Promise<string> {
  const segs = await waitFor(() => {
    const s = h.engine.segments.segments(cameraId, 0, Date.now() + 60_000);
    return s.length >= 2 ? s : undefined;
  }, 60_000, 'two segments');
  const res = await h.engine.router.dispatch(ADMIN, 'exports.create', { cameras: [cameraId], start: segs[0]!.start + 500, end: segs[1]!.end - 500 });
  if (!res.ok) throw new Error(res.error.message);
  const id = (res.value as ExportJob).id;
  const job = await waitFor(() => {
    const r = h.engine.exports.get(id);
    return r && (r.status === 'done' || r.status === 'failed') ? r : undefined;
  }, 60_000, 'the export');
  expect(job.status).toBe('done');
  const file = join(h.engine.media.root('exports'), job.files![0]!.url);
  if (!file) throw new Error('export file outside the exports folder');
  return file;
}

describe('H.265 and sound, recorded and exported', () => {
  it('an H.265 main stream records by copy and exports as H.265; its H.264 sub stream serves the grid', async () => {
    const id = await add('Driveway', '/hevc', '/sub360');
    const file = await exportTwoSegments(id);
    expect(await streamsOf(file)).toEqual(['video:hevc']);
    const seg = h.engine.segments.segments(id, 0, Date.now() + 60_000)[0]!;
    expect(await streamsOf(join(h.engine.media.root('recordings'), seg.url))).toEqual(['video:hevc']);
    const full = await waitFor(() => h.engine.runtime.live(id, 'full')?.codec, 20_000, 'the main stream codec');
    expect(full).toMatch(/^(hvc1|hev1)\./);
    // the grid stream opens on demand (a live-only connection) once someone watches it
    const grid = h.engine.runtime.live(id, 'grid')!;
    const off = grid.subscribe(() => undefined);
    const gridCodec = await waitFor(() => grid.codec, 20_000, 'the sub stream codec');
    off();
    expect(gridCodec).toMatch(/^avc1\./);
  }, 150_000);

  it('a camera with only an H.265 stream offers it live as low-rate H.264 (compat), transcoded only while watched', async () => {
    const before = cam.pathSessions('/hevc');
    const id = await add('Shed', '/hevc');
    await waitFor(() => h.engine.runtime.live(id, 'full')?.codec, 20_000, 'the camera codec');
    const compat = h.engine.runtime.live(id, 'compat')!;
    let fragments = 0;
    let keyframes = 0;
    const off = compat.subscribe((c) => {
      if (c.type === 'fragment') {
        fragments++;
        if (c.keyframe) keyframes++;
      }
    });
    await waitFor(() => fragments >= 20 || undefined, 30_000, 'transcoded fragments');
    off();
    expect(compat.codec).toMatch(/^avc1\.42/);
    expect(keyframes).toBeGreaterThanOrEqual(1);
    // one camera session all along: the transcode reads the engine's own copy of the stream
    expect(cam.pathSessions('/hevc')).toBe(before + 1);
  }, 90_000);

  it('an export keeps the camera sound', async () => {
    const id = await add('Porch', '/main720a');
    const file = await exportTwoSegments(id);
    expect(await streamsOf(file)).toEqual(['video:h264', 'audio:aac']);
  }, 150_000);
});
