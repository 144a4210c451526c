// The HTTP transport: structured errors with the right status for bad input, and the server stays up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { RPC_BODY_LIMIT } from './server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const rpc = (method: string, body: string, headers: Record<string, string> = {}) => t.rpc(method, body, t.adminCookie, headers);

describe('POST /api/rpc/:method', () => {
  it('answers a good call', async () => {
    const { status, json } = await rpc('system.info', '{}');
    expect(status).toBe(200);
    expect(json).toMatchObject({ ok: true, value: { name: 'Porchlight', dataDir: t.h.dataDir } });
  });

  it.each([
    ['wrong types', 'cameras.upsert', JSON.stringify({ name: ['x'], streams: 'no' }), 400, 'invalid_input'],
    ['unknown method', 'cameras.nope', '{}', 404, 'unknown_method'],
    ['malformed JSON', 'cameras.list', '{"a":', 400, 'invalid_input'],
    ['prototype pollution', 'settings.set', '{"section":"storage","value":{"__proto__":{"isAdmin":true}}}', 400, 'invalid_input'],
    ['constructor pollution', 'settings.set', '{"section":"storage","value":{"constructor":{"prototype":{"x":1}}}}', 400, 'invalid_input'],
    ['missing camera', 'cameras.get', '{"id":"ghost"}', 404, 'not_found'],
  ])('%s → structured error', async (_name, method, body, status, code) => {
    const res = await rpc(method, body);
    expect(res.status).toBe(status);
    expect(res.json.ok).toBe(false);
    expect(res.json.error?.code).toBe(code);
    expect(res.json.error?.message.length).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('refuses an oversized body with 413 and stays up', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(RPC_BODY_LIMIT + 10), streams: [] });
    const res = await rpc('cameras.upsert', big);
    expect(res.status).toBe(413);
    expect(res.json.error?.code).toBe('too_large');
    expect((await rpc('system.info', '{}')).status).toBe(200);
  });

  it('refuses a call from another site', async () => {
    const res = await rpc('cameras.list', '{}', { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(res.json.error?.code).toBe('forbidden');
  });

  it('answers unknown routes with a structured 404', async () => {
    const res = await fetch(`${t.server.url}/api/nothing`, { headers: { cookie: t.adminCookie } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('WebSocket topics', () => {
  it('forwards the topics a client subscribed to', async () => {
    const ws = new WebSocket(`${t.server.url.replace('http', 'ws')}/api/ws`, { headers: { cookie: t.adminCookie } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const messages: unknown[] = [];
    const next = () => new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    let got = next();
    ws.send(JSON.stringify({ type: 'subscribe', topics: ['camera.changed', 'not.a.topic'] }));
    messages.push(await got);
    expect(messages[0]).toEqual({ type: 'subscribed', topics: ['camera.changed'] });
    got = next();
    t.h.engine.bus.publish('camera.changed', { id: 'front', deleted: false });
    expect(await got).toEqual({ topic: 'camera.changed', payload: { id: 'front', deleted: false } });
    ws.close();
  });
});
