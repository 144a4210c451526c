// The demo camera: one call, then live video and 10 s segments from a generated clip, with no hardware and no network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';

let h: Awaited<ReturnType<typeof withEngine>>;
beforeAll(async () => {
  h = await withEngine({ startCameras: true });
});
afterAll(() => h.close());

describe('demo camera', () => {
  it('is added in one call, probes, goes online and records', async () => {
    const online = new Promise<string>((resolve) => {
      const off = h.engine.bus.subscribe('camera.state', (s) => {
        if (s.state === 'online') {
          off();
          resolve(s.cameraId);
        }
      });
    });
    const segment = new Promise<{ start: number; end: number }>((resolve) => {
      const off = h.engine.bus.subscribe('segment.new', (s) => {
        off();
        resolve(s);
      });
    });
    const res = await h.engine.router.dispatch(ADMIN, 'cameras.addDemo', {});
    expect(res.ok).toBe(true);
    const cam = (res as { value: { id: string; name: string; streams: { url: string }[] } }).value;
    expect(cam.name).toBe('Demo camera');
    const again = await h.engine.router.dispatch(ADMIN, 'cameras.addDemo', {});
    expect((again as { value: { id: string } }).value.id).toBe(cam.id);

    const probe = await h.engine.router.dispatch(ADMIN, 'cameras.probe', { url: cam.streams[0]!.url });
    expect(probe).toMatchObject({ ok: true, value: { ok: true, codec: 'h264', width: 1280, height: 720 } });
    expect(await online).toBe(cam.id);
    const seg = await segment;
    expect(seg.end - seg.start).toBeGreaterThan(8_000);
    expect(h.engine.runtime.live(cam.id)?.codec).toMatch(/^avc1\./);
  }, 60_000);
});
