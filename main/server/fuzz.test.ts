// Fuzz: 300 malformed inputs per RPC method over HTTP → structured errors, never a crash, memory stable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../core/api/router.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

/**
 * Inputs per method: 300 keeps the suite's run on a slow CI machine well under its limit (93 methods × 300 = 27,900
 * requests, about two minutes on a loaded 2-core machine; 500 took over three).
 */
const PER_METHOD = 300;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const KEYS = ['id', 'name', 'streams', 'section', 'value', 'url', 'cameras', 'labels', 'limit', 'cursor', 'username', 'password', 'role', '__proto__', 'constructor', 'prototype', 'toString', '', '\u0000', '😀'];

/** Builds one hostile JSON body (as text, so __proto__ keys and deep nesting survive). */
function hostileBody(rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const value = (depth: number): string => {
    const r = rand();
    if (r < 0.12) return JSON.stringify(pick(['', 'x', "'); DROP TABLE cameras;--", '$(rm -rf /)', '../../etc/passwd', 'rtsp://a:b@c/d', '\u0000\u202e', '<script>alert(1)</script>']));
    if (r < 0.2) return JSON.stringify('A'.repeat(Math.floor(rand() * 200_000)));
    if (r < 0.3) return pick(['0', '-1', '1e308', '-1e308', '3.14159', '9007199254740993', '1e-320']);
    if (r < 0.38) return pick(['true', 'false', 'null']);
    if (r < 0.5 || depth > 6) return '[]';
    if (r < 0.62) return `[${Array.from({ length: Math.floor(rand() * 5) }, () => value(depth + 1)).join(',')}]`;
    const n = Math.floor(rand() * 5);
    return `{${Array.from({ length: n }, () => `${JSON.stringify(pick(KEYS))}:${value(depth + 1)}`).join(',')}}`;
  };
  const r = rand();
  if (r < 0.05) return `${'['.repeat(5000)}${']'.repeat(5000)}`;
  if (r < 0.1) return `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`;
  if (r < 0.13) return '{"__proto__":{"polluted":true}}';
  if (r < 0.16) return '{"constructor":{"prototype":{"polluted":true}}}';
  if (r < 0.2) return pick(['', '{', 'nul', '"just a string"', '12', '[1,2', '{"a":1}}']);
  return value(0);
}

describe('RPC fuzz', () => {
  it('answers 300 hostile inputs per method with structured errors and stays up', async () => {
    const rand = rng(1234);
    const methods = Router.methodNames();
    const statuses = new Map<number, number>();
    const gc = (globalThis as { gc?: () => void }).gc;
    const heap = () => {
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    const heapSamples: number[] = [];
    for (const method of methods) {
      const bodies = Array.from({ length: PER_METHOD }, () => hostileBody(rand));
      // a few in flight at once, as a busy client would send them
      for (let i = 0; i < bodies.length; i += 20) {
        const results = await Promise.all(bodies.slice(i, i + 20).map((b) => t.rpc(method, b)));
        for (const r of results) {
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          expect(r.status, `${method}: 5xx`).toBeLessThan(500);
          if (!r.json.ok) {
            expect(typeof r.json.error?.code).toBe('string');
            expect(typeof r.json.error?.message).toBe('string');
          }
        }
      }
      heapSamples.push(heap());
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await t.rpc('system.info', {})).status).toBe(200);
    // memory: after warm-up, the heap must not keep growing from method to method (nothing retained per request)
    expect(gc, 'run with --expose-gc').toBeDefined();
    const warm = heapSamples[2]!;
    const last = heapSamples.at(-1)!;
    expect(last - warm).toBeLessThan(20 * 1024 * 1024);
    console.log(`fuzz: ${methods.length} methods × ${PER_METHOD}; statuses ${JSON.stringify(Object.fromEntries(statuses))}; heap after warm-up ${Math.round(warm / 1e6)} MB → ${Math.round(last / 1e6)} MB`);
  }, 300_000);
});
