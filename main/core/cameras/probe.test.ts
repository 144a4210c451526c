// probeStream against the real RTSP test camera, a closed port, an HTTP text page and hostile URLs.
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, SECURE_PASSWORD, SECURE_USER, startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { classifyStderr, probeStream } from './probe.js';

let cam: RtspCamera;
let http: Server;
let httpPort = 0;

beforeAll(async () => {
  cam = await startRtspCamera({ vtest: false, hevc: false });
  http = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('Hello, this is a text page, not a camera.\n'.repeat(20));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const a = http.address();
  httpPort = typeof a === 'object' && a ? a.port : 0;
});

afterAll(async () => {
  await cam?.stop();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
});

async function timed(url: string): Promise<{ r: Awaited<ReturnType<typeof probeStream>>; ms: number }> {
  const t = Date.now();
  const r = await probeStream(url, { timeoutMs: 10_000 });
  return { r, ms: Date.now() - t };
}

describe('probeStream', () => {
  it('reads codec, size and frame rate of a good stream', async () => {
    const { r, ms } = await timed(cam.url('/pattern'));
    expect(r).toEqual({ ok: true, codec: 'h264', width: 1280, height: 720, fps: 15 });
    expect(ms).toBeLessThan(10_000);
  });

  it('says not_found for a path the camera does not have', async () => {
    const { r, ms } = await timed(cam.url('/no-such-stream'));
    expect(r).toMatchObject({ ok: false, code: 'not_found' });
    expect(ms).toBeLessThan(10_000);
  });

  it('says auth_failed for a wrong password, and never echoes it', async () => {
    const { r, ms } = await timed(cam.url('/secure', { user: SECURE_USER, password: 'wrong-Pa55' }));
    expect(r).toMatchObject({ ok: false, code: 'auth_failed' });
    expect(JSON.stringify(r)).not.toContain('wrong-Pa55');
    expect(ms).toBeLessThan(10_000);
    const none = await probeStream(cam.url('/secure'));
    expect(none).toMatchObject({ ok: false, code: 'auth_failed' });
  });

  it('opens the protected stream with the right credentials', async () => {
    const { r } = await timed(cam.url('/secure', { user: SECURE_USER, password: SECURE_PASSWORD }));
    expect(r).toMatchObject({ ok: true, codec: 'h264', width: 640, height: 360 });
  });

  it('says connection_refused for a closed port on 127.0.0.1', async () => {
    const port = await freePort();
    const { r, ms } = await timed(`rtsp://127.0.0.1:${port}/stream1`);
    expect(r).toMatchObject({ ok: false, code: 'connection_refused' });
    expect(ms).toBeLessThan(10_000);
  });

  it('says host_unreachable for a host that resolves nowhere (.invalid, no packets sent)', async () => {
    const { r, ms } = await timed('rtsp://front-door.invalid:554/stream1');
    expect(r).toMatchObject({ ok: false, code: 'host_unreachable' });
    expect(ms).toBeLessThan(10_000);
  });

  it('says not_video for an HTTP page of text', async () => {
    const { r, ms } = await timed(`http://127.0.0.1:${httpPort}/index.txt`);
    expect(r).toMatchObject({ ok: false, code: 'not_video' });
    const root = await probeStream(`http://127.0.0.1:${httpPort}/`);
    expect(root).toMatchObject({ ok: false, code: 'not_video' });
    expect(ms).toBeLessThan(10_000);
  });

  it('treats shell syntax as bytes: an error, and no file is created', async () => {
    const marker = `/tmp/porchlight-pwned-${process.pid}`;
    rmSync(marker, { force: true });
    const urls = [
      cam.url(`/$(touch ${marker})`),
      `${cam.url('/pattern')}; touch ${marker}`,
      `rtsp://127.0.0.1:${cam.port}/x;rm -rf /`,
      `$(touch ${marker})`,
      '; rm -rf /',
      `rtsp://127.0.0.1:${cam.port}/\`touch ${marker}\``,
    ];
    for (const url of urls) {
      const r = await probeStream(url, { timeoutMs: 10_000 });
      expect(r.ok, url).toBe(false);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('rejects schemes that are not streams', async () => {
    for (const url of ['file:///etc/passwd', 'concat:a|b', 'javascript:alert(1)', 'rtsp://', '', 'ftp://127.0.0.1/a']) {
      expect(await probeStream(url), url).toMatchObject({ ok: false, code: 'invalid_url' });
    }
  });
});

describe('classifyStderr', () => {
  it('maps what ffmpeg 5.1 prints', () => {
    expect(classifyStderr(['[tcp @ 0x1] Failed to resolve hostname cam.lan: Name or service not known'])).toBe('host_unreachable');
    expect(classifyStderr(['[tcp @ 0x1] Connection to tcp://10.0.0.9:554?timeout=0 failed: No route to host'])).toBe('host_unreachable');
    expect(classifyStderr(['Network is unreachable'])).toBe('host_unreachable');
    expect(classifyStderr(['[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized'])).toBe('auth_failed');
    expect(classifyStderr(['[http @ 0x1] HTTP error 403 Forbidden'])).toBe('auth_failed');
    expect(classifyStderr(['[rtsp @ 0x1] method DESCRIBE failed: 404 Not Found'])).toBe('not_found');
    expect(classifyStderr(['Connection to tcp://127.0.0.1:1?timeout=0 failed: Connection refused'])).toBe('connection_refused');
    expect(classifyStderr(['Connection to tcp://10.0.0.9:554 failed: Connection timed out'])).toBe('timeout');
    expect(classifyStderr(['http://x/: Invalid data found when processing input'])).toBe('not_video');
    expect(classifyStderr(['something else'])).toBeUndefined();
  });
});
