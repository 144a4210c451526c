// The database encrypted at rest, on real SQLite files: new and migrated databases, wrong keys, interruptions, rollback.
import BetterSqlite3 from 'better-sqlite3';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEngine } from '../../../test/helpers/engine.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { DatabaseLockedError, isPlainSqlite } from './cipher.js';
import { Database } from './database.js';
import { allowEncryption, backupPath, confirmEncryption, encryptionStatus, keepPlainPath, rollbackEncryption } from './encryption.js';
import { sql } from './sql.js';

const CAMERA = 'Gazebo-Backyard-Cam';
const LABEL = 'zz-label-motorbike-courier';
const EVENTS = 3000;

const tmp = makeTempDir('porchlight-dbcrypt-');
afterAll(() => tmp.cleanup());
const key = randomBytes(32);
let n = 0;
const fresh = (): string => join(tmp.dir, `db-${++n}`, 'porchlight.db');

/** A plain database as an older Porchlight left it: a camera, events and a WAL with the last writes not yet folded in. */
function seedPlain(file: string, events = EVENTS): void {
  const db = Database.open(file);
  db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES ('cam', ${CAMERA}, 1, 1)`);
  db.run(sql`INSERT INTO camera_streams (camera_id, name, url, roles) VALUES ('cam', 'main', 'rtsp://127.0.0.1:1/none', '["record","detect"]')`);
  const insert = db.raw.prepare("INSERT INTO events (id, camera_id, label, start, end, top_score, box, zones, snapshot) VALUES (?, 'cam', ?, ?, ?, 0.9, '[0,0,1,1]', '[]', ?)");
  db.transaction(() => {
    for (let i = 0; i < events; i++) insert.run(`ev-${i}`, LABEL, 1_700_000_000_000 + i * 1000, 1_700_000_000_000 + i * 1000 + 500, `snapshots/${CAMERA}-${i}.jpg`);
  });
  db.close();
}

const bytesOf = (file: string): Buffer => Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const count = (db: Database): number => db.get<{ n: number }>(sql`SELECT count(*) AS n FROM events`)?.n ?? -1;

function expectNotADatabase(file: string): void {
  // plain better-sqlite3, and the fork given no key: both see noise
  expect(() => new BetterSqlite3(file).prepare('SELECT * FROM sqlite_master').all()).toThrow(/file is not a database/);
  expect(() => new Sqlite(file).prepare('SELECT * FROM sqlite_master').all()).toThrow(/file is not a database/);
}

describe('a new database with a key', () => {
  it('is encrypted from the first write: no plain header, none of its strings in the file or the WAL, unreadable without the key', () => {
    const file = fresh();
    const db = Database.open(file, { key });
    db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES ('cam', ${CAMERA}, 1, 1)`);
    db.run(sql`INSERT INTO events (id, camera_id, label, start, top_score, box, zones) VALUES ('e1', 'cam', ${LABEL}, 1, 0.9, '[0,0,1,1]', '[]')`);
    // while open, the latest pages sit in the WAL: it is encrypted too
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(bytesOf(file).includes(CAMERA)).toBe(false);
    expect(bytesOf(file).includes(LABEL)).toBe(false);
    db.close();
    expect(isPlainSqlite(file)).toBe(false);
    expect(readFileSync(file).includes(CAMERA)).toBe(false);
    expectNotADatabase(file);
    const again = Database.open(file, { key });
    expect(again.get(sql`SELECT name FROM cameras`)).toEqual({ name: CAMERA });
    expect(again.integrityCheck()).toBe('ok');
    expect(again.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    again.close();
  });

  it('refuses a wrong key or no key with a clear "locked" error, and leaves the file byte for byte as it was', () => {
    const file = fresh();
    Database.open(file, { key }).close();
    const before = sha(file);
    let err: unknown;
    try {
      Database.open(file, { key: randomBytes(32) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatabaseLockedError);
    expect((err as Error).message).toMatch(/is locked: the key does not open it.*left untouched/);
    expect(() => Database.open(file)).toThrow(/is encrypted and no key was given: it stays locked/);
    expect(() => Database.open(file, { key: Buffer.alloc(16) })).toThrow(/32-byte/);
    expect(sha(file)).toBe(before);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(count(Database.open(file, { key }))).toBe(0);
  });
});

describe('an existing plain database', () => {
  let file = '';
  beforeAll(() => {
    file = fresh();
    seedPlain(file);
    expect(readFileSync(file).includes(CAMERA)).toBe(true);
  });

  it('is encrypted when opened with a key: every row there, the plain original kept as the backup until confirmed', () => {
    const db = Database.open(file, { key });
    expect(count(db)).toBe(EVENTS);
    expect(db.get(sql`SELECT name FROM cameras WHERE id = 'cam'`)).toEqual({ name: CAMERA });
    expect(db.get(sql`SELECT snapshot FROM events WHERE id = 'ev-2999'`)).toEqual({ snapshot: `snapshots/${CAMERA}-2999.jpg` });
    expect(db.integrityCheck()).toBe('ok');
    db.close();
    expect(readFileSync(file).includes(CAMERA)).toBe(false);
    expect(readFileSync(file).includes(LABEL)).toBe(false);
    expectNotADatabase(file);
    expect(encryptionStatus(file)).toEqual({ encrypted: true, plainBackup: backupPath(file), keepPlain: false });
    const backup = new BetterSqlite3(backupPath(file), { readonly: true });
    expect(backup.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: EVENTS });
    backup.close();
  });

  it('rolls back to plain with everything written since, and stays plain until encryption is allowed again', () => {
    const db = Database.open(file, { key });
    db.run(sql`INSERT INTO events (id, camera_id, label, start, top_score, box, zones) VALUES ('after', 'cam', ${LABEL}, 9, 0.9, '[0,0,1,1]', '[]')`);
    db.close();
    rollbackEncryption(file, key);
    expect(isPlainSqlite(file)).toBe(true);
    expect(existsSync(backupPath(file))).toBe(false);
    const plain = new BetterSqlite3(file, { readonly: true });
    expect(plain.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: EVENTS + 1 });
    expect(plain.pragma('integrity_check', { simple: true })).toBe('ok');
    plain.close();
    // the engine opens it with its key as always, and leaves it plain
    const again = Database.open(file, { key });
    expect(count(again)).toBe(EVENTS + 1);
    again.close();
    expect(isPlainSqlite(file)).toBe(true);
  });

  it('is encrypted again once allowed, and confirming deletes the plain backup', () => {
    expect(existsSync(keepPlainPath(file))).toBe(true);
    // what `porchlight db encrypt` does
    allowEncryption(file);
    Database.open(file, { key }).close();
    expect(isPlainSqlite(file)).toBe(false);
    expect(() => confirmEncryption(file, randomBytes(32))).toThrow(DatabaseLockedError);
    expect(existsSync(backupPath(file))).toBe(true);
    confirmEncryption(file, key);
    expect(existsSync(backupPath(file))).toBe(false);
    expect(count(Database.open(file, { key }))).toBe(EVENTS + 1);
    expect(() => confirmEncryption(file, key)).toThrow(/nothing to confirm/);
    // a rollback with the wrong key is refused before anything is written
    expect(() => rollbackEncryption(file, randomBytes(32))).toThrow(DatabaseLockedError);
    expect(existsSync(keepPlainPath(file))).toBe(false);
    expect(isPlainSqlite(file)).toBe(false);
  });
});

describe('an interrupted encryption', () => {
  it('leaves the plain database whole when killed mid-way; the next open starts again and loses nothing', async () => {
    const file = fresh();
    seedPlain(file, 60_000);
    const before = sha(file);
    // a separate process encrypts; it is killed (by pid) as soon as its work file appears
    const script = `import { encryptPlainDatabase } from './main/core/storage/encryption.ts';
      encryptPlainDatabase(${JSON.stringify(file)}, Buffer.from(${JSON.stringify(key.toString('hex'))}, 'hex'));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    const work = `${file}.converting`;
    for (let i = 0; i < 3000 && !existsSync(work) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 5));
    if (child.pid) process.kill(child.pid, 'SIGKILL');
    await exited;
    expect(child.signalCode).toBe('SIGKILL');
    expect(existsSync(work)).toBe(true);
    // killed before the rename: the database is the plain original, untouched
    expect(isPlainSqlite(file)).toBe(true);
    expect(sha(file)).toBe(before);

    const db = Database.open(file, { key });
    expect(count(db)).toBe(60_000);
    db.close();
    expect(isPlainSqlite(file)).toBe(false);
    expect(existsSync(work)).toBe(false);
    expect(readFileSync(file).includes(CAMERA)).toBe(false);
  }, 60_000);

  it('recovers from a crash between keeping the backup and the rename (a partial work file and a second name)', () => {
    const file = fresh();
    seedPlain(file, 500);
    writeFileSync(`${file}.converting`, randomBytes(4096));
    linkSync(file, backupPath(file));
    const db = Database.open(file, { key });
    expect(count(db)).toBe(500);
    db.close();
    expect(isPlainSqlite(file)).toBe(false);
    expect(isPlainSqlite(backupPath(file))).toBe(true);
    expect(statSync(backupPath(file)).ino).not.toBe(statSync(file).ino);
  });

  it('puts a missing database back from its backup rather than creating an empty one', () => {
    const file = fresh();
    seedPlain(file, 200);
    Database.open(file, { key }).close();
    // the encrypted file lost (say, a bad manual restore): the kept plain original comes back, and is encrypted again
    rmSync(file);
    const db = Database.open(file, { key });
    expect(count(db)).toBe(200);
    db.close();
  });
});

describe('the engine on a data directory', () => {
  it('encrypts an older plain install at start and keeps working across a restart; without its key file it is locked and makes no new key', async () => {
    const dir = join(tmp.dir, 'engine');
    const file = join(dir, 'porchlight.db');
    seedPlain(file, 200);
    const first = await withEngine({ dataDir: dir });
    expect(first.engine.events.query({ limit: 500 }).items).toHaveLength(200);
    await first.engine.stop();
    expect(isPlainSqlite(file)).toBe(false);
    expect(readFileSync(file).includes(CAMERA)).toBe(false);
    expectNotADatabase(file);

    const second = await withEngine({ dataDir: dir });
    expect(second.engine.cameras.get('cam')?.name).toBe(CAMERA);
    await second.engine.stop();

    const keyFile = join(dir, 'secret.key');
    const saved = readFileSync(keyFile);
    rmSync(keyFile);
    const before = sha(file);
    await expect(withEngine({ dataDir: dir })).rejects.toThrow(DatabaseLockedError);
    expect(existsSync(keyFile)).toBe(false);
    expect(sha(file)).toBe(before);
    writeFileSync(keyFile, saved, { mode: 0o600 });
    const back = await withEngine({ dataDir: dir });
    expect(back.engine.events.query({ limit: 500 }).items).toHaveLength(200);
    await back.engine.stop();
  }, 60_000);
});
