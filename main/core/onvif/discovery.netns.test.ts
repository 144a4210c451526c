// Real WS-Discovery multicast, confined to a network namespace this test creates and deletes (needs root and iproute2).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveredDevice } from './discovery.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../../test/fixtures/onvif-netns-discovery.ts', import.meta.url));

function netnsAvailable(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return 'iproute2 (ip netns) not available';
  }
  return undefined;
}

const unavailable = netnsAvailable();
if (unavailable) console.warn(`onvif multicast discovery test skipped: ${unavailable}`);

// On CI every prerequisite is installed by .ci/run, so a missing one must fail there, never skip.
describe.skipIf(unavailable !== undefined && !process.env.CI)('onvif discovery by multicast inside a private network namespace', () => {
  const ns = `porchlight-onvif-${process.pid}-${randomBytes(3).toString('hex')}`;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    // the namespace has only loopback: route the multicast range there so the probe never leaves it
    execFileSync('ip', ['-n', ns, 'route', 'add', '239.0.0.0/8', 'dev', 'lo']);
  });

  afterAll(() => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    execFileSync('ip', ['netns', 'del', ns]);
  });

  it('finds the mock camera with a multicast Probe to 239.255.255.250:3702', async () => {
    const proc = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', SCRIPT, '1200'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let out = '';
    let err = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      // a guard, not a sleep: the child ends by itself after its discovery window
      const guard = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      proc.on('exit', (c) => {
        clearTimeout(guard);
        resolve(c);
      });
    });
    expect(code, err).toBe(0);
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { xaddr: string; probes: number; found: DiscoveredDevice[] };
    expect(result.probes).toBeGreaterThanOrEqual(1);
    expect(result.found).toHaveLength(1);
    expect(result.found[0]).toMatchObject({ xaddr: result.xaddr, name: 'Netns Cam', hardware: 'MockCam1' });
  });
});
