// A running camera changed in every way (URL, record mode, detect size, pause, zones, model, disable, delete): the whole chain still works after each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentLogs } from '../log/index.js';
import type { Camera, CameraInput, EventDto } from '../../common/contract/index.js';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import type { LiveChunk } from '../ingest/index.js';
import { sql } from '../storage/sql.js';
import { waitFor } from '../../../test/helpers/wait.js';

let camA: RtspCamera;
let camB: RtspCamera;
let h: Awaited<ReturnType<typeof withEngine>>;
const events: EventDto[] = [];
const chunks: { t: number; type: LiveChunk['type'] }[] = [];

beforeAll(async () => {
  // two real RTSP cameras serving the pedestrian clip: the URL change moves the camera from one to the other
  camA = await startRtspCamera({ hevc: false });
  camB = await startRtspCamera({ hevc: false });
  h = await withEngine({ startCameras: true });
  h.engine.bus.subscribe('event.changed', (e) => events.push(e));
}, 60_000);
afterAll(async () => {
  await h?.close();
  await camA?.stop();
  await camB?.stop();
});

const sleepUntil = (t: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

async function upsert(patch: Partial<CameraInput> & { id: string }): Promise<Camera> {
  const cur = h.engine.cameras.require(patch.id);
  const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', {
    name: cur.name,
    streams: cur.streams,
    recordMode: cur.recordMode,
    detect: cur.detect,
    zones: cur.zones,
    ...patch,
  });
  if (!res.ok) throw new Error(res.error.message);
  return res.value as Camera;
}

async function setSettings(section: 'general' | 'detection', value: Record<string, unknown>): Promise<void> {
  const res = await h.engine.router.dispatch(ADMIN, 'settings.set', { section, value });
  if (!res.ok) throw new Error(res.error.message);
}

function segmentsSince(id: string, t: number): number {
  return h.engine.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM segments WHERE camera_id = ${id} AND start >= ${t}`)?.n ?? 0;
}

function openEvents(id: string): number {
  return h.engine.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM events WHERE camera_id = ${id} AND end IS NULL`)?.n ?? 0;
}

/**
 * After a change at t: a person first seen after t becomes an event, the live subscription made at the start
 * still delivers (a new init first when ffmpeg restarted), and segments start after t where recording is on.
 */
async function chainWorks(id: string, t: number, opts: { recording: boolean; restarted: boolean }, step: string): Promise<EventDto> {
  console.log(`step: ${step} (${Date.now() - t} ms after the change)`);
  const [event] = await Promise.all([
    waitFor(() => events.find((e) => e.cameraId === id && e.label === 'person' && e.start >= t), 90_000, 'a person event after the change'),
    waitFor(() => chunks.some((c) => c.t >= t && c.type === 'fragment'), 30_000, 'live fragments after the change'),
    opts.restarted ? waitFor(() => chunks.some((c) => c.t >= t && c.type === 'init'), 30_000, 'a new live init after the restart') : undefined,
    opts.recording ? waitFor(() => segmentsSince(id, t) > 0, 60_000, 'a segment recorded after the change') : undefined,
  ]);
  if (!opts.recording) {
    // long enough for a 10 s segment to have been reported, had one been recorded
    await sleepUntil(t + 16_000);
    expect(segmentsSince(id, t)).toBe(0);
  }
  return event;
}

describe('a running camera changed in every way', () => {
  it('keeps detecting, recording and serving live video after each change, and ends its objects when stopped', async () => {
    let t = Date.now();
    const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', {
      name: 'Plaza',
      streams: [{ name: 'main', url: camA.url('vtest'), roles: ['record', 'detect', 'live'] }],
      recordMode: 'continuous',
      detect: { enabled: true, fps: 5, width: 640, height: 480 },
    });
    if (!res.ok) throw new Error(res.error.message);
    const id = (res.value as Camera).id;
    // one live viewer for the whole test, as an open live page would be
    const live = await waitFor(() => h.engine.runtime.live(id), 10_000, 'a live source');
    const offLive = live.subscribe((c) => chunks.push({ t: Date.now(), type: c.type }));
    await chainWorks(id, t, { recording: true, restarted: true }, 'added');
    const frames = (): number => h.engine.runtime.health().cameras().find((c) => c.cameraId === id)?.framesTotal ?? 0;

    // URL: the camera moved to another address
    t = Date.now();
    await upsert({ id, streams: [{ name: 'main', url: camB.url('vtest'), roles: ['record', 'detect', 'live'] }] });
    await camA.waitForSessions((n) => n === 0, 15_000);
    await chainWorks(id, t, { recording: true, restarted: true }, 'url');
    expect(camB.sessions()).toBe(1);

    // record mode: events-only still records (retention decides later), off records nothing
    t = Date.now();
    await upsert({ id, recordMode: 'events' });
    // the same ffmpeg command as continuous: nothing restarts
    await chainWorks(id, t, { recording: true, restarted: false }, 'record events');
    t = Date.now();
    await upsert({ id, recordMode: 'off' });
    await chainWorks(id, t, { recording: false, restarted: true }, 'record off');
    t = Date.now();
    await upsert({ id, recordMode: 'continuous' });
    await chainWorks(id, t, { recording: true, restarted: true }, 'record continuous');

    // detect size and rate: a new process with a new frame size under the same pipeline
    t = Date.now();
    const framesBefore = frames();
    await upsert({ id, detect: { enabled: true, fps: 4, width: 480, height: 360 } });
    await chainWorks(id, t, { recording: true, restarted: true }, 'detect size');
    expect(frames()).toBeGreaterThan(framesBefore);

    // pause recording from the tray (general.recordingPaused), then resume
    t = Date.now();
    await setSettings('general', { recordingPaused: true });
    await chainWorks(id, t, { recording: false, restarted: true }, 'paused');
    t = Date.now();
    await setSettings('general', { recordingPaused: false });
    await chainWorks(id, t, { recording: true, restarted: true }, 'resumed');

    // zones: applied to the running pipeline, no reconnect; events say which zone the person is in now
    t = Date.now();
    const sessions = camB.totalSessions();
    await upsert({ id, zones: [{ name: 'Plaza floor', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], labels: ['person'] }] });
    await chainWorks(id, t, { recording: true, restarted: false }, 'zones');
    const inZone = await waitFor(() => events.find((e) => e.cameraId === id && e.start >= t && e.currentZones.includes('Plaza floor')), 60_000, 'an event in the zone');
    expect(inZone.zones).toContain('Plaza floor');
    expect(camB.totalSessions()).toBe(sessions);

    // model switch through the detection settings: the pipeline is rebuilt on the same feed
    t = Date.now();
    await setSettings('detection', { model: 'picodet_s_416_coco' });
    await waitFor(() => h.engine.runtime.health().detector().model === 'picodet_s_416_coco', 30_000, 'the new model');
    expect(h.engine.runtime.health().detector().status).toBe('ready');
    await chainWorks(id, t, { recording: true, restarted: false }, 'model');

    // health: real figures, not zeros
    const health = h.engine.runtime.health().cameras().find((c) => c.cameraId === id);
    console.log(`health after the model switch: ${JSON.stringify(health)}`);
    expect(health?.fpsDetect).toBeGreaterThan(0);
    expect(health?.liveViewers).toBe(1);

    // the camera goes offline: no frames, so what was tracked ends at its last sighting; back online, all resumes
    const port = camB.port;
    await camB.stop();
    await waitFor(() => openEvents(id) === 0, 30_000, 'every event of the offline camera ended');
    camB = await startRtspCamera({ port, hevc: false });
    t = Date.now();
    await chainWorks(id, t, { recording: true, restarted: true }, 'back online');

    // disabled: every tracked object ends; enabled again: the chain comes back
    await upsert({ id, enabled: false });
    await waitFor(() => openEvents(id) === 0, 20_000, 'every event of the stopped camera ended');
    await camB.waitForSessions((n) => n === 0, 15_000);
    t = Date.now();
    await upsert({ id, enabled: true });
    await chainWorks(id, t, { recording: true, restarted: true }, 're-enabled');

    // deleted while people are tracked: the process goes first, the live source with it, its last objects are
    // written before its rows go, and nothing more is stored for it (no write against rows already deleted)
    const deletedAt = Date.now();
    const del = await h.engine.router.dispatch(ADMIN, 'cameras.delete', { id });
    expect(del.ok).toBe(true);
    await camB.waitForSessions((n) => n === 0, 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    const afterDelete = recentLogs(2000).filter((l) => l.time >= deletedAt && (l.level === 'error' || l.level === 'fatal' || / not stored/.test(l.msg)));
    expect(afterDelete.map((l) => `${l.module}: ${l.msg}`)).toEqual([]);
    expect(h.engine.runtime.live(id)).toBeUndefined();
    expect(h.engine.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM events WHERE camera_id = ${id}`)?.n).toBe(0);
    offLive();
  }, 600_000);
});
