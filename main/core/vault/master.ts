// Where the master key lives: a 0600 key file (server default), a passphrase (scrypt), or the OS keychain (desktop).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { KEY_BYTES, passphraseKey } from './keys.js';

export interface MasterSource {
  kind: 'keyfile' | 'passphrase' | 'keychain';
  /** Makes the master key for a new vault (and stores it where this source keeps it). */
  create(salt: Buffer | null): Promise<Buffer>;
  /** The master key of an existing vault, or null when it is not available now (then the vault is locked). */
  load(salt: Buffer | null): Promise<Buffer | null>;
  /** Stores a new master key after a rotation (the database already holds the new wrapping). */
  replace(next: Buffer): Promise<void>;
  /** The locked banner's words when load finds nothing. */
  missing: string;
}

/**
 * A key file of 32 random bytes, readable by its owner only. Keep it off the disk the recordings are on (a USB key,
 * a tmpfs filled at boot) and a copied disk is useless; beside them it protects against nothing but a copied folder.
 */
export function keyFileSource(file: string): MasterSource {
  const read = (): Buffer | null => {
    if (!existsSync(file)) return null;
    // a key someone else can read protects nothing: tighten it rather than refuse to start
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    const key = readFileSync(file);
    if (key.length !== KEY_BYTES) throw new Error(`the vault key file ${file} is not a Porchlight key (${key.length} bytes)`);
    return key;
  };
  const write = (key: Buffer, flag: 'wx' | 'w'): void => {
    const tmp = `${file}.new`;
    writeFileSync(tmp, key, { mode: 0o600, flag });
    renameSync(tmp, file);
  };
  return {
    kind: 'keyfile',
    missing: `The vault is locked: its key file ${file} is missing. Put it back (recording resumes by itself) or start with --vault-key pointing at it.`,
    create: () => {
      const existing = read();
      if (existing) return Promise.resolve(existing);
      const key = randomBytes(KEY_BYTES);
      write(key, 'wx');
      return Promise.resolve(key);
    },
    load: () => Promise.resolve(read()),
    replace: (next) => {
      write(next, 'w');
      return Promise.resolve();
    },
  };
}

/** A passphrase given at start (or later with vault.unlock); nothing of it is stored but the scrypt salt. */
export function passphraseSource(passphrase: string | undefined): MasterSource {
  let current = passphrase;
  return {
    kind: 'passphrase',
    missing: 'The vault is locked: enter its passphrase to resume recording.',
    create: (salt) => {
      if (current === undefined || !salt) throw new Error('a new passphrase vault needs its passphrase at start');
      return Promise.resolve(passphraseKey(current, salt));
    },
    load: (salt) => Promise.resolve(current !== undefined && salt ? passphraseKey(current, salt) : null),
    replace: () => Promise.resolve(),
    set passphrase(v: string) {
      current = v;
    },
  } as MasterSource;
}

/** The desktop's master key: random, stored only as the OS keychain (Electron safeStorage) encrypts it. */
export function keychainSource(file: string, wrap: { encrypt(plain: string): Buffer; decrypt(sealed: Buffer): string } | null): MasterSource {
  return {
    kind: 'keychain',
    missing: 'The vault is locked: the OS keychain did not give Porchlight its key (is the keyring unlocked?).',
    create: () => {
      if (!wrap) throw new Error('the OS keychain is not available');
      if (existsSync(file)) return Promise.resolve(Buffer.from(wrap.decrypt(readFileSync(file)), 'hex'));
      const key = randomBytes(KEY_BYTES);
      writeFileSync(file, wrap.encrypt(key.toString('hex')), { mode: 0o600, flag: 'wx' });
      return Promise.resolve(key);
    },
    load: () => {
      if (!wrap || !existsSync(file)) return Promise.resolve(null);
      return Promise.resolve(Buffer.from(wrap.decrypt(readFileSync(file)), 'hex'));
    },
    replace: (next) => {
      if (!wrap) throw new Error('the OS keychain is not available');
      writeFileSync(`${file}.new`, wrap.encrypt(next.toString('hex')), { mode: 0o600 });
      renameSync(`${file}.new`, file);
      return Promise.resolve();
    },
  };
}
