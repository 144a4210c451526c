// ONVIF against the in-repo mock device on 127.0.0.1: discovery by unicast, probe, PTZ, auth, and hostile devices.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOnvifDevice, type OnvifDevice } from '../../../test/fixtures/onvif-device.js';
import { connectOnvif, credentialsFromUrl, normalizeXaddr, pickStreams, pinHost } from './client.js';
import { discover } from './discovery.js';
import { OnvifError, toApiFailure, type OnvifErrorCode } from './errors.js';
import { addCameraFromOnvif, probeOnvifDevice, ptzCommand } from './probe.js';
import { parseXml } from './xml.js';

const USER = 'admin';
const PASS = 'S3cret pass/wörd@';
const MAIN = 'rtsp://127.0.0.1:8554/cam/main?channel=1&subtype=0';
const SUB = 'rtsp://127.0.0.1:8554/cam/sub';
const SNAP = 'http://127.0.0.1:8080/snapshot.jpg';

/** Runs `fn`, expects an OnvifError with `code`, and returns it with how long the failure took. */
async function failure(fn: () => Promise<unknown>, code: OnvifErrorCode): Promise<{ err: OnvifError; ms: number }> {
  const started = Date.now();
  const err = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = Date.now() - started;
  expect(err).toBeInstanceOf(OnvifError);
  expect((err as OnvifError).code).toBe(code);
  expect((err as OnvifError).message).not.toContain(PASS);
  return { err: err as OnvifError, ms };
}

describe('onvif against a well-behaved device', () => {
  let dev: OnvifDevice;
  beforeAll(async () => {
    // its clock runs 2 hours ahead: tokens dated by our clock would be refused
    dev = await startOnvifDevice({ streamUri: MAIN, subStreamUri: SUB, snapshotUri: SNAP, username: USER, password: PASS, clockSkewMs: 2 * 3600_000, name: 'Front door' });
  });
  afterAll(async () => {
    await dev.close();
  });

  it('finds the device by a unicast Probe to 127.0.0.1', async () => {
    const found = await discover({ timeoutMs: 600, targets: [`127.0.0.1:${dev.discoveryPort}`] });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ xaddr: dev.xaddr, name: 'Front door', hardware: 'MockCam1', address: '127.0.0.1' });
    expect(found[0]?.urn).toMatch(/^urn:uuid:/);
    expect(dev.stats.probes).toBeGreaterThanOrEqual(1);
  });

  it('finds nothing where nothing answers, within the timeout', async () => {
    const free = await freePort();
    const started = Date.now();
    expect(await discover({ timeoutMs: 300, targets: ['127.0.0.1'], port: free })).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('probes device info, two profiles, main and sub streams, snapshot and PTZ', async () => {
    const probe = await probeOnvifDevice({ xaddr: dev.xaddr, username: USER, password: PASS, timeoutMs: 3000 });
    expect(probe.device).toEqual({ manufacturer: 'Porchlight Test', model: 'MockCam 1 & Co', firmwareVersion: '1.2.3', serialNumber: 'SN0001', hardwareId: 'HW-42' });
    expect(probe.profiles.map((p) => [p.token, p.width, p.height, p.encoding])).toEqual([
      ['profile_main', 1280, 720, 'H264'],
      ['profile_sub', 640, 360, 'H264'],
    ]);
    const main = new URL(probe.streams.main);
    expect(decodeURIComponent(main.username)).toBe(USER);
    expect(decodeURIComponent(main.password)).toBe(PASS);
    expect(`${main.protocol}//${main.host}${main.pathname}${main.search}`).toBe(MAIN);
    expect(credentialsFromUrl(probe.streams.sub ?? '')).toEqual({ username: USER, password: PASS });
    expect(probe.streams.sub?.endsWith('@127.0.0.1:8554/cam/sub')).toBe(true);
    expect(probe.snapshotUri).toBe(SNAP);
    expect(probe.ptz).toEqual({ supported: true, profile: 'profile_main', presets: [{ token: '1', name: 'Driveway' }, { token: '2', name: 'Porch' }] });
    expect(Math.abs(probe.clockOffsetMs - 2 * 3600_000)).toBeLessThan(5000);
    // the media service was reported at 192.0.2.10; every call stayed on the address we were given
    expect(dev.calls.some((c) => c.path === '/onvif/media_service' && c.action === 'GetProfiles')).toBe(true);
    // the password itself never goes over the wire, only its digest
    expect(dev.calls.every((c) => !c.body.includes(PASS))).toBe(true);
  });

  it('builds a camera with main for recording and full screen, sub for detection and the grid', async () => {
    const { camera } = await addCameraFromOnvif({ xaddr: dev.xaddr, username: USER, password: PASS, timeoutMs: 3000 });
    expect(camera.name).toBe('Porchlight Test MockCam 1 & Co');
    expect(camera.streams.map((s) => [s.name, s.roles])).toEqual([
      ['main', ['record', 'live-full']],
      ['sub', ['detect', 'live-grid']],
    ]);
    expect(camera.onvif).toEqual({ xaddr: dev.xaddr, ptz: true });
  });

  it('rejects a wrong password as onvif_auth_failed', async () => {
    const { err } = await failure(() => probeOnvifDevice({ xaddr: dev.xaddr, username: USER, password: 'wrong', timeoutMs: 3000 }), 'onvif_auth_failed');
    expect(err.message).toMatch(/user name or password/);
    expect(toApiFailure(err)).toMatchObject({ code: 'invalid_input', details: { onvif: 'onvif_auth_failed' } });
  });

  it('sends continuous move, stop and go-to-preset to the camera', async () => {
    const session = await connectOnvif({ xaddr: dev.xaddr, username: USER, password: PASS, timeoutMs: 3000 });
    expect(session.ptz.supported).toBe(true);
    const before = dev.calls.length;
    await session.ptz.continuousMove('profile_main', { x: 0.5, y: -2, zoom: 0.25 }, 1500);
    expect((await session.ptz.status('profile_main')).moving).toBe(true);
    await session.ptz.stop('profile_main');
    await session.ptz.gotoPreset('profile_main', '2');
    expect(await session.ptz.status('profile_main')).toMatchObject({ moving: false, x: 0.4, y: -0.2 });
    const ptzCalls = dev.calls.slice(before).filter((c) => c.path === '/onvif/ptz_service');
    expect(ptzCalls.map((c) => c.action)).toEqual(['ContinuousMove', 'GetStatus', 'Stop', 'GotoPreset', 'GetStatus']);
    const move = ptzCalls[0]?.body ?? '';
    // the tilt speed is clamped to the ONVIF range
    expect(move).toMatch(/<tt:PanTilt x="0.5" y="-1"\/>/);
    expect(move).toMatch(/<tt:Zoom x="0.25"\/>/);
    expect(move).toContain('<tptz:Timeout>PT1.500S</tptz:Timeout>');
    expect(ptzCalls[3]?.body).toContain('<tptz:PresetToken>2</tptz:PresetToken>');
  });

  it('runs a PTZ command for a stored camera, reading credentials from its stream URL', async () => {
    const before = dev.calls.length;
    const streamUrl = `rtsp://${encodeURIComponent(USER)}:${encodeURIComponent(PASS)}@127.0.0.1:8554/cam/main`;
    await ptzCommand({ xaddr: dev.xaddr, streamUrl, timeoutMs: 3000 }, { action: 'move', x: -0.3 });
    await ptzCommand({ xaddr: dev.xaddr, streamUrl, timeoutMs: 3000 }, { action: 'stop' });
    await ptzCommand({ xaddr: dev.xaddr, streamUrl, timeoutMs: 3000 }, { action: 'preset', preset: '1' });
    expect(dev.calls.slice(before).filter((c) => c.path === '/onvif/ptz_service').map((c) => c.action)).toEqual(['ContinuousMove', 'Stop', 'GotoPreset']);
    await failure(() => ptzCommand({ xaddr: dev.xaddr, streamUrl, timeoutMs: 3000 }, { action: 'preset', preset: '99' }), 'onvif_rejected');
  });
});

describe('onvif device variants', () => {
  const devices: OnvifDevice[] = [];
  const start = async (extra: Partial<Parameters<typeof startOnvifDevice>[0]>): Promise<OnvifDevice> => {
    const d = await startOnvifDevice({ streamUri: MAIN, username: USER, password: PASS, ...extra });
    devices.push(d);
    return d;
  };
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
  });

  it('reports a camera without PTZ, a single stream and no snapshot', async () => {
    const dev = await start({ ptz: false });
    const probe = await probeOnvifDevice({ xaddr: dev.xaddr, username: USER, password: PASS, timeoutMs: 3000 });
    // both profiles answer the same URI: there is no separate sub stream
    expect(probe.streams.sub).toBeUndefined();
    expect(probe.snapshotUri).toBeUndefined();
    expect(probe.ptz).toEqual({ supported: false, presets: [] });
    const session = await connectOnvif({ xaddr: dev.xaddr, username: USER, password: PASS, timeoutMs: 3000 });
    await failure(() => session.ptz.stop('profile_main'), 'onvif_not_supported');
  });

  it('uses GetServices when GetCapabilities is not supported', async () => {
    const dev = await start({ noCapabilities: true, subStreamUri: SUB });
    const probe = await probeOnvifDevice({ xaddr: dev.xaddr, username: USER, password: PASS, timeoutMs: 3000 });
    expect(probe.ptz.supported).toBe(true);
    expect(dev.calls.map((c) => c.action)).toContain('GetServices');
  });

  it('answers an HTTP Digest challenge, and reports a wrong password there too', async () => {
    const dev = await start({ httpDigest: true, subStreamUri: SUB });
    const probe = await probeOnvifDevice({ xaddr: dev.xaddr.replace('http://', ''), username: USER, password: PASS, timeoutMs: 3000 });
    expect(probe.profiles).toHaveLength(2);
    await failure(() => connectOnvif({ xaddr: dev.xaddr, username: USER, password: 'nope', timeoutMs: 3000 }), 'onvif_auth_failed');
  });
});

describe('onvif against hostile or absent devices', () => {
  const devices: OnvifDevice[] = [];
  const start = async (mode: 'malformed' | 'huge' | 'entities' | 'silent'): Promise<OnvifDevice> => {
    const d = await startOnvifDevice({ streamUri: MAIN, username: USER, password: PASS, mode });
    devices.push(d);
    return d;
  };
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
  });

  it('refuses malformed XML as onvif_bad_response', async () => {
    const dev = await start('malformed');
    const { err, ms } = await failure(() => connectOnvif({ xaddr: dev.xaddr, username: USER, password: PASS, timeoutMs: 3000 }), 'onvif_bad_response');
    expect(err.message).toMatch(/not valid XML/);
    expect(ms).toBeLessThan(2000);
  });

  it('stops reading a 50 MB reply after 1 MB, quickly', async () => {
    const dev = await start('huge');
    const { err, ms } = await failure(() => connectOnvif({ xaddr: dev.xaddr, username: USER, password: PASS, timeoutMs: 10_000 }), 'onvif_bad_response');
    expect(err.message).toMatch(/too large/);
    expect(ms).toBeLessThan(3000);
    await dev.close();
    // the device could only push what fits in socket buffers before we hung up
    expect(dev.stats.bytesSent).toBeLessThan(20 * 1024 * 1024);
  });

  it('refuses billion-laughs entity XML without expanding it', async () => {
    const dev = await start('entities');
    const { err, ms } = await failure(() => connectOnvif({ xaddr: dev.xaddr, username: USER, password: PASS, timeoutMs: 3000 }), 'onvif_bad_response');
    expect(err.message).toMatch(/document type declaration/);
    expect(ms).toBeLessThan(2000);
  });

  it('gives up on a silent device within its timeout', async () => {
    const dev = await start('silent');
    const { err, ms } = await failure(() => probeOnvifDevice({ xaddr: dev.xaddr, username: USER, password: PASS, timeoutMs: 700 }), 'onvif_timeout');
    expect(err.message).toMatch(/did not answer within 0.7 seconds/);
    expect(ms).toBeGreaterThanOrEqual(650);
    expect(ms).toBeLessThan(2000);
  });

  it('reports a closed port as onvif_unreachable', async () => {
    const port = await freePort();
    const { err, ms } = await failure(() => connectOnvif({ xaddr: `http://127.0.0.1:${port}/onvif/device_service`, username: USER, password: PASS, timeoutMs: 3000 }), 'onvif_unreachable');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(ms).toBeLessThan(2000);
  });
});

describe('onvif helpers', () => {
  it('never lets an entity or DTD through the XML parser', () => {
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')).toThrow(/document type/);
    expect(() => parseXml('<a><b></a>')).toThrow(/not valid XML/);
    expect(() => parseXml(`<a>${'<b>'.repeat(200)}${'</b>'.repeat(200)}</a>`)).toThrow(OnvifError);
    // undefined entities stay literal; predefined ones and character references decode
    expect(parseXml('<a>&x; &amp; &#65; &#x42;</a>')).toEqual({ a: '&x; & A B' });
  });

  it('normalizes what a homeowner types as the address, dropping credentials', () => {
    expect(normalizeXaddr('192.168.1.20').toString()).toBe('http://192.168.1.20/onvif/device_service');
    expect(normalizeXaddr('http://u:p@cam.local:8080/').toString()).toBe('http://cam.local:8080/onvif/device_service');
    expect(() => normalizeXaddr('ftp://x')).toThrow(OnvifError);
  });

  it('keeps media addresses on the camera host, so credentials go nowhere else', () => {
    const device = new URL('http://192.168.1.20:8000/onvif/device_service');
    expect(pinHost('rtsp://10.0.0.5:554/live?ch=1', device)).toBe('rtsp://192.168.1.20:554/live?ch=1');
    expect(pinHost('rtsp://192.168.1.20/live', device)).toBe('rtsp://192.168.1.20/live');
    expect(pinHost('http://evil.example/snap.jpg', device)).toBe('http://192.168.1.20/snap.jpg');
  });

  it('picks the largest profile as main and the smallest other as sub', () => {
    const p = (token: string, width: number, height: number) => ({ token, name: token, width, height, encoding: 'H264', ptz: false });
    const { main, sub } = pickStreams([p('a', 640, 360), p('b', 1920, 1080), p('c', 320, 180)]);
    expect([main?.token, sub?.token]).toEqual(['b', 'c']);
  });
});

/** A port on 127.0.0.1 that was free a moment ago (nothing listens on it). */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
