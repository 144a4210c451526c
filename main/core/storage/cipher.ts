// The database's encryption: SQLCipher 4 pages (AES-256-CBC, HMAC-SHA512 per page) under a 32-byte raw key.
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { sqliteBinding } from './native-binding.js';

export type SqliteConnection = Sqlite.Database;

/** What a plain SQLite file starts with; an encrypted one starts with its random salt instead. */
const PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export const KEY_BYTES = 32;

/** The database could not be read with the key given (or none was given): nothing was changed or created. */
export class DatabaseLockedError extends Error {
  readonly code = 'database_locked';
  constructor(
    readonly file: string,
    reason: 'no_key' | 'wrong_key',
  ) {
    super(
      reason === 'no_key'
        ? `The database ${file} is encrypted and no key was given: it stays locked. Porchlight opens it with the key from this data directory's secret (secret.key, or the OS keychain on the desktop).`
        : `The database ${file} is locked: the key does not open it (another data directory's key, or not a Porchlight database). It was left untouched.`,
    );
    this.name = 'DatabaseLockedError';
  }
}

export function checkKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new Error(`the database key must be a ${KEY_BYTES}-byte Buffer`);
}

/** A new connection to file (created when missing unless mustExist), with Electron's build of the module when in Electron. */
export function connect(file: string, opts: { mustExist?: boolean } = {}): SqliteConnection {
  const nativeBinding = sqliteBinding();
  return new Sqlite(file, { ...(nativeBinding ? { nativeBinding } : {}), fileMustExist: opts.mustExist ?? false });
}

/**
 * SQLCipher 4's format, so the standard `sqlcipher` tool opens the file with the same key for recovery; the key is raw
 * (`x'…'`): it is already 32 random bytes, so SQLCipher's passphrase stretching (256,000 PBKDF2 rounds per open) is skipped.
 */
function configure(conn: SqliteConnection): void {
  conn.pragma("cipher = 'sqlcipher'");
  conn.pragma('legacy = 4');
}

const rawKey = (key: Buffer): Buffer => Buffer.from(`x'${key.toString('hex')}'`, 'latin1');

/** Sets the key on a fresh connection; SQLite reads nothing until the first statement, see `assertReadable`. */
export function applyKey(conn: SqliteConnection, key: Buffer): void {
  checkKey(key);
  configure(conn);
  conn.key(rawKey(key));
}

/** Encrypts (key) or decrypts (null) the whole file in place; the connection must not be in WAL mode. */
export function rekey(conn: SqliteConnection, key: Buffer | null): void {
  configure(conn);
  conn.rekey(key ? rawKey(key) : Buffer.alloc(0));
}

/** Reads the schema, so a wrong or missing key fails here with "file is not a database" rather than later. */
export function assertReadable(conn: SqliteConnection, file: string, keyed: boolean): void {
  try {
    conn.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw new DatabaseLockedError(file, keyed ? 'wrong_key' : 'no_key');
    throw err;
  }
}

/** True for an existing, non-empty, unencrypted SQLite file. */
export function isPlainSqlite(file: string): boolean {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return false;
  }
  if (size < PLAIN_HEADER.length) return false;
  const head = Buffer.alloc(PLAIN_HEADER.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return head.equals(PLAIN_HEADER);
}
