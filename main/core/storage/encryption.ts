// Moving an existing database between plain and encrypted: a verified copy beside it, fsync, then one atomic rename.
// The database file is therefore always whole (the old one or the new one); an interrupted run leaves only a work file,
// which the next run deletes and starts again. Encrypting keeps the plain original as <db>.plain-backup until confirmed.
import { closeSync, existsSync, fsyncSync, linkSync, copyFileSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger } from '../log/index.js';
import { applyKey, assertReadable, connect, isPlainSqlite, rekey, type SqliteConnection } from './cipher.js';

const log = createLogger('storage');

export const backupPath = (file: string): string => `${file}.plain-backup`;
/** Present after a rollback: the owner chose a plain database, so opening it with a key does not encrypt it again. */
export const keepPlainPath = (file: string): string => `${file}.keep-plain`;
const workPath = (file: string): string => `${file}.converting`;

export interface EncryptionStatus {
  /** The database file exists and is not plain SQLite. */
  encrypted: boolean;
  /** The plain original kept after encrypting, until `confirmEncryption`. */
  plainBackup: string | null;
  keepPlain: boolean;
}

export function encryptionStatus(file: string): EncryptionStatus {
  return {
    encrypted: existsSync(file) && statSync(file).size > 0 && !isPlainSqlite(file),
    plainBackup: existsSync(backupPath(file)) ? backupPath(file) : null,
    keepPlain: existsSync(keepPlainPath(file)),
  };
}

function removeWithSidecars(file: string): void {
  for (const f of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Renames are durable only once the folder is synced; some systems (Windows) cannot open a folder, and need not. */
function fsyncDir(dir: string): void {
  try {
    fsyncPath(dir);
  } catch {
    /* best effort where directories cannot be opened */
  }
}

/**
 * Tidies what an interrupted encrypt or rollback left: the half-written work file goes, and a plain backup that is only
 * a second name for the (still plain) database itself goes. A database file that is missing while its backup exists is
 * put back from the backup, so a new empty database never takes its place.
 */
export function recoverInterrupted(file: string): void {
  const work = workPath(file);
  if (existsSync(work)) {
    log.warn({ file }, 'an earlier encryption or rollback was interrupted; its unfinished copy is removed and the database was never touched');
    removeWithSidecars(work);
  }
  const backup = backupPath(file);
  if (!existsSync(backup)) return;
  if (!existsSync(file)) {
    log.warn({ file, backup }, 'the database file is missing but its plain backup is there: restoring the backup');
    renameSync(backup, file);
    fsyncDir(dirname(file));
    return;
  }
  if (isPlainSqlite(file)) {
    const same = statSync(file).ino === statSync(backup).ino;
    // a backup beside a plain database is the leftover of an encryption that did not finish: the database is the live copy
    if (same) rmSync(backup);
    else renameSync(backup, `${backup}-${Date.now()}`);
  }
}

interface Census {
  userVersion: number;
  rows: Record<string, number>;
}

/** What must survive the conversion: the schema version and every table's row count. */
function census(conn: SqliteConnection): Census {
  const tables = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  const rows: Record<string, number> = {};
  for (const t of tables) rows[t] = conn.prepare(`SELECT count(*) FROM "${t.replace(/"/g, '""')}"`).pluck().get() as number;
  return { userVersion: conn.pragma('user_version', { simple: true }) as number, rows };
}

function sameCensus(a: Census, b: Census): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

interface ConvertOptions {
  /** The database's key now (null: it is plain). */
  from: Buffer | null;
  /** The key it is to have (null: plain). */
  to: Buffer | null;
  /** Runs after the verified copy is on disk, just before it replaces the database (the encrypt keeps the backup here, the rollback its choice). */
  beforeSwap?: () => void;
}

function open(file: string, key: Buffer | null): SqliteConnection {
  const conn = connect(file, { mustExist: true });
  try {
    if (key) applyKey(conn, key);
    assertReadable(conn, file, !!key);
  } catch (err) {
    conn.close();
    throw err;
  }
  return conn;
}

function convert(file: string, opts: ConvertOptions): { ms: number; bytes: number } {
  const t0 = performance.now();
  const work = workPath(file);
  removeWithSidecars(work);
  // 1. a consistent copy by SQLite itself (WAL folded in, free pages dropped), keyed as the source is
  const src = open(file, opts.from);
  let before: Census;
  try {
    const cp = src.pragma('wal_checkpoint(TRUNCATE)', { simple: false }) as Array<{ busy: number }>;
    if (cp[0]?.busy) throw new Error(`the database ${file} is in use by another process: stop it, then try again`);
    before = census(src);
    const version = src.pragma('data_version', { simple: true });
    src.exec(`VACUUM INTO '${work.replace(/'/g, "''")}'`);
    if (src.pragma('data_version', { simple: true }) !== version) throw new Error(`the database ${file} changed during the copy (another process writes to it): stop it, then try again`);
  } catch (err) {
    removeWithSidecars(work);
    throw err;
  } finally {
    src.close();
  }
  const stamp = statSync(file);
  log.info({ file, mb: Math.round(stamp.size / 1e5) / 10, tables: Object.keys(before.rows).length }, 'database copied; re-keying the copy');
  try {
    // 2. the copy re-keyed in place (rollback journal: SQLite cannot re-key a WAL database)
    const w = open(work, opts.from);
    try {
      w.pragma('journal_mode = DELETE');
      rekey(w, opts.to);
    } finally {
      w.close();
    }
    // 3. read back with the new key: intact, and everything there
    const v = open(work, opts.to);
    try {
      const check = String(v.pragma('quick_check', { simple: true }));
      if (check !== 'ok') throw new Error(`the converted copy failed its check (${check}); the database was left as it was`);
      const after = census(v);
      if (!sameCensus(before, after)) throw new Error('the converted copy does not hold the same rows; the database was left as it was');
    } finally {
      v.close();
    }
    fsyncPath(work);
    const now = statSync(file);
    if (now.size !== stamp.size || now.mtimeMs !== stamp.mtimeMs || existsSync(`${file}-wal`)) {
      throw new Error(`the database ${file} was opened by another process during the conversion: stop it, then try again`);
    }
    opts.beforeSwap?.();
    // 4. the one step that changes the database: an atomic rename over it
    renameSync(work, file);
    fsyncDir(dirname(file));
    rmSync(`${file}-shm`, { force: true });
  } catch (err) {
    removeWithSidecars(work);
    throw err;
  }
  return { ms: Math.round(performance.now() - t0), bytes: statSync(file).size };
}

/** A second name (or, where links are not allowed, a synced copy) for the plain database, kept for a rollback. */
function keepBackup(file: string): void {
  const backup = backupPath(file);
  try {
    linkSync(file, backup);
  } catch {
    copyFileSync(file, backup);
    fsyncPath(backup);
  }
  fsyncDir(dirname(file));
}

/** Encrypts an existing plain database with key, keeping the plain original as <db>.plain-backup until confirmed. */
export function encryptPlainDatabase(file: string, key: Buffer): void {
  recoverInterrupted(file);
  if (!isPlainSqlite(file)) throw new Error(`${file} is not a plain SQLite database`);
  log.info({ file }, 'encrypting the database (a verified copy first; the original is kept until confirmed)');
  const r = convert(file, { from: null, to: key, beforeSwap: () => keepBackup(file) });
  log.info({ file, ms: r.ms, backup: backupPath(file) }, 'database encrypted; the plain original stays as the backup until `porchlight db confirm-encryption`');
}

/** Deletes the plain backup once the encrypted database has been seen to work (its blocks may survive on disk). */
export function confirmEncryption(file: string, key: Buffer): void {
  const backup = backupPath(file);
  if (!existsSync(backup)) throw new Error(`there is no plain backup to delete (${backup}): nothing to confirm`);
  if (isPlainSqlite(file)) throw new Error(`${file} is not encrypted yet: nothing to confirm`);
  open(file, key).close();
  rmSync(backup);
  fsyncDir(dirname(file));
  log.info({ file }, 'database encryption confirmed; the plain backup was deleted');
}

/**
 * Back to a plain database: the current encrypted one decrypted (so nothing written since the encryption is lost),
 * swapped in atomically, the old backup deleted, and <db>.keep-plain written so the next start leaves it plain.
 */
export function rollbackEncryption(file: string, key: Buffer): void {
  recoverInterrupted(file);
  if (isPlainSqlite(file)) throw new Error(`${file} is already a plain database: nothing to roll back`);
  log.info({ file }, 'decrypting the database (rollback)');
  // the choice is written before the plain file takes the database's place, so no start in between encrypts it again
  const keepPlain = (): void => writeFileSync(keepPlainPath(file), 'The owner rolled back the database encryption; delete this file (or run `porchlight db encrypt`) to encrypt it again.\n');
  const r = convert(file, { from: key, to: null, beforeSwap: keepPlain });
  rmSync(backupPath(file), { force: true });
  fsyncDir(dirname(file));
  log.info({ file, ms: r.ms }, 'database decrypted; it stays plain until `porchlight db encrypt`');
}

/** Bytes of the database with its write-ahead log (what a converted copy needs at most). */
export function databaseBytes(file: string): number {
  let n = 0;
  for (const f of [file, `${file}-wal`]) n += existsSync(f) ? statSync(f).size : 0;
  return n;
}

/** Undoes a rollback's choice: the next open with a key encrypts the database again. */
export function allowEncryption(file: string): void {
  rmSync(keepPlainPath(file), { force: true });
}
