// `porchlight users` for viewer grants: create a viewer of some cameras with some permissions, change them, list them.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEngine } from '../../test/helpers/engine.js';

let h: Awaited<ReturnType<typeof withEngine>>;
beforeAll(async () => {
  h = await withEngine();
  for (const name of ['Front', 'Garage']) h.engine.cameras.upsert({ id: name.toLowerCase(), name, streams: [{ name: 'main', url: 'rtsp://127.0.0.1:9/x', roles: ['record'] }], enabled: false });
});
afterAll(() => h.close());

const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'main/server/cli.ts', 'users', ...args, '--data', h.dataDir], { encoding: 'utf8', input, env: { ...process.env, PORCHLIGHT_LOG_LEVEL: 'error' } });

describe('porchlight users: permissions and cameras', () => {
  it('creates a viewer of one camera, changes what they may do, and says plainly what is wrong', () => {
    const made = cli(['create', 'nina', '--role', 'viewer', '--permissions', 'live', '--cameras', 'front'], 'ninas long password\n');
    expect(made.stderr).toBe('');
    expect(made.stdout).toMatch(/created viewer nina\tlive\tfront/);
    expect(h.engine.accounts.byName('nina')).toMatchObject({ permissions: ['live'], cameras: ['front'] });
    expect(cli(['access', 'nina', '--permissions', 'live,recordings,unmask']).status).toBe(0);
    expect(h.engine.accounts.byName('nina')).toMatchObject({ permissions: ['live', 'recordings', 'unmask'], cameras: ['front'] });
    expect(cli(['access', 'nina', '--cameras', 'all']).stdout).toMatch(/nina\tviewer\tlive,recordings,unmask\tall cameras/);
    expect(cli(['list']).stdout).toMatch(/nina\tviewer\tlive,recordings,unmask\tall cameras/);
    const badPermission = cli(['access', 'nina', '--permissions', 'live,superpower']);
    expect(badPermission.status).not.toBe(0);
    expect(badPermission.stderr).toMatch(/permission \(one of live, recordings, export, unmask, or none\)/);
    const badCamera = cli(['access', 'nina', '--cameras', 'front,nowhere']);
    expect(badCamera.status).not.toBe(0);
    expect(badCamera.stderr).toMatch(/no camera with id "nowhere"/);
    // nothing changed by the refused calls
    expect(h.engine.accounts.byName('nina')).toMatchObject({ permissions: ['live', 'recordings', 'unmask'], cameras: null });
    expect(h.engine.audit.query({ actor: 'owner (command line)', action: 'users.setAccess', limit: 10 })).toHaveLength(2);
  }, 60_000);
});
