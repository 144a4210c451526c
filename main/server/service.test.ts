// The shipped systemd user unit runs the real CLI with flags it knows, restarts on failure and stops with SIGTERM.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const unit = readFileSync('build/service/porchlight.service', 'utf8');
const value = (key: string): string | undefined => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];

describe('systemd user unit', () => {
  it('restarts the server when it fails and stops it gracefully', () => {
    expect(value('Restart')).toBe('on-failure');
    expect(value('KillSignal')).toBe('SIGTERM');
    expect(value('WantedBy')).toBe('default.target');
    expect(Number(value('TimeoutStopSec'))).toBeGreaterThanOrEqual(20);
  });

  it('starts `porchlight serve` with flags the CLI accepts, on loopback', () => {
    const exec = value('ExecStart')!;
    expect(exec).toMatch(/dist\/main\/server\/cli\.js serve /);
    const flags = [...exec.matchAll(/\s(--[a-z-]+)/g)].map((m) => m[1]!);
    expect(flags).toEqual(expect.arrayContaining(['--data', '--host', '--port']));
    const help = spawnSync(process.execPath, ['--import', 'tsx', 'main/server/cli.ts', 'serve', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const f of flags) expect(help.stdout, f).toContain(f);
    expect(exec).toMatch(/--host 127\.0\.0\.1/);
  });
});
