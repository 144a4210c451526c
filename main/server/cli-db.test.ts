// `porchlight db` and the other tools on a real data directory: they open the database with its key, encrypt an old
// plain one, roll it back and confirm; with the wrong key they say "locked" and change nothing.
import BetterSqlite3 from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../test/helpers/tmp.js';
import { keyFileBox } from '../core/secrets/index.js';
import { isPlainSqlite } from '../core/storage/cipher.js';
import { Database } from '../core/storage/database.js';
import { sql } from '../core/storage/sql.js';
import { registerDbCommand } from './cli-db.js';
import { withDataDir } from './data-dir.js';

const tmp = makeTempDir('porchlight-clidb-');
afterAll(() => tmp.cleanup());
const dataDir = join(tmp.dir, 'data');
const dbFile = join(dataDir, 'porchlight.db');
const NAME = 'porch-owner-zed';

/** The real command, in a process of its own (as the owner runs it). */
const cli = (...args: string[]): { status: number | null; out: string } => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/server/cli.ts', ...args, '--data', dataDir], {
    encoding: 'utf8',
    env: { ...process.env, PORCHLIGHT_LOG_LEVEL: 'error' },
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
};

/** The same commands in this process (faster): what they print, or what they throw. */
async function db(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerDbCommand(program);
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  try {
    await program.parseAsync(['db', ...args, '--data', dataDir], { from: 'user' });
  } finally {
    write.mockRestore();
  }
  return out;
}

describe('porchlight db and users on a data directory an older Porchlight left plain', () => {
  it('users list encrypts it and reads it; rollback, encrypt and confirm move it between plain and encrypted; a wrong key is "locked"', async () => {
    mkdirSync(dataDir, { mode: 0o700 });
    keyFileBox(dataDir);
    const plain = Database.open(dbFile);
    plain.run(sql`INSERT INTO users (username, password_hash, role, created_at) VALUES (${NAME}, 'x', 'admin', 1)`);
    plain.close();

    const list = cli('users', 'list');
    expect(list.status, list.out).toBe(0);
    expect(list.out).toContain(NAME);
    expect(isPlainSqlite(dbFile)).toBe(false);
    expect(readFileSync(dbFile).includes(NAME)).toBe(false);
    expect(await db('status')).toMatch(/^encrypted; plain backup kept at .*porchlight\.db\.plain-backup/m);

    await db('rollback-encryption');
    expect(isPlainSqlite(dbFile)).toBe(true);
    const readable = new BetterSqlite3(dbFile, { readonly: true });
    expect(readable.prepare('SELECT username FROM users').pluck().all()).toContain(NAME);
    readable.close();
    expect(await db('status')).toMatch(/^plain; kept plain by a rollback/);

    await db('encrypt');
    expect(isPlainSqlite(dbFile)).toBe(false);
    await db('confirm-encryption');
    expect(existsSync(`${dbFile}.plain-backup`)).toBe(false);
    expect(withDataDir(dataDir, (d) => d.all(sql`SELECT username FROM users`))).toEqual([{ username: NAME }]);

    // another key in secret.key: the real command refuses, says why, and writes nothing
    const before = readFileSync(dbFile);
    writeFileSync(join(dataDir, 'secret.key'), randomBytes(32), { mode: 0o600 });
    const locked = cli('users', 'list');
    expect(locked.status).not.toBe(0);
    expect(locked.out).toMatch(/is locked: the key does not open it/);
    expect(readFileSync(dbFile).equals(before)).toBe(true);
    await expect(db('confirm-encryption')).rejects.toThrow(/nothing to confirm/);
  }, 300_000);
});
