// Opening an existing data directory from the command line: refused when it does not exist, never created by a tool.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { databaseKey, DB_FILE } from '../core/app.js';
import type { AesGcmBox } from '../core/secrets/index.js';
import { keyFileBox } from '../core/secrets/index.js';
import { Database } from '../core/storage/database.js';

export { DB_FILE };

export function requireDataDir(dir: string, opts: { create?: boolean } = {}): void {
  if (!existsSync(dir)) {
    if (opts.create) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return;
    }
    throw new Error(`there is no data directory ${dir}`);
  }
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
}

/**
 * Runs fn on an existing data directory's database and key. The server's key file is required; a desktop data
 * directory's key is sealed by the OS keychain and only the desktop app can open it.
 */
export interface OpenDataDir {
  db: Database;
  secrets: AesGcmBox;
  close(): void;
}

/** An existing data directory's database file and key. The server's key file is required; a desktop data directory's key is sealed by the OS keychain and only the desktop app can open it. */
export function dataDirKey(dir: string): { dbFile: string; secrets: AesGcmBox } {
  requireDataDir(dir);
  const dbFile = join(dir, DB_FILE);
  if (!existsSync(dbFile)) throw new Error(`${dir} holds no Porchlight database (${DB_FILE})`);
  if (!existsSync(join(dir, 'secret.key'))) {
    if (existsSync(join(dir, 'secret.key.enc'))) throw new Error("this is the desktop app's data: its key is kept by the OS keychain, so run this from the desktop app");
    throw new Error(`${dir} has no secret.key: without it nothing sealed with it can be read`);
  }
  return { dbFile, secrets: keyFileBox(dir) };
}

/** Opens an existing data directory's database (with the engine's key, as the engine does) and key. */
export function openDataDir(dir: string): OpenDataDir {
  const { dbFile, secrets } = dataDirKey(dir);
  const db = Database.open(dbFile, { key: databaseKey(secrets) });
  return { db, secrets, close: () => db.close() };
}

export function withDataDir<T>(dir: string, fn: (db: Database, secrets: AesGcmBox) => T): T {
  const d = openDataDir(dir);
  try {
    return fn(d.db, d.secrets);
  } finally {
    d.close();
  }
}
