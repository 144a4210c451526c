// The live path with real parts: RTSP camera → ingest → motion → ONNX → tracker → event rows with snapshots.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventDto } from '../../common/contract/index.js';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';

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

function waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const v = check();
      if (v !== undefined) {
        clearInterval(timer);
        resolve(v);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 250);
  });
}

describe('camera runtime', () => {
  it('reports the detector ready with the default model', () => {
    const health = h.engine.runtime.health().detector();
    expect(health).toMatchObject({ status: 'ready', model: 'yolox_nano_416_coco' });
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
});
