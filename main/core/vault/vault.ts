// The vault: whether media is encrypted, the master key's state (unlocked or locked), and the per-camera data keys.
import { randomBytes } from 'node:crypto';
import { createLogger } from '../log/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { checkMatches, derive, KEY_BYTES, masterCheck, passphraseKey, unwrapDataKey, wrapDataKey } from './keys.js';
import type { MasterSource } from './master.js';

const log = createLogger('vault');

export type VaultState = 'off' | 'unlocked' | 'locked';

export interface VaultStatus {
  state: VaultState;
  /** Where the master key comes from. */
  source: MasterSource['kind'] | null;
  /** Why it is locked, in words for the banner. */
  message: string | null;
}

interface VaultRow {
  enabled: number;
  source: MasterSource['kind'];
  salt: Buffer | null;
  check_mac: Buffer;
}

export class VaultLockedError extends Error {
  readonly code = 'vault_locked';
  constructor(message = 'The vault is locked: supply the master key to read or write recordings') {
    super(message);
    this.name = 'VaultLockedError';
  }
}

export interface VaultOptions {
  /** Encrypt media: 'auto' turns it on for a new install (no recordings, no events yet) and leaves a plain one plain. */
  encryption?: 'auto' | 'on' | 'off';
  source: MasterSource;
}

export class Vault {
  private master: Buffer | null = null;
  private row: VaultRow | undefined;
  private lockedMessage: string | null = null;
  private readonly keys = new Map<string, { id: Buffer; key: Buffer }>();
  private readonly byId = new Map<string, Buffer>();
  private readonly listeners = new Set<(s: VaultStatus) => void>();

  constructor(
    private readonly db: Database,
    private readonly opts: VaultOptions,
  ) {
    this.row = db.get<VaultRow>(sql`SELECT enabled, source, salt, check_mac FROM vault WHERE id = 1`);
  }

  /** Opens the vault at start: creates it on a new install, else unlocks it with the key the source gives (or stays locked). */
  async open(): Promise<VaultStatus> {
    if (!this.row) {
      const fresh = this.db.get(sql`SELECT 1 AS x FROM segments LIMIT 1`) === undefined && this.db.get(sql`SELECT 1 AS x FROM events LIMIT 1`) === undefined;
      const want = this.opts.encryption === 'on' || ((this.opts.encryption ?? 'auto') === 'auto' && fresh);
      if (!want) return this.status();
      await this.create();
      return this.status();
    }
    if (!this.row.enabled) return this.status();
    await this.tryUnlock();
    return this.status();
  }

  private async create(): Promise<void> {
    const salt = this.opts.source.kind === 'passphrase' ? randomBytes(16) : null;
    const master = await this.opts.source.create(salt);
    this.db.run(sql`INSERT INTO vault (id, enabled, source, salt, check_mac, created_at) VALUES (1, 1, ${this.opts.source.kind}, ${salt}, ${masterCheck(master)}, ${Date.now()})`);
    this.row = { enabled: 1, source: this.opts.source.kind, salt, check_mac: masterCheck(master) };
    this.setMaster(master);
    log.info({ source: this.opts.source.kind }, 'vault created: recordings are encrypted at rest');
  }

  /**
   * Turns encryption on for an install that was plain (the migration's first step): from now on new media is written
   * encrypted. The master key comes from the source as for a new install.
   */
  async enable(): Promise<VaultStatus> {
    if (this.row?.enabled) return this.status();
    if (this.row) this.db.run(sql`DELETE FROM vault WHERE id = 1`);
    await this.create();
    return this.status();
  }

  /**
   * Back to plain media (a migration rolled back, once no file needs a key any more): the data keys and the master
   * key's check are deleted, so the next start stays plain. The master key's own file is left where it is.
   */
  disable(): void {
    this.db.transaction(() => {
      this.db.run(sql`DELETE FROM vault_keys`);
      this.db.run(sql`DELETE FROM vault WHERE id = 1`);
    });
    this.row = undefined;
    this.master = null;
    this.lockedMessage = null;
    this.keys.clear();
    this.byId.clear();
    log.info('vault turned off: media is stored plain again');
    this.emit();
  }

  /** Asks the source for the master key again (the key file appeared); true once unlocked. */
  async tryUnlock(passphrase?: string): Promise<boolean> {
    const row = this.row;
    if (!row?.enabled) return false;
    if (this.master) return true;
    let master: Buffer | null;
    try {
      master = passphrase !== undefined ? passphraseKey(passphrase, row.salt ?? Buffer.alloc(16)) : await this.opts.source.load(row.salt);
    } catch (err) {
      this.lock(`The vault is locked: ${(err as Error).message}`);
      return false;
    }
    if (!master) {
      this.lock(this.opts.source.missing);
      return false;
    }
    if (!checkMatches(master, row.check_mac)) {
      this.lock(passphrase !== undefined ? 'The vault is locked: that passphrase is not the vault\u2019s' : 'The vault is locked: the master key found is not this vault\u2019s');
      return false;
    }
    this.setMaster(master);
    log.info('vault unlocked');
    return true;
  }

  private lock(message: string): void {
    const changed = this.lockedMessage !== message;
    this.lockedMessage = message;
    if (changed) {
      log.error({ source: this.row?.source }, message);
      this.emit();
    }
  }

  private setMaster(master: Buffer): void {
    this.master = master;
    this.lockedMessage = null;
    this.emit();
  }

  private emit(): void {
    const s = this.status();
    for (const cb of this.listeners) {
      try {
        cb(s);
      } catch (err) {
        log.warn({ err }, 'vault listener threw');
      }
    }
  }

  /** Listens for locked/unlocked; returns the unsubscribe. */
  subscribe(cb: (s: VaultStatus) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  get enabled(): boolean {
    return this.row?.enabled === 1;
  }

  status(): VaultStatus {
    if (!this.enabled) return { state: 'off', source: null, message: null };
    if (this.master) return { state: 'unlocked', source: this.row?.source ?? null, message: null };
    return { state: 'locked', source: this.row?.source ?? null, message: this.lockedMessage ?? 'The vault is locked' };
  }

  private need(): Buffer {
    if (!this.master) throw new VaultLockedError(this.lockedMessage ?? undefined);
    return this.master;
  }

  /** A camera's data key, made (and stored wrapped) the first time the camera records. */
  dataKey(cameraId: string): { id: Buffer; key: Buffer } {
    const cached = this.keys.get(cameraId);
    if (cached) return cached;
    const master = this.need();
    const row = this.db.get<{ key_id: Buffer; wrapped: Buffer }>(sql`SELECT key_id, wrapped FROM vault_keys WHERE camera_id = ${cameraId}`);
    let k: { id: Buffer; key: Buffer };
    if (row) k = { id: row.key_id, key: unwrapDataKey(master, cameraId, row.key_id, row.wrapped) };
    else {
      k = { id: randomBytes(16), key: randomBytes(KEY_BYTES) };
      this.db.run(sql`INSERT INTO vault_keys (camera_id, key_id, wrapped, created_at) VALUES (${cameraId}, ${k.id}, ${wrapDataKey(master, cameraId, k.id, k.key)}, ${Date.now()})`);
    }
    this.keys.set(cameraId, k);
    this.byId.set(k.id.toString('hex'), k.key);
    return k;
  }

  /** The data key named by a file's header; null when it was destroyed. Throws when locked. */
  lookup(keyId: Buffer): Buffer | null {
    const hex = keyId.toString('hex');
    const cached = this.byId.get(hex);
    if (cached) return cached;
    const master = this.need();
    const row = this.db.get<{ camera_id: string; wrapped: Buffer }>(sql`SELECT camera_id, wrapped FROM vault_keys WHERE key_id = ${keyId}`);
    if (!row) return null;
    const key = unwrapDataKey(master, row.camera_id, keyId, row.wrapped);
    this.byId.set(hex, key);
    this.keys.set(row.camera_id, { id: keyId, key });
    return key;
  }

  /**
   * Destroys a camera's data key: whatever of its footage remains on this disk can never be read again. A database
   * backup still holds the key wrapped, so the master key is replaced too (key file and keychain): the old wrapping then
   * opens with no key that exists. A passphrase vault cannot replace its passphrase by itself; a backup of its database
   * together with the passphrase could still open the camera's key (the README says so).
   */
  async destroyKey(cameraId: string): Promise<boolean> {
    const k = this.keys.get(cameraId);
    this.keys.delete(cameraId);
    if (k) {
      this.byId.delete(k.id.toString('hex'));
      k.key.fill(0);
    }
    const gone = this.db.run(sql`DELETE FROM vault_keys WHERE camera_id = ${cameraId}`).changes > 0;
    if (gone && this.master && this.opts.source.kind !== 'passphrase') await this.rotate(randomBytes(KEY_BYTES));
    return gone;
  }

  /**
   * A new master key re-wraps every data key in one transaction; footage is not touched. The source stores the new key
   * (key file, keychain) once the database holds the new wrapping. For a passphrase vault, `next` comes from
   * rotatePassphrase.
   */
  async rotate(next: Buffer, salt: Buffer | null = this.row?.salt ?? null): Promise<number> {
    const master = this.need();
    const rows = this.db.all<{ camera_id: string; key_id: Buffer; wrapped: Buffer }>(sql`SELECT camera_id, key_id, wrapped FROM vault_keys`);
    this.db.transaction(() => {
      for (const r of rows) {
        const key = unwrapDataKey(master, r.camera_id, r.key_id, r.wrapped);
        this.db.run(sql`UPDATE vault_keys SET wrapped = ${wrapDataKey(next, r.camera_id, r.key_id, key)} WHERE camera_id = ${r.camera_id}`);
      }
      this.db.run(sql`UPDATE vault SET check_mac = ${masterCheck(next)}, salt = ${salt}, rotated_at = ${Date.now()} WHERE id = 1`);
    });
    if (this.row) this.row = { ...this.row, check_mac: masterCheck(next), salt };
    await this.opts.source.replace(next);
    this.master = next;
    log.info({ keys: rows.length }, 'vault master key rotated: data keys re-wrapped, footage untouched');
    return rows.length;
  }

  /** Rotation to a new passphrase (a passphrase vault), or to a fresh random key (key file, keychain). */
  async rotateMaster(newPassphrase?: string): Promise<number> {
    if (this.opts.source.kind === 'passphrase') {
      if (newPassphrase === undefined) throw new Error('a passphrase vault rotates to a new passphrase');
      const salt = randomBytes(16);
      return this.rotate(passphraseKey(newPassphrase, salt), salt);
    }
    return this.rotate(randomBytes(KEY_BYTES));
  }

  /** A key for another purpose (the database cipher), derived from the master key; throws while locked. */
  deriveKey(purpose: string): Buffer {
    return derive(this.need(), purpose);
  }

  get source(): MasterSource {
    return this.opts.source;
  }
}
