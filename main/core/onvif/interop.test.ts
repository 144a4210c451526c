// A second, independent ONVIF client (node-onvif) against the same mock device the engine's tests use: if our device
// and our client only agreed with each other, this is where it would show. Both read the same facts from the device.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOnvifDevice, type OnvifDevice } from '../../../test/fixtures/onvif-device.js';
import { probeOnvifDevice } from './probe.js';

interface NodeOnvifProfile {
  token: string;
  video: { encoder: { resolution: { width: number; height: number }; encoding: string } | null };
  stream: { rtsp: string };
}
interface NodeOnvifDevice {
  init(): Promise<Record<string, string>>;
  getProfileList(): NodeOnvifProfile[];
}
const { OnvifDevice: NodeOnvif } = createRequire(import.meta.url)('node-onvif') as {
  OnvifDevice: new (p: { address: string; user: string; pass: string }) => NodeOnvifDevice;
};

const USER = 'admin';
// node-onvif takes ASCII passwords without < and >; the other specials of XML and URLs are kept
const PASS = "S3cret pass/word@&'";
const MAIN = 'rtsp://127.0.0.1:8554/cam/main?channel=1&subtype=0';
const SUB = 'rtsp://127.0.0.1:8554/cam/sub';

describe('interop: node-onvif and Porchlight read the mock device alike', () => {
  let dev: OnvifDevice;
  beforeAll(async () => {
    // the device's clock runs an hour ahead, and it reports its media service at a foreign address (192.0.2.10):
    // node-onvif is given the address form, which keeps every call on loopback, as our client does by pinning the host
    dev = await startOnvifDevice({ streamUri: MAIN, subStreamUri: SUB, username: USER, password: PASS, clockSkewMs: 3600_000, name: 'Porch' });
  });
  afterAll(async () => {
    await dev.close();
  });

  it('same device information, profiles, resolutions and stream paths; digest auth accepted from both', async () => {
    const address = new URL(dev.xaddr).host;
    const theirs = new NodeOnvif({ address, user: USER, pass: PASS });
    const info = await theirs.init();
    const ours = await probeOnvifDevice({ xaddr: dev.xaddr, username: USER, password: PASS, timeoutMs: 3000 });

    expect(info).toMatchObject({
      Manufacturer: ours.device.manufacturer,
      Model: ours.device.model,
      FirmwareVersion: ours.device.firmwareVersion,
      SerialNumber: ours.device.serialNumber,
      HardwareId: ours.device.hardwareId,
    });
    const profiles = theirs.getProfileList();
    expect(profiles.map((p) => [p.token, p.video.encoder?.resolution.width, p.video.encoder?.resolution.height, p.video.encoder?.encoding])).toEqual(
      ours.profiles.map((p) => [p.token, p.width, p.height, p.encoding]),
    );
    // in its address form node-onvif rewrites a stream URI to "<address>/<path>" (scheme, port and query dropped): the
    // paths are what the two can be compared on
    const theirPath = (u: string): string => `/${u.slice(u.indexOf('/')).replace(/^\/+/, '')}`;
    expect(profiles.map((p) => theirPath(p.stream.rtsp))).toEqual([new URL(ours.streams.main).pathname, new URL(ours.streams.sub ?? '').pathname]);
    // both signed with WS-Security digests dated by the device's clock: the password never crossed the wire
    expect(dev.calls.length).toBeGreaterThan(4);
    expect(dev.calls.every((c) => !c.body.includes(PASS))).toBe(true);
  });

  it('a wrong password is refused to both', async () => {
    const theirs = new NodeOnvif({ address: new URL(dev.xaddr).host, user: USER, pass: 'wrong' });
    await expect(theirs.init()).rejects.toThrow();
    await expect(probeOnvifDevice({ xaddr: dev.xaddr, username: USER, password: 'wrong', timeoutMs: 3000 })).rejects.toThrow(/user name or password/);
  });
});
