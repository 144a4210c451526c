// Viewer grants in the database: what existing viewers keep after the upgrade, and how a grant is changed and ended.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canLiftMasks, DEFAULT_VIEWER_PERMISSIONS } from '../../common/contract/index.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { Database } from '../storage/database.js';
import { MIGRATIONS } from '../storage/migrations/index.js';
import { Accounts } from './users.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe('viewer grants', () => {
  it('keeps what viewers of an older install could do: live, recordings and export, on every camera, masks on', () => {
    const file = join(tmp.dir, 'old.db');
    const old = Database.open(file, { migrations: MIGRATIONS.slice(0, 14) });
    old.raw.prepare("INSERT INTO users (username, password_hash, role, created_at) VALUES ('olduser', 'x', 'viewer', 1), ('boss', 'x', 'admin', 1)").run();
    old.close();
    const db = Database.open(file);
    const accounts = new Accounts(db);
    const viewer = accounts.byName('olduser')!;
    expect(viewer).toMatchObject({ role: 'viewer', permissions: [...DEFAULT_VIEWER_PERMISSIONS], cameras: null });
    expect(canLiftMasks(viewer, 'any-camera')).toBe(false);
    expect(accounts.byName('boss')).toMatchObject({ role: 'admin', permissions: ['live', 'recordings', 'export', 'unmask'], cameras: null });
    db.close();
  });

  it('sets a grant at once (open sockets told), refuses unknown cameras and admins, and forgets a deleted camera', async () => {
    const db = Database.open(join(tmp.dir, 'grants.db'));
    const accounts = new Accounts(db);
    for (const id of ['a', 'b']) db.raw.prepare('INSERT INTO cameras (id, name, created_at, updated_at) VALUES (?, ?, 0, 0)').run(id, id);
    const user = await accounts.create('limited', 'a long password', 'viewer', { permissions: ['live', 'unmask'], cameras: ['b', 'a'] });
    expect(user).toMatchObject({ permissions: ['live', 'unmask'], cameras: ['a', 'b'] });
    expect(canLiftMasks(user, 'a')).toBe(true);
    expect(canLiftMasks(user, 'c')).toBe(false);
    const revoked: string[] = [];
    accounts.onRevoke((r) => revoked.push(r.reason));
    expect(accounts.setAccess(user.id, { permissions: ['recordings'], cameras: ['a'] })).toMatchObject({ permissions: ['recordings'], cameras: ['a'] });
    expect(revoked).toEqual(['access']);
    // nothing half-written when one camera is unknown
    expect(() => accounts.setAccess(user.id, { permissions: ['live'], cameras: ['a', 'nope'] })).toThrow(/no camera with id "nope"/);
    expect(accounts.get(user.id)).toMatchObject({ permissions: ['recordings'], cameras: ['a'] });
    const admin = await accounts.create('boss', 'a long password', 'admin');
    expect(() => accounts.setAccess(admin.id, { permissions: [], cameras: [] })).toThrow(/admin may do everything/);
    // a camera made later with the deleted one's id is not granted by the old line
    db.raw.prepare("DELETE FROM cameras WHERE id = 'a'").run();
    expect(accounts.get(user.id)?.cameras).toEqual([]);
    // an unknown permission in the row (edited, or a newer version's) grants nothing
    db.raw.prepare('UPDATE users SET permissions = ? WHERE id = ?').run('["recordings","superpower"]', user.id);
    expect(accounts.get(user.id)?.permissions).toEqual(['recordings']);
    db.close();
  });
});
