// Live view over the contract (the desktop's IPC path): open gives the init and fragments on live.chunk; close stops them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveChunkDto } from '../../common/contract/index.js';
import { ADMIN, VIEWER, withEngine } from '../../../test/helpers/engine.js';

let h: Awaited<ReturnType<typeof withEngine>>;
beforeAll(async () => {
  h = await withEngine({ startCameras: true });
});
afterAll(() => h.close());

describe('live over the contract', () => {
  it('streams the demo camera as fMP4 chunks until closed', async () => {
    const added = await h.engine.router.dispatch(ADMIN, 'cameras.addDemo', {});
    const cameraId = (added as { value: { id: string } }).value.id;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        off();
        resolve();
      };
      const off = h.engine.bus.subscribe('camera.state', (s) => {
        if (s.cameraId === cameraId && s.state === 'online') done();
      });
      if (h.engine.states.get(cameraId)?.state === 'online') done();
    });
    const chunks: LiveChunkDto[] = [];
    const off = h.engine.bus.subscribe('live.chunk', (c) => chunks.push(c));
    const opened = await h.engine.router.dispatch(VIEWER, 'live.open', { cameraId });
    expect(opened.ok).toBe(true);
    const streamId = (opened as { value: { streamId: string } }).value.streamId;
    const deadline = Date.now() + 15_000;
    while (chunks.filter((c) => c.type === 'fragment').length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const mine = chunks.filter((c) => c.streamId === streamId);
    expect(mine.find((c) => c.type === 'init')?.codec).toMatch(/^avc1\./);
    expect(mine.filter((c) => c.type === 'fragment').length).toBeGreaterThanOrEqual(20);
    expect(mine[0]?.data).toBeInstanceOf(Uint8Array);

    expect(await h.engine.router.dispatch(VIEWER, 'live.close', { streamId })).toEqual({ ok: true, value: { closed: true } });
    const after = chunks.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(chunks.length).toBe(after);
    off();
    expect(h.engine.audit.query({ action: 'live.open' })[0]).toMatchObject({ target: cameraId, ok: true });
  }, 60_000);

  it('refuses a camera that does not exist', async () => {
    expect(await h.engine.router.dispatch(VIEWER, 'live.open', { cameraId: 'ghost' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
