// Accounts under attack and under concurrency: the setup code and race, the lockout race, revocation reaching sockets, the owner's CLI.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SESSION_IDLE_MS } from '../core/auth/users.js';
import { clientNetwork } from '../core/auth/limits.js';
import { sql } from '../core/storage/sql.js';
import { withEngine } from '../../test/helpers/engine.js';
import { cookieFrom, startTestServer, type TestServer } from '../../test/helpers/server.js';
import { createServer } from './server.js';
import { setupCodeMatches } from './setup-code.js';

const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('first run', () => {
  it('needs the setup code, and two parallel setups make exactly one admin', async () => {
    const h = await withEngine();
    const server = await createServer({ engine: h.engine, host: '127.0.0.1', port: 0 });
    try {
      const code = server.setupCode!;
      expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
      const status = (await (await fetch(`${server.url}/api/auth/status`)).json()) as { needsSetup: boolean };
      expect(status.needsSetup).toBe(true);
      // the first device to reach the page gets nothing without the code
      const wrong = await post(server.url, '/api/auth/setup', { username: 'early', password: 'a long enough password', setupCode: 'AAAAA-AAAAA-AAAAA' });
      expect(wrong.status).toBe(403);
      const missing = await post(server.url, '/api/auth/setup', { username: 'early', password: 'a long enough password' });
      expect(missing.status).toBe(400);
      expect(h.engine.accounts.count()).toBe(0);

      const results = await Promise.all(
        ['first', 'second', 'third', 'fourth'].map((name) => post(server.url, '/api/auth/setup', { username: name, password: 'a long enough password', setupCode: code.toLowerCase() })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 403, 403, 403]);
      expect(h.engine.accounts.list()).toHaveLength(1);
      expect(h.engine.accounts.list()[0]!.role).toBe('admin');
      expect(server.setupCode).toBeUndefined();
      // and never again, even with the old code
      const again = await post(server.url, '/api/auth/setup', { username: 'late', password: 'a long enough password', setupCode: code });
      expect(again.status).toBe(403);
    } finally {
      await server.close();
      await h.close();
    }
  });

  it('makes at most one first admin even when two processes race on the same database', async () => {
    const h = await withEngine();
    try {
      const a = h.engine.accounts.setup('one', 'a long enough password');
      const b = h.engine.accounts.setup('two', 'a long enough password');
      const settled = await Promise.allSettled([a, b]);
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
      expect(h.engine.accounts.count()).toBe(1);
      // the one-time row refuses a second setup even if the users table were emptied behind our back
      h.engine.db.run(sql`DELETE FROM users`);
      await expect(h.engine.accounts.setup('three', 'a long enough password')).rejects.toThrow(/already set up/);
    } finally {
      await h.close();
    }
  });

  it('accepts the code however it is typed, and nothing else', () => {
    expect(setupCodeMatches(' 7kq2m-xd9rt-a4hwn ', '7KQ2M-XD9RT-A4HWN')).toBe(true);
    expect(setupCodeMatches('7KQ2MXD9RTA4HWN', '7KQ2M-XD9RT-A4HWN')).toBe(true);
    expect(setupCodeMatches('7KQ2M-XD9RT-A4HWM', '7KQ2M-XD9RT-A4HWN')).toBe(false);
    expect(setupCodeMatches('', '7KQ2M-XD9RT-A4HWN')).toBe(false);
  });
});

describe('sign-in under concurrency', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  const login = (username: string, password: string) => post(t.server.url, '/api/auth/login', { username, password });

  it('40 parallel wrong passwords: no more than the limit are evaluated, the rest are refused unevaluated', async () => {
    await t.h.engine.accounts.create('dora', 'doras real password', 'viewer');
    const statuses = (await Promise.all(Array.from({ length: 40 }, (_, i) => login('dora', `guess number ${i}`)))).map((r) => r.status);
    const row = t.h.engine.db.get<{ failed_logins: number; locked_until: number }>(sql`SELECT failed_logins, locked_until FROM users WHERE username = 'dora'`)!;
    // every evaluated attempt was counted first: exactly the limit
    expect(row.failed_logins).toBe(10);
    expect(row.locked_until).toBeGreaterThan(Date.now());
    expect(statuses.filter((s) => s === 401)).toHaveLength(9);
    expect(statuses.filter((s) => s === 429)).toHaveLength(31);
    // the right password waits out the lock too
    expect((await login('dora', 'doras real password')).status).toBe(429);
  });

  it('answers an unknown name exactly as a real one: the same statuses, the same lock', async () => {
    const real = [];
    const ghost = [];
    await t.h.engine.accounts.create('emil', 'emils real password', 'viewer');
    for (let i = 0; i < 11; i++) {
      real.push((await login('emil', `wrong ${i}`)).status);
      ghost.push((await login('nobody-by-this-name', `wrong ${i}`)).status);
    }
    expect(ghost).toEqual(real);
    expect(real.slice(-2)).toEqual([429, 429]);
    const a = (await (await login('emil', 'x')).json()) as { error: { message: string } };
    const b = (await (await login('nobody-by-this-name', 'x')).json()) as { error: { message: string } };
    expect(a.error.message).toBe(b.error.message);
  });

  it('limits a client network as a whole: an IPv6 /64 is one client', async () => {
    expect(clientNetwork('2001:db8:1:2:aaaa::1')).toBe(clientNetwork('2001:db8:1:2:ffff:1:2:3'));
    expect(clientNetwork('2001:db8:1:3::1')).not.toBe(clientNetwork('2001:db8:1:2::1'));
    expect(clientNetwork('::ffff:192.0.2.7')).toBe('192.0.2.7');
    const h = await withEngine();
    const server = await createServer({ engine: h.engine, host: '127.0.0.1', port: 0, networkLimit: { maxFailures: 5, lockMs: 60_000, maxLockMs: 60_000 } });
    try {
      // five different accounts, one client: the sixth attempt is refused before any password is looked at
      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push((await post(server.url, '/api/auth/login', { username: `user${i}`, password: 'spray' })).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    } finally {
      await server.close();
      await h.close();
    }
  });

  it('rotates the session on sign-in: the cookie the browser brought stops working', async () => {
    await t.h.engine.accounts.create('fritz', 'fritzs real password', 'viewer');
    const first = cookieFrom(await login('fritz', 'fritzs real password'));
    const second = cookieFrom(await post(t.server.url, '/api/auth/login', { username: 'fritz', password: 'fritzs real password' }, { cookie: first }));
    expect(second).not.toBe(first);
    expect((await t.rpc('cameras.list', {}, first)).status).toBe(401);
    expect((await t.rpc('cameras.list', {}, second)).status).toBe(200);
  });

  it('ends a session that was idle too long', async () => {
    await t.h.engine.accounts.create('gina', 'ginas real password', 'viewer');
    const cookie = cookieFrom(await login('gina', 'ginas real password'));
    expect((await t.rpc('cameras.list', {}, cookie)).status).toBe(200);
    t.h.engine.db.run(sql`UPDATE sessions SET last_seen_at = ${Date.now() - SESSION_IDLE_MS - 1000}`);
    expect((await t.rpc('cameras.list', {}, cookie)).status).toBe(401);
  });
});

describe('revocation reaches open sockets', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  async function openSocket(cookie: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
    const ws = new WebSocket(`${t.server.url.replace('http', 'ws')}/api/ws`, { headers: { cookie } });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return { ws, closed };
  }

  async function viewerSession(name: string): Promise<{ id: number; cookie: string }> {
    const u = await t.h.engine.accounts.create(name, `${name} real password`, 'viewer');
    const cookie = cookieFrom(await post(t.server.url, '/api/auth/login', { username: name, password: `${name} real password` }));
    return { id: u.id, cookie };
  }

  it.each([
    ['deleting the user', (id: number) => t.rpc('users.delete', { id })],
    ['changing the password', (id: number) => t.rpc('users.setPassword', { id, password: 'a brand new password' })],
    ['changing the role', (id: number) => t.rpc('users.setRole', { id, role: 'admin' })],
  ])('%s closes that user’s socket before the call returns, and only theirs', async (_what, change) => {
    const victim = await viewerSession(`v${Math.random().toString(36).slice(2, 8)}`);
    const other = await viewerSession(`o${Math.random().toString(36).slice(2, 8)}`);
    const a = await openSocket(victim.cookie);
    const b = await openSocket(other.cookie);
    const res = await change(victim.id);
    expect(res.status).toBe(200);
    // closed by the server as part of the change: the close frame is already on its way
    expect(await a.closed).toBe(4401);
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    b.ws.close();
  });

  it('logging out closes the sockets of that session', async () => {
    const v = await viewerSession('logout-user');
    const s = await openSocket(v.cookie);
    await post(t.server.url, '/api/auth/logout', {}, { cookie: v.cookie });
    expect(await s.closed).toBe(4401);
    expect(t.server.sockets.size).toBe(0);
  });
});

describe('porchlight users (the owner at the machine)', () => {
  const cli = (args: string[], input?: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'main/server/cli.ts', 'users', ...args], { encoding: 'utf8', input, env: { ...process.env, PORCHLIGHT_LOG_LEVEL: 'error' } });

  it('creates an admin, resets a password, unlocks an account, and refuses a data folder that does not exist', async () => {
    const h = await withEngine();
    try {
      await h.engine.accounts.create('hana', 'hanas old password', 'viewer');
      h.engine.db.run(sql`UPDATE users SET failed_logins = 10, locked_until = ${Date.now() + 3600_000} WHERE username = 'hana'`);
      const created = cli(['create', 'rescue', '--role', 'admin', '--data', h.dataDir], 'a rescue password\n');
      expect(created.stderr).toBe('');
      expect(created.status).toBe(0);
      expect(created.stdout).toMatch(/created admin rescue/);
      expect(cli(['unlock', 'hana', '--data', h.dataDir]).status).toBe(0);
      expect((await h.engine.accounts.login('hana', 'hanas old password')).ok).toBe(true);
      expect(cli(['reset-password', 'hana', '--data', h.dataDir], 'hanas new password\n').status).toBe(0);
      expect((await h.engine.accounts.login('hana', 'hanas new password')).ok).toBe(true);
      expect((await h.engine.accounts.login('rescue', 'a rescue password')).ok).toBe(true);
      expect(cli(['list', '--data', h.dataDir]).stdout).toMatch(/rescue\tadmin/);
      const short = cli(['create', 'x', '--data', h.dataDir], 'short\n');
      expect(short.status).not.toBe(0);
      expect(short.stderr).toMatch(/at least 10 characters/);
      const none = cli(['list', '--data', `${h.dataDir}-does-not-exist`]);
      expect(none.status).not.toBe(0);
      expect(none.stderr).toMatch(/no data directory/);
      // the changes are in the audit log, which still verifies
      expect(h.engine.audit.query({ actor: 'owner (command line)', limit: 10 }).map((e) => e.action).sort()).toEqual(['users.create', 'users.setPassword', 'users.unlock']);
      expect(h.engine.audit.verify().ok).toBe(true);
    } finally {
      await h.close();
    }
  });
});
