// Watches the data folder: a full disk or a missing (unmounted) recordings folder stops recording with a clear state.
import type { CameraState } from '../../common/contract/index.js';
import { createLogger } from '../log/index.js';
import type { MediaStore } from '../media/index.js';
import type { Vault } from '../vault/index.js';

const log = createLogger('storage-guard');
const MB = 1024 ** 2;

export type StorageProblem = { code: 'disk_full'; message: string } | { code: 'media_missing'; message: string } | { code: 'vault_locked'; message: string };

/** Problems during which nothing may be deleted or repaired: the media is not there, or cannot be read. */
export function blocksMedia(p: StorageProblem | null): boolean {
  return p?.code === 'media_missing' || p?.code === 'vault_locked';
}

export interface StorageGuardOptions {
  /** Recording stops when less than this is free (a few segments of every camera). */
  fullBelowBytes: number;
  /** It resumes once this much is free again: a gap, so it does not flap around one threshold. */
  resumeAboveBytes: number;
  /**
   * A file of this size is kept in the data folder and deleted when the disk fills, so the database still has room for
   * what must not fail then: signing in, marking an export failed, the index's own deletes.
   */
  reserveBytes: number;
  intervalMs: number;
}

export const DEFAULT_GUARD: StorageGuardOptions = { fullBelowBytes: 256 * MB, resumeAboveBytes: 512 * MB, reserveBytes: 16 * MB, intervalMs: 5_000 };

export interface StorageGuardDeps {
  dataDir: string;
  media: MediaStore;
  /** Whether the index lists any recording (a folder that is empty then is not ours: it is not mounted). */
  indexHasSegments: () => boolean;
  /** Whether the camera records (its state then says why it does not). */
  records: (cameraId: string) => boolean;
  diskFree?: (path: string) => Promise<{ free: number; total: number }>;
  /** Encryption at rest: a locked vault stops recording; a key file put back is found by the next check. */
  vault?: Vault;
  options?: Partial<StorageGuardOptions>;
}

export class StorageGuard {
  private current: StorageProblem | null = null;
  private readonly listeners = new Set<(p: StorageProblem | null) => void>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<StorageProblem | null> | undefined;
  private readonly opts: StorageGuardOptions;

  constructor(private readonly deps: StorageGuardDeps) {
    this.opts = { ...DEFAULT_GUARD, ...deps.options };
  }

  problem(): StorageProblem | null {
    return this.current;
  }

  /** Listens for the problem changing (null: recording may go on); returns the unsubscribe. */
  subscribe(cb: (p: StorageProblem | null) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** A camera's state as the user should see it: a recording camera that cannot record says so. */
  decorate(s: CameraState): CameraState {
    const p = this.current;
    if (!p || !this.deps.records(s.cameraId) || s.state === 'disabled') return s;
    return { ...s, state: 'error', reason: p.message };
  }

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Checks now (also called when a write failed with a full disk); concurrent callers share one check. */
  check(): Promise<StorageProblem | null> {
    this.checking ??= this.checkNow().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async checkNow(): Promise<StorageProblem | null> {
    let next: StorageProblem | null = null;
    const vault = this.deps.vault;
    // a key file or keychain may come back by itself: ask again on every check while locked
    if (vault?.status().state === 'locked' && vault.source.kind !== 'passphrase') await vault.tryUnlock();
    if (vault?.status().state === 'locked') {
      next = { code: 'vault_locked', message: `Recording stopped: ${vault.status().message ?? 'the vault is locked'}. Nothing is written or deleted until it is unlocked.` };
    } else if (!this.deps.media.mediaPresent(this.deps.indexHasSegments())) {
      next = {
        code: 'media_missing',
        message: `Recording stopped: the recordings folder (${this.deps.media.root('recordings')}) is missing or empty; is its disk mounted? Recordings already made are kept in the index.`,
      };
    } else {
      const free = await this.free();
      const wasFull = this.current?.code === 'disk_full';
      if (free !== undefined && free < (wasFull ? this.opts.resumeAboveBytes : this.opts.fullBelowBytes)) {
        next = { code: 'disk_full', message: `Disk full: recording stopped (${Math.round(free / MB)} MB free); it resumes when space is freed` };
      }
    }
    this.reserve(next?.code !== 'disk_full');
    if (next?.code !== this.current?.code) {
      this.current = next;
      if (next) log.error({ code: next.code }, next.message);
      else log.info('storage ok again: recording resumes');
      for (const cb of this.listeners) {
        try {
          cb(next);
        } catch (err) {
          log.warn({ err }, 'storage listener threw');
        }
      }
    }
    return this.current;
  }

  private async free(): Promise<number | undefined> {
    try {
      return (await (this.deps.diskFree ?? (() => this.deps.media.diskSpace()))(this.deps.dataDir)).free;
    } catch (err) {
      log.warn({ err }, 'free space unknown');
      return undefined;
    }
  }

  /** Keeps the reserve file while there is room, gives it back to the disk when there is none. */
  private reserve(want: boolean): void {
    try {
      if (this.deps.media.reserve(want, this.opts.reserveBytes) === 'released') {
        log.warn({ mb: Math.round(this.opts.reserveBytes / MB) }, 'disk full: released the reserve so the database can still write');
      }
    } catch (err) {
      // a reserve we cannot write means the disk is fuller than we thought: the next check says so
      log.debug({ err }, 'reserve file not written');
    }
  }
}
