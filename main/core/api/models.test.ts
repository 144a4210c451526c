// Model methods: the manifest with what is installed and in use, and a speed measured with the real model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, VIEWER, withEngine } from '../../../test/helpers/engine.js';

let h: Awaited<ReturnType<typeof withEngine>>;
beforeAll(async () => {
  h = await withEngine();
});
afterAll(() => h.close());

describe('models', () => {
  it('lists the manifest with the installed and active model', async () => {
    const res = await h.engine.router.dispatch(VIEWER, 'models.list', {});
    if (!res.ok) throw new Error(res.error.message);
    const list = res.value as { name: string; installed: boolean; active: boolean; default: boolean }[];
    expect(list.find((m) => m.name === 'deimv2_hgnetv2_femto_coco')).toMatchObject({ installed: true, active: true, default: true });
    expect(list.length).toBeGreaterThanOrEqual(5);
  });

  it('measures a model’s speed on this machine', async () => {
    const res = await h.engine.router.dispatch(ADMIN, 'models.speed', { name: 'deimv2_hgnetv2_femto_coco' });
    expect(res).toMatchObject({ ok: true, value: { name: 'deimv2_hgnetv2_femto_coco', runs: 10 } });
    const ms = (res as { value: { medianMs: number } }).value.medianMs;
    expect(ms).toBeGreaterThan(1);
    expect(ms).toBeLessThan(500);
  });

  it('refuses unknown models and viewers', async () => {
    expect(await h.engine.router.dispatch(ADMIN, 'models.download', { name: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await h.engine.router.dispatch(VIEWER, 'models.download', { name: 'deimv2_hgnetv2_femto_coco' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
