// The demo cameras: the generated clip (one call, no network), and the clip with people fetched from a loopback mirror.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoProgress, ToastNotice } from '../../common/contract/index.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import { startMirror } from '../../../test/helpers/mirror.js';
import { DEMO_PEOPLE_SOURCE } from '../../../test/helpers/test-data.js';
import { waitFor, waitUntil } from '../../../test/helpers/wait.js';
import type { Engine } from '../app.js';
import { PEOPLE_SOURCE } from './demo.js';

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

describe('demo with people', () => {
  /** The clip's public address stood in for by a loopback mirror serving `bytes` under its file name. */
  const mirror = (bytes: Buffer) => startMirror({ [`/${PEOPLE_SOURCE.file}`]: bytes }, { chunkBytes: 1024 * 1024, everyMs: 20 });

  function progressOf(engine: Engine): DemoProgress[] {
    const seen: DemoProgress[] = [];
    engine.bus.subscribe('demo.progress', (p) => seen.push(p));
    return seen;
  }

  const saved = process.env.PORCHLIGHT_DEMO_MIRROR;
  afterAll(() => {
    process.env.PORCHLIGHT_DEMO_MIRROR = saved;
  });

  it('a clip that is not the pinned one is refused: the user is told, nothing is kept, no camera is added', async () => {
    const e = await withEngine({ startCameras: true });
    const m = await mirror(Buffer.alloc(PEOPLE_SOURCE.size, 7));
    try {
      process.env.PORCHLIGHT_DEMO_MIRROR = m.url;
      const seen = progressOf(e.engine);
      expect(await e.engine.router.dispatch(ADMIN, 'demo.fetch', {})).toEqual({ ok: true, value: { started: true } });
      const end = await waitFor(() => seen.find((p) => p.stage === 'failed' || p.stage === 'done'), 60_000, 'the fetch to end');
      expect(end.stage).toBe('failed');
      expect(end.error).toMatch(/SHA-256|corrupt|does not match/i);
      expect(existsSync(join(e.dataDir, 'demo')) ? readdirSync(join(e.dataDir, 'demo')) : []).toEqual([]);
      expect(e.engine.cameras.list()).toEqual([]);
      expect(await e.engine.router.dispatch(ADMIN, 'cameras.addDemo', { kind: 'people' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    } finally {
      await m.close();
      await e.close();
    }
  }, 90_000);

  it('one click: download with progress, then live video, a person event with its snapshot, and an alert', async () => {
    expect(existsSync(DEMO_PEOPLE_SOURCE), `${DEMO_PEOPLE_SOURCE} is missing: run bash scripts/setup.sh --tests`).toBe(true);
    const e = await withEngine({ startCameras: true });
    const m = await mirror(readFileSync(DEMO_PEOPLE_SOURCE));
    try {
      process.env.PORCHLIGHT_DEMO_MIRROR = m.url;
      const info = await e.engine.router.dispatch(ADMIN, 'demo.info', {});
      expect(info).toMatchObject({ ok: true, value: { people: { ready: false, fetching: false, sizeBytes: PEOPLE_SOURCE.size, license: expect.stringContaining('Apache-2.0') } } });
      // nothing is fetched until the user asks
      expect(m.requests).toEqual([]);
      const seen = progressOf(e.engine);
      const toasts: ToastNotice[] = [];
      e.engine.bus.subscribe('notify.toast', (t) => toasts.push(t));
      expect(await e.engine.router.dispatch(ADMIN, 'demo.fetch', {})).toEqual({ ok: true, value: { started: true } });
      expect(await e.engine.router.dispatch(ADMIN, 'demo.fetch', {})).toEqual({ ok: true, value: { started: false } });

      const done = await waitFor(() => seen.find((p) => p.stage === 'done' || p.stage === 'failed'), 120_000, 'the clip to be fetched and prepared');
      expect(done, JSON.stringify(done)).toMatchObject({ stage: 'done' });
      const downloads = seen.filter((p) => p.stage === 'downloading');
      expect(downloads.length).toBeGreaterThan(2);
      expect(downloads.at(-1)?.received).toBe(PEOPLE_SOURCE.size);
      expect(seen.some((p) => p.stage === 'preparing')).toBe(true);
      expect(m.requests).toEqual([`/${PEOPLE_SOURCE.file}`]);

      const cam = e.engine.cameras.get(done.cameraId ?? '');
      expect(cam?.name).toBe('Demo: pedestrian plaza');
      expect(e.engine.rules.list().filter((r) => r.cameras.includes(cam!.id) && r.labels.includes('person'))).toHaveLength(1);
      // the prepared clip is H.264 the recorder and browsers take; the MS-MPEG4 download is gone
      const probe = await e.engine.router.dispatch(ADMIN, 'cameras.probe', { url: cam!.streams[0]!.url });
      expect(probe).toMatchObject({ ok: true, value: { ok: true, codec: 'h264', width: 768, height: 576 } });
      expect(readdirSync(join(e.dataDir, 'demo'))).toEqual(['people.mp4']);

      await waitUntil(() => e.engine.runtime.live(cam!.id)?.codec?.startsWith('avc1.') === true, 30_000, 'live video');
      const person = await waitFor(() => e.engine.events.query({ cameras: [cam!.id], labels: ['person'], limit: 5 }).items.find((ev) => ev.hasSnapshot), 60_000, 'a person event with a snapshot');
      expect(person.label).toBe('person');
      await waitUntil(() => toasts.some((t) => t.eventId !== undefined), 30_000, 'an alert toast');
      expect(toasts[0]?.title).toMatch(/Someone on the demo camera|person/i);
      // a second add returns the same camera, and the demo rule is not duplicated
      const again = await e.engine.router.dispatch(ADMIN, 'cameras.addDemo', { kind: 'people' });
      expect((again as { value: { id: string } }).value.id).toBe(cam!.id);
      expect(e.engine.rules.list().filter((r) => r.name === 'Someone on the demo camera')).toHaveLength(1);
    } finally {
      await m.close();
      await e.close();
    }
  }, 240_000);
});
