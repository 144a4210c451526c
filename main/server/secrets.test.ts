// A viewer never receives a camera password in any form, over RPC or either socket, whatever characters it holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { methods, topics } from '../common/contract/index.js';
import { maskPassword, restorePassword } from '../common/urls.js';
import { redactSecrets } from '../common/redact.js';
import { sql } from '../core/storage/sql.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';

/** Passwords that break regex redaction: quotes, spaces, @, %, and what looks like an escape. */
const HOSTILE = ["it's-a-'secret", 'say "cheese" now', 'pass word with spaces', 'p@ss@w0rd@', '100%sure%41', 'semi;colon&amp=x#frag', 'slash/and?query'];

/** Every way a password could be written in a response: raw, URL-encoded, form-encoded, as a URL parser stores it. */
function forms(secret: string): string[] {
  const u = new URL('rtsp://h/');
  u.password = secret;
  const q = new URLSearchParams({ p: secret }).toString().slice(2);
  return [...new Set([secret, encodeURIComponent(secret), encodeURI(secret), u.password, q, JSON.stringify(secret).slice(1, -1)])].filter((s) => s.length >= 4);
}

let t: TestServer;
const cameraIds: string[] = [];

function userinfoUrl(password: string, host: string): string {
  const u = new URL(`rtsp://${host}:554/stream1`);
  u.username = 'admin';
  u.password = password;
  return u.toString();
}

beforeAll(async () => {
  // cameras at addresses that refuse at once, so their states carry reasons from a real ffmpeg
  t = await startTestServer({ engine: { startCameras: true } });
  for (const [i, pw] of HOSTILE.entries()) {
    const query = new URL(`http://127.0.0.1:9/cgi-bin/video.cgi`);
    query.searchParams.set('user', 'admin');
    query.searchParams.set('password', pw);
    const res = await t.rpc('cameras.upsert', {
      name: `Hostile ${i}`,
      streams: [
        { name: 'main', url: userinfoUrl(pw, '127.0.0.1'), roles: ['record', 'live'] },
        { name: 'sub', url: query.toString(), roles: ['detect'] },
      ],
      detect: { enabled: false },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    cameraIds.push((res.json.value as { id: string }).id);
  }
});
afterAll(() => t?.close());

function expectNoSecret(text: string, where: string): void {
  for (const pw of HOSTILE) for (const f of forms(pw)) expect(text.includes(f), `${where} carried ${JSON.stringify(f)}`).toBe(false);
}

describe('camera passwords', () => {
  it('are sealed at rest, query-string ones included', () => {
    const rows = t.h.engine.db.all<{ url: string }>(sql`SELECT url FROM camera_streams`);
    expect(rows.length).toBe(HOSTILE.length * 2);
    for (const r of rows) expect(r.url.startsWith('enc:v1:')).toBe(true);
  });

  it('never reach a viewer over RPC: every viewer method, with each camera', async () => {
    const viewerMethods = Object.entries(methods).filter(([, m]) => m.role === 'viewer').map(([name]) => name);
    expect(viewerMethods.length).toBeGreaterThan(10);
    let answered = 0;
    for (const name of viewerMethods) {
      for (const input of [{}, { id: cameraIds[0] }, { cameraId: cameraIds[0] }, { ids: cameraIds }]) {
        const res = await t.rpc(name, input, t.viewerCookie);
        if (res.status === 200) answered++;
        expectNoSecret(JSON.stringify(res.json), `${name}(${JSON.stringify(input)})`);
      }
    }
    expect(answered).toBeGreaterThan(10);
    // the list does carry the cameras, masked
    const list = await t.rpc('cameras.list', {}, t.viewerCookie);
    expect(JSON.stringify(list.json)).toContain('admin:***@127.0.0.1');
    expect(JSON.stringify(list.json)).toContain('password=***');
  });

  it('never reach a viewer over the topics socket, while the cameras fail and report why', async () => {
    const ws = new WebSocket(`${t.server.url.replace('http', 'ws')}/api/ws`, { headers: { cookie: t.viewerCookie } });
    const received: string[] = [];
    ws.on('message', (d) => received.push(String(d)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'subscribe', topics: Object.keys(topics) }));
    // restart every camera: each reports states (connecting, error with a reason) on the socket
    for (const id of cameraIds) t.h.engine.bus.publish('camera.changed', { id, deleted: false });
    await t.h.engine.runtime.apply();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && received.filter((m) => m.includes('"reason"')).length < HOSTILE.length) await new Promise((r) => setTimeout(r, 200));
    ws.close();
    const withReasons = received.filter((m) => m.includes('camera.state'));
    expect(withReasons.length).toBeGreaterThanOrEqual(HOSTILE.length);
    for (const m of received) expectNoSecret(m, 'topics socket');
    // and the states kept for the health page say nothing either
    expectNoSecret(JSON.stringify([...t.h.engine.states.values()]), 'camera states');
  });

  it('are masked in text however they are spelled, and a masked URL only gets its password back at the same device', () => {
    for (const pw of HOSTILE) {
      const url = userinfoUrl(pw, 'cam.local');
      expectNoSecret(maskPassword(url), `maskPassword(${url})`);
      expectNoSecret(redactSecrets(`ffmpeg: ${url}: Connection refused`), 'a log line');
      expect(restorePassword(maskPassword(url), url)).toBe(url);
      expect(() => restorePassword(maskPassword(url).replace('cam.local', 'attacker.example'), url)).toThrow(/type the password again/);
    }
  });

  it('are used by "Test connection" only for the device they belong to', async () => {
    const cam = (await t.rpc('cameras.get', { id: cameraIds[1] })).json.value as { streams: { url: string }[] };
    const masked = cam.streams[0]!.url;
    // the same device: the kept password is used, and the probe reports what the device said (nothing listens there)
    const same = await t.rpc('cameras.probe', { url: masked, cameraId: cameraIds[1] });
    expect(same.status, JSON.stringify(same.json)).toBe(200);
    expectNoSecret(JSON.stringify(same.json), 'probe result');
    // another address: refused before anything is sent anywhere
    const moved = await t.rpc('cameras.probe', { url: masked.replace('127.0.0.1', '192.0.2.99'), cameraId: cameraIds[1] });
    expect(moved.status).toBe(400);
    expect(moved.json.error?.message).toMatch(/type the password again/);
  });

  it('are not sent to a new ONVIF address or sink host unless typed again', async () => {
    const cam = t.h.engine.cameras.require(cameraIds[0]!);
    const masked = (await t.rpc('cameras.get', { id: cam.id })).json.value as { streams: unknown[] };
    const moved = await t.rpc('cameras.upsert', { id: cam.id, name: cam.name, streams: masked.streams, onvif: { xaddr: 'http://attacker.example/onvif/device_service', ptz: true } });
    expect(moved.status).toBe(200);
    // first ONVIF address given with the kept password: allowed (nothing was stored for ONVIF before)
    const again = await t.rpc('cameras.upsert', { id: cam.id, name: cam.name, streams: masked.streams, onvif: { xaddr: 'http://other.example/onvif/device_service', ptz: true } });
    expect(again.status).toBe(400);
    expect(again.json.error?.message).toMatch(/type the camera password again/);

    const sink = await t.rpc('sinks.upsert', { kind: 'webhook', name: 'Hook', enabled: true, url: 'https://hooks.example/porch', secret: 'a webhook secret 1234' });
    expect(sink.status, JSON.stringify(sink.json)).toBe(200);
    const id = (sink.json.value as { id: string }).id;
    const redirect = await t.rpc('sinks.upsert', { id, kind: 'webhook', name: 'Hook', enabled: true, url: 'https://attacker.example/x' });
    expect(redirect.status).toBe(400);
    expect(redirect.json.error?.message).toMatch(/type the secret again/);
  });
});
