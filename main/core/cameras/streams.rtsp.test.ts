// Cameras as they really are, with real parts: a 720p main stream with AAC audio beside a 640×360 sub stream, a 4:3 sub
// stream, a G.711 microphone; each role on its stream, one RTSP session per stream, sound in the segments.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRoles, type CameraStream, type EventDto } from '../../common/contract/index.js';
import { ffprobeJson } from '../ffmpeg/ffprobe.js';
import type { Frame } from '../detect/frame.js';
import type { LiveChunk } from '../ingest/index.js';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import { waitFor } from '../../../test/helpers/wait.js';

let cam: RtspCamera;
let h: Awaited<ReturnType<typeof withEngine>>;
const scratch = mkdtempSync(join(tmpdir(), 'porchlight-streams-'));

beforeAll(async () => {
  cam = await startRtspCamera({ hevc: false });
  h = await withEngine({ startCameras: true });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await cam?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function streams(main: string, sub?: string): CameraStream[] {
  const roles = defaultRoles(sub !== undefined);
  const out: CameraStream[] = [{ name: 'main', url: cam.url(main), roles: roles.main }];
  if (sub) out.push({ name: 'sub', url: cam.url(sub), roles: roles.sub });
  return out;
}

async function add(input: Record<string, unknown>): Promise<string> {
  const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', input);
  if (!res.ok) throw new Error(res.error.message);
  return (res.value as { id: string }).id;
}

async function probe(file: string): Promise<{ video?: { codec: string; width: number; height: number }; audio?: string }> {
  const r = await ffprobeJson(file);
  if (!r.ok) throw new Error(r.message);
  const v = r.data.streams?.find((s) => s.codec_type === 'video');
  const a = r.data.streams?.find((s) => s.codec_type === 'audio');
  return { ...(v ? { video: { codec: v.codec_name ?? '', width: v.width ?? 0, height: v.height ?? 0 } } : {}), ...(a?.codec_name ? { audio: a.codec_name } : {}) };
}

function firstSegment(cameraId: string): string | undefined {
  const seg = h.engine.segments.segments(cameraId, 0, Date.now() + 60_000)[0];
  return seg ? (join(h.engine.media.root('recordings'), seg.url) ?? undefined) : undefined;
}

/** The first live init of a view, written to a file ffprobe can read (its moov names the stream's size). */
async function liveInit(cameraId: string, view: 'grid' | 'full'): Promise<{ file: string; codec: string }> {
  const source = await waitFor(() => h.engine.runtime.live(cameraId, view), 10_000, `a ${view} live source`);
  let off: (() => void) | undefined;
  const init = await new Promise<LiveChunk & { type: 'init' }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${view} init in 30 s`)), 30_000);
    // a running camera sends its cached init during subscribe
    off = source.subscribe((c) => {
      if (c.type !== 'init') return;
      clearTimeout(timer);
      resolve(c);
    });
  });
  off?.();
  const file = join(scratch, `${cameraId}-${view}.mp4`);
  writeFileSync(file, init.data);
  return { file, codec: init.codec };
}

describe('main and sub streams', () => {
  it('records the main stream with its AAC sound, detects on the sub stream, one session per stream; grid plays sub, full screen main', async () => {
    const id = await add({ name: 'Porch', streams: streams('/main720a', '/sub360'), detect: { enabled: true, fps: 5 } });
    const frames: Frame[] = [];
    const source = await waitFor(() => h.engine.runtime.frames(id), 10_000, 'a frame source');
    const off = source.subscribe((f) => frames.length < 5 && frames.push(f));
    await waitFor(() => frames.length >= 3 || undefined, 30_000, 'detect frames');
    off();
    expect(frames[0]).toMatchObject({ width: 640, height: 360 });
    expect(h.engine.runtime.streamRoles(id)).toEqual({ record: 'main', 'live-full': 'main', detect: 'sub', 'live-grid': 'sub' });

    // a finished 10 s segment of the main stream, with its sound
    const file = await waitFor(() => firstSegment(id), 40_000, 'a recorded segment');
    expect(await probe(file)).toEqual({ video: { codec: 'h264', width: 1280, height: 720 }, audio: 'aac' });

    // live: the grid reads the sub stream's connection, full screen the main one's; neither opens another session
    const grid = await liveInit(id, 'grid');
    const full = await liveInit(id, 'full');
    expect((await probe(grid.file)).video).toMatchObject({ width: 640, height: 360 });
    expect((await probe(full.file)).video).toMatchObject({ width: 1280, height: 720 });
    expect(full.codec).toMatch(/^avc1\.[0-9A-F]{6},mp4a\.40\.2$/);
    expect(cam.pathSessions('/main720a')).toBe(1);
    expect(cam.pathSessions('/sub360')).toBe(1);

    const health = h.engine.runtime.health().cameras().find((c) => c.cameraId === id);
    expect(health?.streams?.map((s) => [s.stream, s.roles, s.detectSize, s.audio])).toEqual([
      ['main', ['record', 'live-full'], null, 'aac'],
      ['sub', ['detect', 'live-grid'], { width: 640, height: 360 }, null],
    ]);
    await h.engine.router.dispatch(ADMIN, 'cameras.delete', { id });
  }, 120_000);

  it('a 4:3 sub stream gives 4:3 detect frames and 4:3 event snapshots', async () => {
    const seen: EventDto[] = [];
    const offEvents = h.engine.bus.subscribe('event.changed', (e) => seen.push(e));
    // the plaza clip (768×576, people walking) as the sub stream of a 16:9 main
    const id = await add({ name: 'Plaza', streams: streams('/pattern', '/vtest'), detect: { enabled: true, fps: 5 } });
    const source = await waitFor(() => h.engine.runtime.frames(id), 10_000, 'a frame source');
    const got: Frame[] = [];
    const off = source.subscribe((f) => got.length < 1 && got.push(f));
    const frame = await waitFor(() => got[0], 30_000, 'a detect frame');
    off();
    expect(frame).toMatchObject({ width: 640, height: 480 });
    const person = await waitFor(() => seen.find((e) => e.cameraId === id && e.label === 'person' && e.hasSnapshot), 60_000, 'a person event');
    offEvents();
    const meta = await sharp(join(h.dataDir, 'snapshots', id, `${person.id}.jpg`)).metadata();
    expect(meta.width! / meta.height!).toBeCloseTo(4 / 3, 2);
    expect(cam.pathSessions('/vtest')).toBe(1);
    expect(cam.pathSessions('/pattern')).toBe(1);
    await h.engine.router.dispatch(ADMIN, 'cameras.delete', { id });
  }, 120_000);

  it('a G.711 camera is recorded with AAC sound; a camera set not to record sound keeps the video only', async () => {
    const g711 = await add({ name: 'Gate', streams: streams('/g711u'), detect: { enabled: false } });
    const silent = await add({ name: 'Nursery', streams: streams('/main720a'), detect: { enabled: false }, audio: { record: false } });
    const g711File = await waitFor(() => firstSegment(g711), 40_000, 'a G.711 camera segment');
    expect(await probe(g711File)).toEqual({ video: { codec: 'h264', width: 640, height: 360 }, audio: 'aac' });
    const silentFile = await waitFor(() => firstSegment(silent), 40_000, 'a segment without sound');
    expect(await probe(silentFile)).toEqual({ video: { codec: 'h264', width: 1280, height: 720 } });
    expect(h.engine.cameras.require(silent).audio).toEqual({ record: false });
  }, 120_000);

  it('a forced hardware decoder this machine lacks gives a clear message, and the camera still records and detects', async () => {
    const id = await add({ name: 'Garage', streams: streams('/sub360'), detect: { enabled: true, fps: 5 }, input: { hwaccel: 'vaapi' } });
    const file = await waitFor(() => firstSegment(id), 40_000, 'a segment');
    expect((await probe(file)).video).toMatchObject({ width: 640, height: 360 });
    const health = await waitFor(() => h.engine.runtime.health().cameras().find((c) => c.cameraId === id && c.framesTotal > 0), 20_000, 'detect frames');
    expect(health.decodeMessage).toMatch(/^Hardware decoding "vaapi" .*: decoding in software$/);
    expect(health.streams?.[0]?.hwaccel).toBeNull();
  }, 90_000);
});
