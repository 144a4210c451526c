// ONVIF through the contract against the in-repo mock device: discover, probe, add in one call, PTZ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOnvifDevice, type OnvifDevice } from '../../../test/fixtures/onvif-device.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import { connectOnvif } from '../onvif/client.js';

let h: Awaited<ReturnType<typeof withEngine>>;
let device: OnvifDevice;
const STREAM = 'rtsp://127.0.0.1:8554/pattern';

beforeAll(async () => {
  h = await withEngine();
  device = await startOnvifDevice({ streamUri: STREAM, subStreamUri: 'rtsp://127.0.0.1:8554/sub', username: 'onvif', password: 'pw with spaces' });
});
afterAll(async () => {
  await device.close();
  await h.close();
});

const call = async (method: string, input: unknown) => {
  const res = await h.engine.router.dispatch(ADMIN, method, input);
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.value as never;
};

describe('ONVIF via the API', () => {
  it('discovers the device by unicast on loopback', async () => {
    const found = (await call('onvif.discover', { timeoutMs: 1500, targets: ['127.0.0.1'], port: device.discoveryPort })) as { xaddr: string }[];
    expect(found.map((d) => d.xaddr)).toContain(device.xaddr);
  });

  it('probes with credentials and never returns the password', async () => {
    const probe = (await call('onvif.probe', { xaddr: device.xaddr, username: 'onvif', password: 'pw with spaces' })) as {
      ok: boolean;
      streams: { main: string; sub?: string };
      ptz: { supported: boolean };
    };
    expect(probe).toMatchObject({ ok: true, ptz: { supported: true } });
    expect(JSON.stringify(probe)).not.toContain('pw with spaces');
    expect(probe.streams.main).toMatch(/^rtsp:\/\/onvif:\*\*\*@127\.0\.0\.1:8554\/pattern$/);
    const wrong = (await call('onvif.probe', { xaddr: device.xaddr, username: 'onvif', password: 'nope' })) as { ok: boolean; code: string };
    expect(wrong).toMatchObject({ ok: false, code: 'onvif_auth_failed' });
  });

  it('adds the camera in one call with main and sub streams, then moves it', async () => {
    const cam = (await call('cameras.addOnvif', { xaddr: device.xaddr, username: 'onvif', password: 'pw with spaces', name: 'Porch PTZ' })) as {
      id: string;
      streams: { name: string; url: string; roles: string[] }[];
      onvif: { ptz: boolean };
    };
    expect(cam.onvif.ptz).toBe(true);
    expect(cam.streams.map((s) => s.name).sort()).toEqual(['main', 'sub']);
    expect(h.engine.cameras.get(cam.id)?.streams.find((s) => s.name === 'main')?.url).toContain('onvif:pw%20with%20spaces@');

    const before = device.calls.length;
    await call('cameras.ptz', { id: cam.id, action: 'move', x: 0.5, y: 0, zoom: 0 });
    await call('cameras.ptz', { id: cam.id, action: 'stop' });
    const actions = device.calls.slice(before).map((c) => c.action);
    expect(actions).toContain('ContinuousMove');
    expect(actions).toContain('Stop');
    await expect(call('cameras.ptz', { id: cam.id, action: 'preset', preset: 'no-such-preset' })).rejects.toThrow();

    // presets: the camera's own, one saved where it points now, going to it moves the camera back there
    expect(await call('cameras.ptzPresets', { id: cam.id })).toEqual([{ token: '1', name: 'Driveway' }, { token: '2', name: 'Porch' }]);
    await call('cameras.ptz', { id: cam.id, action: 'preset', preset: '2' });
    const saved = (await call('cameras.ptzSavePreset', { id: cam.id, name: 'Gate' })) as { token: string; name: string };
    expect(saved).toEqual({ token: '3', name: 'Gate' });
    expect(await call('cameras.ptzPresets', { id: cam.id })).toEqual([{ token: '1', name: 'Driveway' }, { token: '2', name: 'Porch' }, { token: '3', name: 'Gate' }]);
    const setCall = device.calls.findLast((c) => c.action === 'SetPreset');
    expect(setCall?.body).toContain('<tptz:PresetName>Gate</tptz:PresetName>');
    // renaming a preset keeps its token; a token the camera does not have is refused
    expect(await call('cameras.ptzSavePreset', { id: cam.id, name: 'Front gate', preset: '3' })).toEqual({ token: '3', name: 'Front gate' });
    await expect(call('cameras.ptzSavePreset', { id: cam.id, name: 'X', preset: '77' })).rejects.toThrow();
    await call('cameras.ptz', { id: cam.id, action: 'preset', preset: '1' });
    await call('cameras.ptz', { id: cam.id, action: 'preset', preset: '3' });
    expect(device.calls.filter((c) => c.action === 'GotoPreset').at(-1)?.body).toContain('<tptz:PresetToken>3</tptz:PresetToken>');
    // from Driveway back to where Gate was saved: the Porch position
    const session = await connectOnvif({ xaddr: device.xaddr, username: 'onvif', password: 'pw with spaces', timeoutMs: 3000 });
    expect(await session.ptz.status('profile_main')).toMatchObject({ x: 0.4, y: -0.2 });
  });
});
