// The live path with real parts: RTSP camera → ingest → motion → ONNX → tracker → event rows with snapshots.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraStill, EventDto } from '../../common/contract/index.js';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { sql } from '../storage/sql.js';

let cam: RtspCamera;
let h: Awaited<ReturnType<typeof withEngine>>;

beforeAll(async () => {
  cam = await startRtspCamera();
  h = await withEngine({ startCameras: true });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await cam?.stop();
});

async function addCamera(name: string, path: string, detect = { width: 640, height: 480 }): Promise<string> {
  const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', {
    name,
    streams: [{ name: 'main', url: cam.url(path), roles: ['record', 'detect', 'live'] }],
    detect: { enabled: true, fps: 5, ...detect },
  });
  if (!res.ok) throw new Error(res.error.message);
  return (res.value as { id: string }).id;
}

describe('camera runtime', () => {
  it('reports the detector ready with the default model', () => {
    const health = h.engine.runtime.health().detector();
    expect(health).toMatchObject({ status: 'ready', model: 'deimv2_hgnetv2_femto_coco' });
  });

  it('turns people in the vtest clip into person events with snapshots; a static scene never reaches the model', async () => {
    const seen: EventDto[] = [];
    const off = h.engine.bus.subscribe('event.changed', (e) => seen.push(e));
    const busy = await addCamera('Plaza', 'vtest');
    const still = await addCamera('Still', 'static', { width: 640, height: 360 });

    const person = await waitFor(() => seen.find((e) => e.cameraId === busy && e.label === 'person' && e.hasSnapshot), 60_000, 'a person event');
    off();
    const row = h.engine.events.get(person.id);
    expect(row).toMatchObject({ label: 'person', cameraId: busy, hasSnapshot: true });
    expect(row?.topScore).toBeGreaterThanOrEqual(0.6);
    const [x1, y1, x2, y2] = row!.box;
    expect(x2).toBeGreaterThan(x1);
    expect(y2).toBeGreaterThan(y1);
    const snap = join(h.dataDir, 'snapshots', busy, `${person.id}.jpg`);
    expect(statSync(snap).size).toBeGreaterThan(5000);
    expect(existsSync(snap.replace(/\.jpg$/, '.thumb.jpg'))).toBe(true);
    // its track holds the model's detections while it was seen: the best one among them is the event's own box
    const track = await waitFor(
      () => {
        const box = h.engine.events.get(person.id)?.box;
        const points = h.engine.events.tracks.get(person.id);
        return box && points.some((p) => p.box.every((v, i) => v === box[i])) ? points : undefined;
      },
      30_000,
      'a track holding the event box',
    );
    const last = h.engine.db.get<{ seen: number }>(sql`SELECT last_seen AS seen FROM events WHERE id = ${person.id}`)!.seen;
    for (const p of track) {
      expect(p.t).toBeGreaterThanOrEqual(person.start);
      expect(p.t).toBeLessThanOrEqual(Math.max(last, Date.now()));
      expect(p.label).toBe('person');
      expect(p.box[2]).toBeGreaterThan(p.box[0]);
      expect(p.box[3]).toBeGreaterThan(p.box[1]);
    }
    expect(new Set(track.map((p) => p.box.join())).size).toBeGreaterThan(1);

    // the still camera got as many frames, and not one went to the model
    const stats = () => h.engine.runtime.health().cameras().find((c) => c.cameraId === still);
    await waitFor(() => ((stats()?.framesTotal ?? 0) >= 40 ? true : undefined), 30_000, '40 frames from the still camera');
    expect(stats()?.framesToModel).toBe(0);
    expect(h.engine.events.query({ cameras: [still] }).items).toHaveLength(0);
    const busyStats = h.engine.runtime.health().cameras().find((c) => c.cameraId === busy);
    expect(busyStats?.framesToModel).toBeGreaterThan(10);
    // recording went on alongside detection through the same connection
    expect(cam.sessions()).toBe(2);
  }, 120_000);

  it('shows a still to draw on, and zones drawn on a running camera reach its events without a reconnect', async () => {
    const id = await addCamera('Zoned plaza', 'vtest');
    const still = await waitForStill(id);
    expect(still).toMatchObject({ width: 640, height: 480 });
    const jpeg = Buffer.from(still.jpeg, 'base64');
    expect(jpeg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(jpeg.length).toBeGreaterThan(5000);
    const sessions = cam.sessions();

    const seen: EventDto[] = [];
    const off = h.engine.bus.subscribe('event.changed', (e) => e.cameraId === id && seen.push(e));
    const cfg = h.engine.cameras.require(id);
    const zones = [
      { name: 'Plaza floor', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] as [number, number][], labels: ['person'] },
      // a sliver above everyone's feet: nobody stands in it
      { name: 'Sky', polygon: [[0, 0], [1, 0], [1, 0.02], [0, 0.02]] as [number, number][], labels: [] },
    ];
    const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', { id, name: cfg.name, streams: cfg.streams, detect: cfg.detect, zones });
    expect(res.ok).toBe(true);
    const inZone = await waitFor(() => seen.find((e) => e.label === 'person' && e.zones.includes('Plaza floor')), 60_000, 'a person event in the drawn zone');
    off();
    expect(inZone.zones).not.toContain('Sky');
    expect(seen.some((e) => e.zones.includes('Sky'))).toBe(false);
    // the change was applied to the running pipeline: no new RTSP session was opened
    expect(cam.sessions()).toBe(sessions);
  }, 120_000);
});

async function waitForStill(id: string): Promise<CameraStill> {
  for (let i = 0; i < 20; i++) {
    const r = await h.engine.router.dispatch(ADMIN, 'cameras.still', { id });
    if (r.ok) return r.value as CameraStill;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error('no still from the camera in 10 s');
}

