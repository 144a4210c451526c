// Server security: every route and method guarded, roles enforced, lockout, cookies, TLS, a tamper-evident audit log.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods } from '../common/contract/index.js';
import { Router } from '../core/api/router.js';
import { sql } from '../core/storage/sql.js';
import { withEngine } from '../../test/helpers/engine.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test/helpers/server.js';
import { createServer } from './server.js';
import { selfSignedTls } from './tls.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

async function request(method: string, url: string, cookie = ''): Promise<number> {
  const res = await fetch(`${t.server.url}${url.replace(/:(\w+)/g, 'x').replace('*', 'x')}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
    body: method === 'GET' ? undefined : '{}',
  });
  await res.arrayBuffer();
  return res.status;
}

describe('every route and RPC method is guarded', () => {
  it('lists the routes the server registered', () => {
    const urls = t.server.routes.map((r) => `${r.method} ${r.url}`);
    expect(urls).toContain('POST /api/rpc/:method');
    expect(urls).toContain('GET /api/ws');
  });

  it('gives every route a declared access; only the sign-in routes and the UI files are public', () => {
    expect(t.server.routes.filter((r) => r.access === undefined)).toEqual([]);
    const publicRoutes = t.server.routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
    expect(publicRoutes.sort()).toEqual(['GET /api/auth/status', 'POST /api/auth/login', 'POST /api/auth/logout', 'POST /api/auth/setup']);
  });

  it('refuses every non-public route without a session (401)', async () => {
    const guarded = t.server.routes.filter((r) => r.access !== 'public');
    expect(guarded.length).toBeGreaterThanOrEqual(2);
    for (const r of guarded) expect(await request(r.method, r.url), `${r.method} ${r.url}`).toBe(401);
    expect(await request('GET', '/api/rpc/system.info', 'porchlight_session=forged-token')).toBe(401);
  });

  it('refuses every RPC method without a session (401), and admin methods for a viewer (403)', async () => {
    const names = Router.methodNames();
    expect(names.length).toBe(Object.keys(methods).length);
    for (const name of names) {
      const anon = await t.rpc(name, {}, '');
      expect(anon.status, name).toBe(401);
      expect(anon.json.error?.code).toBe('unauthorized');
      const asViewer = await t.rpc(name, {}, t.viewerCookie);
      if (methods[name].role === 'admin') {
        expect(asViewer.status, name).toBe(403);
        expect(asViewer.json.error?.code).toBe('forbidden');
      } else {
        expect([200, 400, 404], name).toContain(asViewer.status);
      }
    }
  });

  it('sets the session cookie httpOnly and SameSite=Strict', async () => {
    const res = await fetch(`${t.server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^porchlight_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });

  it('refuses a second setup once an admin exists', async () => {
    const res = await fetch(`${t.server.url}/api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'intruder', password: 'long enough password', setupCode: 'ABCDE-FGHJK-MNPQR' }),
    });
    expect(res.status).toBe(403);
    expect(t.h.engine.accounts.list().map((u) => u.username)).not.toContain('intruder');
  });
});

describe('login lockout', () => {
  it('locks a login after ten wrong passwords; the right one then still waits; all are audited', async () => {
    await t.h.engine.accounts.create('carol', 'carols real password', 'viewer');
    const login = (password: string) =>
      fetch(`${t.server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'carol', password }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await login(`guess ${i}`)).status);
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(401));
    expect(statuses[9]).toBe(429);
    const right = await login('carols real password');
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(right.headers.get('set-cookie')).toBeNull();
    const body = (await right.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/Try again in \d+ minutes/);

    const entries = t.h.engine.audit.query({ actor: 'carol', action: 'auth.login', limit: 100 });
    expect(entries).toHaveLength(11);
    expect(entries.every((e) => !e.ok && e.origin === '127.0.0.1')).toBe(true);
  });
});

describe('audit log', () => {
  it('records settings changes with who and from where, and verifies intact', async () => {
    await t.rpc('settings.set', { section: 'general', value: { theme: 'dark' } });
    const [entry] = t.h.engine.audit.query({ action: 'settings.set', limit: 1 });
    expect(entry).toMatchObject({ actor: 'admin', target: 'general', origin: '127.0.0.1', ok: true });
    const verified = await t.rpc('audit.verify', {});
    expect(verified.json).toMatchObject({ ok: true, value: { ok: true } });
  });

  it('detects an edited row, and the CLI verify command says so with exit code 1', async () => {
    const h = await withEngine();
    try {
      for (let i = 0; i < 5; i++) h.engine.audit.record({ actor: 'admin', action: 'cameras.delete', target: `cam-${i}`, origin: '10.0.0.2', ok: true });
      expect(h.engine.audit.verify()).toMatchObject({ ok: true, entries: 5 });
      const cli = () =>
        spawnSync(process.execPath, ['--import', 'tsx', 'main/server/cli.ts', 'audit-verify', '--data', h.dataDir], { encoding: 'utf8', env: { ...process.env, PORCHLIGHT_LOG_LEVEL: 'error' } });
      expect(cli().status).toBe(0);

      h.engine.db.run(sql`UPDATE audit_log SET target = 'cam-other' WHERE id = 3`);
      expect(h.engine.audit.verify()).toMatchObject({ ok: false, brokenAt: 3 });
      const out = cli();
      expect(out.status).toBe(1);
      expect(out.stdout).toMatch(/TAMPERED: entry 3 was changed/);

      h.engine.db.run(sql`DELETE FROM audit_log WHERE id = 5`);
      h.engine.db.run(sql`UPDATE audit_log SET target = 'cam-2' WHERE id = 3`);
      expect(h.engine.audit.verify().problem).toMatch(/3 was changed|removed from the end/);
    } finally {
      await h.close();
    }
  });

  it('detects a removed row in the middle', async () => {
    const h = await withEngine();
    try {
      for (let i = 0; i < 4; i++) h.engine.audit.record({ actor: 'a', action: 'x', origin: 'o', ok: true });
      h.engine.db.run(sql`DELETE FROM audit_log WHERE id = 2`);
      expect(h.engine.audit.verify()).toMatchObject({ ok: false, brokenAt: 3, problem: 'entry 2 is missing' });
    } finally {
      await h.close();
    }
  });
});

describe('TLS', () => {
  it('refuses to listen beyond loopback without TLS', async () => {
    const h = await withEngine();
    try {
      await expect(createServer({ engine: h.engine, host: '0.0.0.0', port: 0 })).rejects.toThrow(/needs TLS/);
    } finally {
      await h.close();
    }
  });

  it('serves HTTPS with a self-signed certificate whose fingerprint is stable across restarts', async () => {
    const h = await withEngine();
    try {
      const tls = await selfSignedTls(h.dataDir, '127.0.0.1');
      expect(tls.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect((await selfSignedTls(h.dataDir, '127.0.0.1')).fingerprint256).toBe(tls.fingerprint256);
      const server = await createServer({ engine: h.engine, host: '127.0.0.1', port: 0, tls });
      expect(server.url).toMatch(/^https:/);
      const { Agent, request: httpsRequest } = await import('node:https');
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpsRequest(`${server.url}/api/auth/status`, { agent: new Agent({ ca: tls.cert }) }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      await server.close();
      const { statSync } = await import('node:fs');
      expect(statSync(join(h.dataDir, 'tls', 'key.pem')).mode & 0o777).toBe(0o600);
    } finally {
      await h.close();
    }
  });
});
