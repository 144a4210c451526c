// Moving a plain install into the vault while the engine runs: the database re-keyed, then every recording, snapshot and
// thumbnail encrypted in place file by file (media/vault-migration.ts), with progress; resumable, and reversible until
// the owner confirms.
//
// What is done is read back from the files (a vault header, a kept original) and the one row of vault_migration (its
// state and phase), so an engine killed at any instant carries on at its next start without losing or re-encrypting
// anything. New media is written encrypted from the first step on (the vault is enabled before any file is touched).
import { ApiFailure, type VaultMigrationStatus } from '../../common/contract/index.js';
import { createLogger } from '../log/index.js';
import type { MediaStore } from '../media/index.js';
import type { MigrationItem } from '../media/vault-migration.js';
import { isPlainSqlite } from '../storage/cipher.js';
import type { Database } from '../storage/database.js';
import { allowEncryption, confirmEncryption, databaseBytes, encryptionStatus, encryptPlainDatabase, rollbackEncryption } from '../storage/encryption.js';
import { sql } from '../storage/sql.js';
import { storedSize } from './format.js';
import type { Vault } from './vault.js';

const log = createLogger('vault-migration');

type State = VaultMigrationStatus['state'];
type Phase = NonNullable<VaultMigrationStatus['phase']>;

interface Row {
  state: Exclude<State, 'none'>;
  phase: Phase;
  db_was_plain: number;
  reason: string | null;
  started_at: number;
  finished_at: number | null;
  confirmed_at: number | null;
}

export interface VaultMigrationOptions {
  db: Database;
  vault: Vault;
  media: MediaStore;
  /** The database's key (the engine's databaseKey(secrets)): a plain database is encrypted with it. */
  dbKey: Buffer;
  publish?: (s: VaultMigrationStatus) => void;
  /** Kept free on the disk beyond the copies (default 256 MiB: the database and the recordings go on writing). */
  reserveBytes?: number;
  /** A migration paused by a full disk or a locked vault tries again this often (default 60 s). */
  retryMs?: number;
  /** Progress is published at most this often while files are encrypted (default 250 ms). */
  publishMs?: number;
}

const ENOSPC = (err: unknown): boolean => ['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException).code ?? '');
const gb = (n: number): string => `${(n / 1e9).toFixed(2)} GB`;

class Paused extends Error {}

export class VaultMigration {
  private job: Promise<void> | null = null;
  private stopping = false;
  private retry: NodeJS.Timeout | undefined;
  private counts = { items: { done: 0, total: 0 }, bytes: { done: 0, total: 0 } };
  private lastPublish = 0;
  private readonly reserve: number;

  constructor(private readonly o: VaultMigrationOptions) {
    this.reserve = o.reserveBytes ?? 256 * 1024 * 1024;
  }

  private row(): Row | undefined {
    return this.o.db.get<Row>(sql`SELECT state, phase, db_was_plain, reason, started_at, finished_at, confirmed_at FROM vault_migration WHERE id = 1`);
  }

  private setRow(patch: Partial<Row>): void {
    const r = this.row();
    if (!r) return;
    const n = { ...r, ...patch };
    this.o.db.run(sql`UPDATE vault_migration SET state = ${n.state}, phase = ${n.phase}, reason = ${n.reason}, finished_at = ${n.finished_at}, confirmed_at = ${n.confirmed_at} WHERE id = 1`);
  }

  status(): VaultMigrationStatus {
    const r = this.row();
    const state: State = r?.state ?? 'none';
    return {
      state,
      phase: r?.phase ?? null,
      items: { ...this.counts.items },
      bytes: { ...this.counts.bytes },
      reason: r?.reason ?? null,
      plainInstall: !r && !this.o.vault.enabled,
      canRollback: !!r && r.state !== 'confirmed',
      startedAt: r?.started_at ?? null,
      finishedAt: r?.finished_at ?? null,
      confirmedAt: r?.confirmed_at ?? null,
    };
  }

  private publish(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastPublish < (this.o.publishMs ?? 250)) return;
    this.lastPublish = now;
    try {
      this.o.publish?.(this.status());
    } catch (err) {
      log.warn({ err }, 'progress listener threw');
    }
  }

  private count(items: MigrationItem[]): void {
    this.counts = {
      items: { done: items.filter((i) => i.encrypted).length, total: items.length },
      bytes: { done: items.filter((i) => i.encrypted).reduce((a, i) => a + i.plainBytes, 0), total: items.reduce((a, i) => a + i.plainBytes, 0) },
    };
  }

  /** At engine start: a migration or a rollback the last run did not finish carries on in the background. */
  async resume(): Promise<void> {
    const r = this.row();
    if (!r) return;
    if (r.state === 'rolling_back') {
      this.o.media.setPlainWrites(true);
      this.launch(() => this.rollBackAll());
      return;
    }
    if (r.state === 'done' || r.state === 'confirmed') {
      this.count(await this.o.media.migrationItems());
      return;
    }
    log.info({ phase: r.phase }, 'an interrupted vault migration carries on');
    this.launch(() => this.migrateAll());
  }

  /**
   * Starts (or resumes, when paused) the migration; throws a clear error when it cannot start. Calls that come while a
   * start is under way (it awaits the census and the disk check) get that start's answer: one row, one job.
   */
  start(): Promise<VaultMigrationStatus> {
    if (!this.starting) this.starting = this.startOnce().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private starting: Promise<VaultMigrationStatus> | undefined;

  private async startOnce(): Promise<VaultMigrationStatus> {
    const r = this.row();
    if (r?.state === 'confirmed' || r?.state === 'done') return this.status();
    if (r?.state === 'rolling_back') throw new ApiFailure('conflict', 'A rollback of the migration is under way: wait for it to finish');
    if (this.job) return this.status();
    if (!r && this.o.vault.enabled) throw new ApiFailure('conflict', 'Media in this install is already encrypted: there is nothing to migrate');
    if (this.o.vault.enabled && this.o.vault.status().state === 'locked') throw new ApiFailure('unavailable', 'The vault is locked: unlock it before the migration can go on');
    const items = await this.o.media.migrationItems();
    this.count(items);
    await this.checkSpace(items, !r ? this.o.db.encrypted === false : r.phase === 'database');
    if (!r) {
      await this.o.vault.enable();
      const dbWasPlain = !this.o.db.encrypted;
      this.o.db.run(sql`INSERT INTO vault_migration (id, state, phase, db_was_plain, started_at) VALUES (1, 'running', ${dbWasPlain ? 'database' : 'media'}, ${dbWasPlain ? 1 : 0}, ${Date.now()})`);
      log.info({ files: items.length, bytes: this.counts.bytes.total, database: dbWasPlain ? 'plain' : 'encrypted' }, 'vault migration started: new media is written encrypted from now on');
    } else this.setRow({ state: 'running', reason: null });
    this.launch(() => this.migrateAll());
    return this.status();
  }

  /** Room for an encrypted copy of every plain file (the originals stay until confirmed), the database's copy and a reserve. */
  private async checkSpace(items: MigrationItem[], dbToCopy: boolean): Promise<void> {
    const plain = items.filter((i) => !i.encrypted);
    const copies = plain.reduce((a, i) => a + storedSize(i.plainBytes), 0);
    const largest = plain.reduce((a, i) => Math.max(a, i.plainBytes), 0);
    const dbFile = this.dbFile();
    const dbBytes = dbToCopy && dbFile ? databaseBytes(dbFile) : 0;
    const need = copies + dbBytes + this.reserve;
    const { free } = await this.o.media.diskSpace();
    if (free >= need) return;
    throw new ApiFailure(
      'unavailable',
      `Not enough free disk space to encrypt the existing recordings: ${gb(need)} needed (an encrypted copy of ${plain.length} files, the largest ${gb(largest)}; the plain originals stay until you confirm${dbBytes ? `; a copy of the ${gb(dbBytes)} database` : ''}), ${gb(free)} free. Free some space (shorter retention, fewer days kept) and start again.`,
    );
  }

  private dbFile(): string | null {
    return this.o.db.file;
  }

  private launch(fn: () => Promise<void>): void {
    clearTimeout(this.retry);
    this.stopping = false;
    this.job = fn()
      .catch((err: unknown) => {
        if (err instanceof Paused) return;
        log.error({ err }, 'vault migration stopped on an error');
        this.setRow({ state: this.row()?.state === 'rolling_back' ? 'rolling_back' : 'paused', reason: `Stopped: ${(err as Error).message}` });
      })
      .finally(() => {
        this.job = null;
        this.o.media.setMigrating(false);
        this.publish(true);
        if (this.row()?.state === 'paused' && !this.stopping) {
          this.retry = setTimeout(() => void this.start().catch(() => undefined), this.o.retryMs ?? 60_000);
          this.retry.unref();
        }
      });
  }

  private pause(reason: string): never {
    log.warn({ reason }, 'vault migration paused');
    this.setRow({ state: 'paused', reason });
    throw new Paused(reason);
  }

  private async migrateAll(): Promise<void> {
    this.o.media.setMigrating(true);
    if (this.row()?.phase === 'database') {
      // the safe point: the engine's connection is closed, the file converted (verified copy, atomic rename) and reopened in one synchronous step
      const key = this.o.dbKey;
      this.o.db.convertInPlace((file) => {
        if (isPlainSqlite(file)) encryptPlainDatabase(file, key);
        allowEncryption(file);
      }, key);
      this.setRow({ phase: 'media' });
      log.info('vault migration: the database is encrypted');
      this.publish(true);
    }
    // a pass over every file, then again for files that arrived plain while it ran (a segment adopted just before)
    for (let pass = 0; pass < 5 && !this.stopping; pass++) {
      const items = await this.o.media.migrationItems();
      this.count(items);
      const todo = items.filter((i) => !i.encrypted);
      if (todo.length === 0) break;
      for (const item of todo) {
        if (this.stopping) return;
        await this.encryptOne(item);
        await new Promise<void>((r) => setImmediate(r));
      }
    }
    if (this.stopping) return;
    const left = (await this.o.media.migrationItems()).filter((i) => !i.encrypted).length;
    if (left > 0) this.pause(`${left} files are still plain after five passes: start again to take them`);
    await this.o.media.flushMigration();
    this.setRow({ state: 'done', phase: 'finished', reason: null, finished_at: Date.now() });
    log.info({ files: this.counts.items.total }, 'vault migration done: the plain originals are kept until confirmed');
  }

  private async encryptOne(item: MigrationItem): Promise<void> {
    const { free } = await this.o.media.diskSpace();
    if (free < storedSize(item.plainBytes) + this.reserve) this.pause(`The disk is full (${gb(free)} free): the migration waits, nothing was lost. Free some space; it tries again by itself.`);
    if (this.o.vault.status().state === 'locked') this.pause('The vault is locked: the migration waits until it is unlocked.');
    for (let attempt = 0; attempt < 3; attempt++) {
      let out;
      try {
        out = await this.o.media.encryptInPlace(item.kind, item.rel);
      } catch (err) {
        if (ENOSPC(err)) this.pause('The disk filled up during the migration: it waits, nothing was lost. Free some space; it tries again by itself.');
        throw err;
      }
      if (out.done === 'changed') continue;
      if (out.done === 'gone') {
        this.counts.items.total--;
        this.counts.bytes.total -= item.plainBytes;
      } else {
        this.counts.items.done++;
        this.counts.bytes.done += item.plainBytes;
      }
      break;
    }
    this.publish();
  }

  /** Removes the plain originals (and the database's plain backup): from now on there is no way back. */
  async confirm(): Promise<VaultMigrationStatus> {
    const r = this.row();
    if (!r) throw new ApiFailure('conflict', 'No migration to confirm: media in this install was never migrated');
    if (r.state === 'confirmed') return this.status();
    if (r.state !== 'done') throw new ApiFailure('conflict', `The migration is not finished (${r.state}): confirm once every file is encrypted`);
    // confirmed first: a crash during the unlinking cannot leave a half-removed set that a rollback would trust
    this.setRow({ state: 'confirmed', confirmed_at: Date.now() });
    await this.o.media.dropOriginals();
    const file = this.dbFile();
    if (file && encryptionStatus(file).plainBackup) confirmEncryption(file, this.o.dbKey);
    log.info('vault migration confirmed: the plain originals were removed');
    this.publish(true);
    return this.status();
  }

  /** Puts the plain install back: every original renamed over its encrypted copy, new files decrypted, the database plain again if it was. */
  async rollback(): Promise<VaultMigrationStatus> {
    const r = this.row();
    if (!r) throw new ApiFailure('conflict', 'No migration to roll back');
    if (r.state === 'confirmed') throw new ApiFailure('conflict', 'The migration was confirmed and the plain originals were removed: it cannot be rolled back');
    if (r.state === 'rolling_back' && this.job) return this.status();
    if (this.o.vault.status().state === 'locked') throw new ApiFailure('unavailable', 'The vault is locked: unlock it first (files recorded since the migration began need its key to be put back plain)');
    await this.stop();
    this.o.media.setPlainWrites(true);
    this.setRow({ state: 'rolling_back', reason: null });
    this.launch(() => this.rollBackAll());
    return this.status();
  }

  private async rollBackAll(): Promise<void> {
    // new media is already written plain; several passes catch a segment that was being encrypted when this began
    for (let pass = 0; pass < 5; pass++) {
      const items = await this.o.media.migrationItems();
      this.count(items);
      const originals = await this.o.media.keptOriginals();
      const todo = [...new Map([...items.filter((i) => i.encrypted), ...originals].map((i) => [`${i.kind}/${i.rel}`, i])).values()];
      if (todo.length === 0) break;
      for (const item of todo) {
        const out = await this.o.media.restorePlain(item.kind, item.rel);
        if (out === 'restored' || out === 'decrypted') {
          this.counts.items.done--;
          this.counts.bytes.done -= items.find((i) => i.kind === item.kind && i.rel === item.rel)?.plainBytes ?? 0;
        }
        this.publish();
        await new Promise<void>((res) => setImmediate(res));
      }
    }
    await this.o.media.flushMigration();
    const r = this.row();
    const file = this.dbFile();
    if (r?.db_was_plain && file) {
      const key = this.o.dbKey;
      this.o.db.convertInPlace((f) => {
        if (!isPlainSqlite(f)) rollbackEncryption(f, key);
      }, null);
    }
    this.o.db.transaction(() => {
      this.o.vault.disable();
      this.o.db.run(sql`DELETE FROM vault_migration`);
    });
    this.o.media.setPlainWrites(false);
    log.info('vault migration rolled back: media and database are plain again');
  }

  /** Stops the job between two files (the engine stops); it carries on at the next start. */
  async stop(): Promise<void> {
    clearTimeout(this.retry);
    this.stopping = true;
    await this.job;
    this.stopping = false;
  }
}
