// Media routes: Range and caching for real files; traversal in every spelling refused on every media route.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  const d = t.h.dataDir;
  mkdirSync(join(d, 'recordings', 'cam', '2026-11-29'), { recursive: true });
  writeFileSync(join(d, 'recordings', 'cam', '2026-11-29', '10-00-00.mp4'), Buffer.alloc(5000, 1));
  writeFileSync(join(d, 'snapshots', 'ev1.jpg'), Buffer.alloc(300, 2));
  writeFileSync(join(d, 'outside-secret.txt'), 'TOP SECRET');
  symlinkSync(join(d, 'outside-secret.txt'), join(d, 'snapshots', 'link.jpg'));
  symlinkSync(d, join(d, 'exports', 'up'));
});
afterAll(() => t.close());

/** Raw request: fetch() would normalise `..` away before sending it. */
function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(t.server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: { cookie: t.viewerCookie, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('media routes', () => {
  it('serve a recording with Range and caching headers', async () => {
    const full = await raw('/media/recordings/cam/2026-11-29/10-00-00.mp4');
    expect(full.status).toBe(200);
    expect(full.headers['content-type']).toBe('video/mp4');
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(String(full.headers['cache-control'])).toContain('max-age');
    const part = await raw('/media/recordings/cam/2026-11-29/10-00-00.mp4', { range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 1000-1999/5000');
    expect(part.body.length).toBe(1000);
    expect((await raw('/media/recordings/cam/2026-11-29/10-00-00.mp4', { range: 'bytes=9000-' })).status).toBe(416);
    expect((await raw('/media/snapshots/ev1.jpg')).headers['content-type']).toBe('image/jpeg');
  });

  const hostile = [
    '../porchlight.db',
    '..%2fporchlight.db',
    '%2e%2e/porchlight.db',
    '%2e%2e%2fporchlight.db',
    '%252e%252e%252fporchlight.db',
    '..%5cporchlight.db',
    '%2fetc%2fpasswd',
    '/etc/passwd',
    '....//porchlight.db',
    'link.jpg',
    'up/outside-secret.txt',
    '%00',
    'cam/2026-11-29/10-00-00.mp4%00.jpg',
  ];
  for (const kind of ['recordings', 'snapshots', 'exports']) {
    it.each(hostile)(`${kind}: refuses %s`, async (p) => {
      const res = await raw(`/media/${kind}/${p}`);
      expect([400, 404]).toContain(res.status);
      expect(res.body).not.toContain('TOP SECRET');
      expect(res.body).not.toContain('SQLite format');
      expect(res.body).not.toContain('root:');
    });
  }
});
