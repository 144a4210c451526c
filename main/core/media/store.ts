// The one door for media: recordings, snapshots, thumbnails and exports are written, read, listed and removed here alone.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { copyFile, mkdir, readdir, rename, rm, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, normalize, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { ffprobeJson } from '../ffmpeg/ffprobe.js';
import { startFromPath, utcDay } from '../ingest/segments.js';
import type { SegmentInfo, SegmentSink } from '../ingest/types.js';
import { createLogger } from '../log/index.js';
import type { Vault } from '../vault/vault.js';
import { encryptBytes, encryptFile, knownName, openDecrypted, plainSizeOf, readDecrypted, readDecryptedSync, SEALED_SUFFIX, sealedPath, unlinkIfThere } from './encrypted-files.js';
import { encryptedSync, tapInput, type FfmpegInput } from './ffmpeg-io.js';
import { ExportArea } from './export-area.js';
import { resolveInside } from './safe-path.js';
import { ensureDayDirs, findDayFile, listMp4 } from './segment-files.js';
import { MediaTap } from './tap.js';
import { VaultMigrationFiles, type EncryptOutcome, type MigratedKind, type MigrationItem } from './vault-migration.js';

const log = createLogger('media');

export type MediaKind = 'recordings' | 'snapshots' | 'exports';

const DAY_MS = 86_400_000;
/** Written into the recordings folder once media lives there: without it, an unmounted disk looks like a folder nobody filled. */
const MARKER = '.porchlight-media';
const RESERVE = '.porchlight-reserve';

export interface MediaStoreOptions {
  /**
   * Where ffmpeg writes what it makes (segments being recorded, scratch lists). Default `<data>/.staging` for plain
   * media; with encryption on, outside the data folder (0700 under $XDG_RUNTIME_DIR or the OS temp folder), so no
   * plain byte of footage is ever written under it.
   */
  stagingDir?: string;
  /** Encryption at rest: when the vault is enabled every file is written encrypted and read back decrypted. */
  vault?: Vault;
}

/** The staging folder of an encrypted store: per data folder, outside it, on a RAM disk where the OS has one. */
export function defaultEncryptedStaging(dataDir: string): string {
  const base = process.env.XDG_RUNTIME_DIR && existsSync(process.env.XDG_RUNTIME_DIR) ? process.env.XDG_RUNTIME_DIR : tmpdir();
  return join(base, `porchlight-staging-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`);
}

/** A descriptor of a stored file when it is plain (read from it, so a rename over the name does not matter); null when encrypted. */
function openPlain(file: string): number | null {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(8);
  if (readSync(fd, buf, 0, 8, 0) === 8 && buf.toString('ascii') === 'PLVAULT1') {
    closeSync(fd);
    return null;
  }
  return fd;
}

export type { FfmpegInput };

/** A folder of throwaway files (concat lists, pieces) in the store's staging area; dispose removes it. */
export interface Scratch {
  readonly dir: string;
  path(name: string): string;
  writeText(name: string, text: string): string;
  /** Writes a small binary file (a mask picture) and returns its path. */
  writeBytes(name: string, bytes: Uint8Array): string;
  /** Bytes of a file ffmpeg wrote here; 0 when it is not there. */
  size(name: string): number;
  /** A file ffmpeg wrote here, whole or one inclusive byte range; null when it is not there. */
  openRead(name: string, range?: { start: number; end: number }): Readable | null;
  dispose(): void;
}

export interface RepairResult {
  /** Playable files nobody has indexed yet (paths relative to the recordings root): index them. */
  found: SegmentInfo[];
  /** Unplayable files (cut off by a crash before the moov was written) that were deleted. */
  deleted: { path: string; reason: string }[];
}

/** A relative media path as the database and URLs keep it: forward slashes, no `..`, no leading slash. */
function cleanRel(rel: string): string | null {
  if (!rel || rel.includes('\0') || rel.includes('\\') || rel.startsWith('/') || /^[a-zA-Z]:/.test(rel)) return null;
  const n = normalize(rel);
  if (n === '..' || n.startsWith(`..${sep}`) || n === '.') return null;
  return n.split(sep).join('/');
}

export class MediaStore {
  readonly stagingDir: string;
  private readonly vault: Vault | undefined;
  private readonly tap = new MediaTap();
  /** A plain install moving into the vault: its files, and whether the job runs (plain inputs are pinned for ffmpeg). */
  private readonly migrationFiles: VaultMigrationFiles;
  private migrating = false;
  /** A rollback is under way: new media is written plain although the vault still holds the keys to read the rest. */
  private plainWrites = false;

  constructor(
    readonly dataDir: string,
    opts: MediaStoreOptions = {},
  ) {
    for (const kind of ['recordings', 'snapshots', 'exports'] as const) mkdirSync(this.root(kind), { recursive: true });
    this.vault = opts.vault;
    this.migrationFiles = new VaultMigrationFiles(dataDir);
    this.stagingDir = opts.stagingDir ?? (this.vault?.enabled ? defaultEncryptedStaging(dataDir) : join(dataDir, '.staging'));
    mkdirSync(this.stagingDir, { recursive: true, mode: 0o700 });
  }

  /** Starts the tap ffmpeg reads encrypted files through; call before handing out ffmpeg inputs. */
  async start(): Promise<void> {
    await this.tap.listen();
  }

  async stop(): Promise<void> {
    await this.tap.close();
  }

  /** Whether new media is written encrypted. */
  get encrypted(): boolean {
    return !this.plainWrites && (this.vault?.enabled ?? false);
  }

  /** The migration job runs: ffmpeg inputs for plain files name their kept original, which no step rewrites. */
  setMigrating(on: boolean): void {
    this.migrating = on;
  }

  /** A rollback writes new media plain from its first step on. */
  setPlainWrites(on: boolean): void {
    this.plainWrites = on;
  }

  /** Every recording, snapshot and thumbnail, plain or encrypted (the migration's census). */
  migrationItems(): Promise<MigrationItem[]> {
    return this.migrationFiles.items();
  }

  /** Encrypts one plain file in place with its camera's data key, keeping the plain original until confirmed. */
  encryptInPlace(kind: MigratedKind, rel: string): Promise<EncryptOutcome> {
    if (!cleanRel(rel)) throw new Error(`not a media path: ${rel}`);
    return this.migrationFiles.encrypt(kind, rel, this.keyFor(kind, rel));
  }

  /** Puts one file back plain (its original, or its decrypted bytes). */
  restorePlain(kind: MigratedKind, rel: string): Promise<'restored' | 'decrypted' | 'dropped' | 'plain'> {
    if (!cleanRel(rel)) throw new Error(`not a media path: ${rel}`);
    return this.migrationFiles.restore(kind, rel, this.lookup);
  }

  /** Makes the migration's renames so far durable (before its state says done). */
  flushMigration(): Promise<void> {
    return this.migrationFiles.flush();
  }

  /** The plain originals still kept for a rollback. */
  keptOriginals(): Promise<{ kind: MigratedKind; rel: string }[]> {
    return this.migrationFiles.originals();
  }

  /** Unlinks every kept plain original (the owner confirmed the migration). */
  dropOriginals(): Promise<void> {
    return this.migrationFiles.dropAll();
  }

  /** The data key of the camera a stored path belongs to (its first folder); the exports share one of their own. */
  private keyFor(kind: MediaKind, rel: string): { id: Buffer; key: Buffer } {
    if (!this.vault) throw new Error('no vault');
    return this.vault.dataKey(kind === 'exports' ? '~exports' : (rel.split('/')[0] ?? ''));
  }

  private readonly lookup = (keyId: Buffer): Buffer | null => (this.vault ? this.vault.lookup(keyId) : null);

  /** The folder a kind lives in (messages and the data-directory listing; files are reached through the methods). */
  root(kind: MediaKind): string {
    return join(this.dataDir, kind);
  }

  /** An existing stored file, or null when the path leaves the root or names nothing. */
  private existing(kind: MediaKind, rel: string): string | null {
    // files are named by what they hold: an encrypted one's own (sealed) name is not a name the store answers to
    if (rel.endsWith(SEALED_SUFFIX)) return null;
    return resolveInside(this.root(kind), sealedPath(rel)) ?? resolveInside(this.root(kind), rel);
  }

  /** Where a new file goes (it need not exist yet); null for a path outside the root. */
  private target(kind: MediaKind, rel: string): string | null {
    const clean = cleanRel(rel);
    return clean ? join(this.root(kind), ...clean.split('/')) : null;
  }

  /**
   * A client-supplied relative path as the store names the file it would serve (resolved, symlinks followed, `/`
   * separated), or null when it names none: decisions about a file (whose camera, whose export) are made on this name.
   */
  canonical(kind: MediaKind, rel: string): string | null {
    const file = this.existing(kind, rel);
    if (!file) return null;
    try {
      return knownName(relative(realpathSync(this.root(kind)), file).split(sep).join('/'));
    } catch {
      return null;
    }
  }

  /** Whether a client-supplied relative path names a stored file. */
  has(kind: MediaKind, rel: string): boolean {
    return this.existing(kind, rel) !== null;
  }

  /** Bytes of a stored file; 0 when it is not there. */
  size(kind: MediaKind, rel: string): number {
    const file = this.existing(kind, rel);
    if (!file) return 0;
    try {
      const stored = statSync(file).size;
      return encryptedSync(file) ? plainSizeOf(stored) : stored;
    } catch {
      return 0;
    }
  }

  /** Bytes the file takes on disk (what the quota counts). */
  storedSize(kind: MediaKind, rel: string): number {
    const file = this.existing(kind, rel);
    try {
      return file ? statSync(file).size : 0;
    } catch {
      return 0;
    }
  }

  /** The stored bytes of a file, whole or one inclusive byte range; null when it is not there. */
  openRead(kind: MediaKind, rel: string, range?: { start: number; end: number }): Readable | null {
    const file = this.existing(kind, rel);
    if (!file) return null;
    // the header is read from the descriptor that is then streamed, so a file a migration encrypts meanwhile still reads whole
    const fd = openPlain(file);
    if (fd === null) return openDecrypted(file, this.lookup, range, this.tap.chunks);
    return createReadStream('', { fd, ...range, highWaterMark: 1 << 20 });
  }

  /** A stored file's bytes whole (a snapshot for a notification or a crop); null when missing. */
  async readBytes(kind: MediaKind, rel: string): Promise<Buffer | null> {
    const file = this.existing(kind, rel);
    if (!file) return null;
    try {
      const fd = openPlain(file);
      if (fd === null) return await readDecrypted(file, this.lookup);
      try {
        return readFileSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      return null;
    }
  }

  /** A small stored text file (an export's manifest), decrypted when stored encrypted; null when missing or unreadable. */
  readText(kind: MediaKind, rel: string): string | null {
    const file = this.existing(kind, rel);
    if (!file) return null;
    try {
      return encryptedSync(file) ? readDecryptedSync(file, this.lookup).toString('utf8') : readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  }

  /** What ffmpeg opens to read a stored file; null when it is not there. */
  ffmpegInput(kind: MediaKind, rel: string): FfmpegInput | null {
    const file = this.existing(kind, rel);
    if (!file) return null;
    // while the migration runs the file may turn encrypted before ffmpeg opens it; its kept original never does
    if (this.migrating && (kind === 'recordings' || kind === 'snapshots') && !encryptedSync(file)) {
      const pinned = this.migrationFiles.pinSync(kind, file, cleanRel(rel));
      if (pinned) return { url: pinned, protocols: 'file', env: {} };
    }
    return tapInput(this.tap, file, this.lookup);
  }

  /**
   * The environment every ffmpeg or ffprobe that reads the store's files runs with (the tap's credential); spread it
   * into the spawn's env. Empty while the tap is not listening.
   */
  ffmpegEnv(): Record<string, string> {
    return this.tap.env();
  }

  /** Removes one stored file; false when it was not there. */
  async remove(kind: MediaKind, rel: string): Promise<boolean> {
    const file = this.target(kind, rel);
    if (!file || rel.endsWith(SEALED_SUFFIX)) return false;
    // a plain original kept by a migration goes with its file: deleted footage is not brought back by a rollback
    if (kind !== 'exports') await this.migrationFiles.dropOriginal(kind, cleanRel(rel) ?? rel);
    const removed = await Promise.all([unlinkIfThere(sealedPath(file)), unlinkIfThere(file)]);
    return removed.includes(true);
  }

  /** Removes every recording, snapshot and thumbnail of one camera (the camera was deleted with its media). */
  async removeCamera(cameraId: string): Promise<void> {
    // the key first: from this moment whatever is left of its footage, here or in a backup, cannot be read
    await this.vault?.destroyKey(cameraId);
    for (const kind of ['recordings', 'snapshots'] as const) {
      const dir = this.target(kind, cameraId);
      if (dir) await rm(dir, { recursive: true, force: true });
      if (dir) await rm(this.migrationFiles.original(kind, cameraId), { recursive: true, force: true });
    }
    await rm(join(this.stagingDir, 'recordings', cameraId), { recursive: true, force: true });
  }

  /** Writes an event's snapshot and its thumbnail (`<x>.jpg` and `<x>.thumb.jpg`) atomically; returns their bytes. */
  async writeSnapshot(rel: string, full: Buffer, thumb: Buffer): Promise<number> {
    const file = this.target('snapshots', rel);
    if (!file || !file.endsWith('.jpg')) throw new Error(`not a snapshot path: ${rel}`);
    await mkdir(dirname(file), { recursive: true });
    const thumbFile = file.replace(/\.jpg$/, '.thumb.jpg');
    if (this.encrypted) {
      const key = this.keyFor('snapshots', rel);
      const bytes = (await encryptBytes(full, sealedPath(file), key)) + (await encryptBytes(thumb, sealedPath(thumbFile), key));
      // a plain picture of that name from before (a rollback's) would be stale beside the new one
      await Promise.all([unlinkIfThere(file), unlinkIfThere(thumbFile)]);
      return bytes;
    }
    await writeFile(`${file}.tmp`, full);
    await writeFile(`${thumbFile}.tmp`, thumb);
    await rename(`${file}.tmp`, file);
    await rename(`${thumbFile}.tmp`, thumbFile);
    await Promise.all([unlinkIfThere(sealedPath(file)), unlinkIfThere(sealedPath(thumbFile))]);
    return full.length + thumb.length;
  }

  /** Removes an event's snapshot and its thumbnail (paths relative to the snapshots folder, as events store them). */
  async removeSnapshot(rel: string): Promise<void> {
    for (const r of [rel, rel.replace(/\.jpg$/, '.thumb.jpg')]) await this.remove('snapshots', r);
  }

  /** A camera's segment output: ffmpeg writes into staging, each closed file moves into `recordings/<camera>/<day>/`. */
  segmentSink(cameraId: string): SegmentSink {
    const dir = join(this.stagingDir, 'recordings', cameraId);
    return {
      dir,
      prepare: (now = Date.now()) => {
        ensureDayDirs(dir, now);
        ensureDayDirs(join(this.root('recordings'), cameraId), now);
      },
      finish: async (name, approxStart) => {
        const staged = findDayFile(dir, name, approxStart);
        if (!staged) return undefined;
        const rel = `${cameraId}/${basename(dirname(staged))}/${basename(staged)}`;
        return { path: rel, bytes: await this.adopt(staged, rel) };
      },
    };
  }

  /** Moves a closed staged segment into the recordings; returns its stored bytes. */
  private async adopt(staged: string, rel: string): Promise<number> {
    const file = this.target('recordings', rel);
    if (!file) throw new Error(`not a recording path: ${rel}`);
    await mkdir(dirname(file), { recursive: true });
    if (this.encrypted) {
      // a locked vault throws here: the segment stays in staging, and start-up repair takes it once unlocked
      const bytes = await encryptFile(staged, sealedPath(file), this.keyFor('recordings', rel));
      await unlink(staged);
      return bytes;
    }
    try {
      await rename(staged, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      // staging on another file system: copy, then drop the staged file
      await copyFile(staged, file);
      await unlink(staged);
    }
    return (await stat(file)).size;
  }

  /**
   * After a crash: segments ffmpeg closed that nobody indexed (left in staging or in the recordings) are taken when
   * playable and deleted when not (no moov, no sample table). Run before the camera's ingest starts, or with minAgeMs
   * so a file being written is left alone.
   */
  async repairSegments(cameraId: string, known: ReadonlySet<string>, opts: { minAgeMs?: number; now?: number } = {}): Promise<RepairResult> {
    const now = opts.now ?? Date.now();
    const result: RepairResult = { found: [], deleted: [] };
    const stagedDir = join(this.stagingDir, 'recordings', cameraId);
    const staged = (await listMp4(stagedDir)).sort().map((r) => ({ file: join(stagedDir, r), rel: `${cameraId}/${r}`, staged: true }));
    const names = (await listMp4(join(this.root('recordings'), cameraId))).sort();
    // a plain name beside a sealed one is a migration's kept original caught between its two steps (the migration
    // finishes it): the segment is the sealed file
    const sealed = new Set(names.filter((r) => r.endsWith(SEALED_SUFFIX)).map(knownName));
    const stored = names
      .filter((r) => r.endsWith(SEALED_SUFFIX) || !sealed.has(r))
      .map((r) => ({ file: join(this.root('recordings'), cameraId, r), rel: knownName(`${cameraId}/${r}`), staged: false }));
    for (const f of [...staged, ...stored]) {
      if (!f.staged && known.has(f.rel)) continue;
      let st;
      try {
        st = statSync(f.file);
      } catch {
        continue;
      }
      if (opts.minAgeMs && now - st.mtimeMs < opts.minAgeMs) continue;
      const input = f.staged ? f.file : this.ffmpegInput('recordings', f.rel)?.url;
      if (!input) continue;
      const probe = await ffprobeJson(input, { timeoutMs: 15_000, env: this.ffmpegEnv() });
      const video = probe.ok ? probe.data.streams?.find((s) => s.codec_type === 'video') : undefined;
      const duration = probe.ok ? Number(probe.data.format?.duration ?? video?.duration ?? 0) : 0;
      if (probe.ok && video && duration > 0 && !(f.staged && known.has(f.rel))) {
        const durationMs = Math.round(duration * 1000);
        // the name holds the start; without the pattern, the file's last write is its end
        const start = startFromPath(f.rel) ?? Math.round(st.mtimeMs) - durationMs;
        const bytes = f.staged ? await this.adopt(f.file, f.rel) : st.size;
        result.found.push({ cameraId, path: f.rel, start, end: start + durationMs, durationMs, bytes });
        continue;
      }
      const reason = !probe.ok ? `unreadable: ${probe.message}` : video && duration > 0 ? 'already stored' : 'no playable video in the file';
      try {
        await unlink(f.file);
        result.deleted.push({ path: f.rel, reason });
        log.warn({ cameraId, path: f.rel, reason }, 'deleted an unplayable recording segment');
      } catch (e) {
        log.warn({ cameraId, path: f.rel, err: e }, 'could not delete an unplayable recording segment');
      }
    }
    return result;
  }

  /** Removes a camera's empty day folders older than today (left behind by retention). */
  async pruneEmptyDays(cameraId: string, now = Date.now()): Promise<void> {
    const dir = join(this.root('recordings'), cameraId);
    const keep = new Set([utcDay(now), utcDay(now + DAY_MS)]);
    let days: string[];
    try {
      days = await readdir(dir);
    } catch {
      return;
    }
    for (const day of days) {
      if (keep.has(day)) continue;
      const p = join(dir, day);
      try {
        if ((await stat(p)).isDirectory() && (await readdir(p)).length === 0) await rm(p, { recursive: true });
      } catch {
        // raced with a writer or already gone: nothing to do
      }
    }
  }

  /** One export job's folder (`exports/<id>/`): what ffmpeg writes there and every file read or removed in it. */
  exportArea(id: string): ExportArea {
    const dir = this.target('exports', id);
    if (!dir || id.includes('/')) throw new Error(`not an export id: ${id}`);
    return new ExportArea(dir, id, {
      tap: this.tap,
      lookup: this.lookup,
      // with the vault on, everything the job writes is encrypted (a locked vault fails the job, nothing is written plain)
      key: this.encrypted ? () => this.keyFor('exports', id) : undefined,
    });
  }

  /** A fresh scratch folder in staging (concat lists for ffmpeg). */
  scratch(prefix: string): Scratch {
    const base = join(this.stagingDir, 'scratch');
    mkdirSync(base, { recursive: true, mode: 0o700 });
    const dir = mkdtempSync(join(base, `${prefix}-`));
    return {
      dir,
      path: (name) => join(dir, basename(name)),
      writeText: (name, text) => {
        const p = join(dir, basename(name));
        writeFileSync(p, text, { mode: 0o600 });
        return p;
      },
      writeBytes: (name, bytes) => {
        const p = join(dir, basename(name));
        writeFileSync(p, bytes, { mode: 0o600 });
        return p;
      },
      size: (name) => {
        try {
          return statSync(join(dir, basename(name))).size;
        } catch {
          return 0;
        }
      },
      openRead: (name, range) => {
        const p = join(dir, basename(name));
        return existsSync(p) ? createReadStream(p, { ...range, highWaterMark: 1 << 20 }) : null;
      },
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  }

  /** Free and total bytes of the disk the data lives on. */
  async diskSpace(): Promise<{ free: number; total: number }> {
    const s = await statfs(this.dataDir);
    return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
  }

  /** Keeps (want) or releases a reserve file of `bytes` beside the media, so the database can still write on a full disk. */
  reserve(want: boolean, bytes: number): 'kept' | 'released' | 'unchanged' {
    const path = join(this.dataDir, RESERVE);
    const has = existsSync(path);
    try {
      if (want && !has) writeFileSync(path, Buffer.alloc(bytes));
      else if (!want && has) {
        rmSync(path, { force: true });
        return 'released';
      }
    } catch (err) {
      // a reserve we cannot write means the disk is fuller than we thought: the next check says so
      rmSync(path, { force: true });
      throw err;
    }
    return want && !has ? 'kept' : 'unchanged';
  }

  /**
   * Whether the recordings folder is the one the index describes. It is when it carries our marker, or (first start of
   * this version, or a fresh install) when it already holds footage or the index holds none; then the marker is written.
   * False means the folder is missing or empty while the index lists recordings: an unmounted disk, never "all deleted".
   */
  mediaPresent(indexHasSegments: boolean): boolean {
    const root = this.root('recordings');
    if (existsSync(join(root, MARKER))) return true;
    let entries: string[];
    try {
      entries = readdirSync(root).filter((n) => n !== MARKER);
    } catch {
      return false;
    }
    if (entries.length === 0 && indexHasSegments) return false;
    try {
      writeFileSync(join(root, MARKER), 'Porchlight recordings live here; retention and repair act only while this file is present\n');
    } catch {
      return false;
    }
    return true;
  }
}
