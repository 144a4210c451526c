// A plain install's media moved into the vault file by file, each step atomic: the plain original stays (a second name
// under <data>/.vault-originals) until the owner confirms, so a rollback puts back the very same bytes.
//
// One file: encrypt into <file>.enc-partial → fsync → link the original to .vault-originals/<kind>/<rel> → rename the
// encrypted copy over the file → fsync the folders. A crash at any instant leaves the file whole, plain or encrypted, and
// the state is read back from the files themselves (a vault header, a kept original): nothing is encrypted twice.
import { createReadStream, createWriteStream, linkSync, mkdirSync, statSync } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { EncryptingWriter, isEncryptedFile, openDecrypted, plainSizeOf, type FileKey, type KeyLookup } from './encrypted-files.js';

export const ORIGINALS = '.vault-originals';
const PARTIAL = /\.(enc-partial|dec-partial|tmp)$/;

export type MigratedKind = 'recordings' | 'snapshots';
export const MIGRATED_KINDS: readonly MigratedKind[] = ['recordings', 'snapshots'];

export interface MigrationItem {
  kind: MigratedKind;
  /** Relative to the kind's root, `/`-separated. */
  rel: string;
  /** Bytes of the plain file (the encrypted one's plaintext). */
  plainBytes: number;
  encrypted: boolean;
}

export type EncryptOutcome = { done: 'encrypted'; plainBytes: number; storedBytes: number } | { done: 'already' | 'gone' | 'changed' };

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

async function syncPath(path: string, data = false): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
    await (data ? fh.datasync() : fh.sync());
  } catch {
    // a folder some systems cannot open (Windows): the rename is as durable as they make it
  } finally {
    await fh?.close();
  }
}

/** Every file under dir, relative and `/`-separated; dot-files (the store's markers) and half-written files are left out. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (errno(err) === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || PARTIAL.test(e.name)) continue;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

export class VaultMigrationFiles {
  /** Folders whose renames are made durable by `flush` (one fsync per folder, not per file). */
  private readonly touched = new Set<string>();

  constructor(private readonly dataDir: string) {}

  /**
   * Makes the renames so far durable. Per file only the new bytes are synced before their rename (so a power cut never
   * leaves a name on unwritten data); a rename or link lost to a power cut leaves the file plain (done again) or an
   * encrypted file without its original (a rollback decrypts it to the same bytes), so the folders wait until here.
   */
  async flush(): Promise<void> {
    const dirs = [...this.touched];
    this.touched.clear();
    for (const d of dirs) await syncPath(d);
  }

  private file(kind: MigratedKind, rel: string): string {
    return join(this.dataDir, kind, ...rel.split('/'));
  }

  original(kind: MigratedKind, rel: string): string {
    return join(this.dataDir, ORIGINALS, kind, ...rel.split('/'));
  }

  /** Every recording, snapshot and thumbnail, plain or encrypted, with its plaintext size. */
  async items(): Promise<MigrationItem[]> {
    const out: MigrationItem[] = [];
    for (const kind of MIGRATED_KINDS) {
      for (const rel of await walk(join(this.dataDir, kind))) {
        const file = this.file(kind, rel);
        try {
          const { size } = await stat(file);
          const encrypted = await isEncryptedFile(file);
          out.push({ kind, rel, encrypted, plainBytes: encrypted ? plainSizeOf(size) : size });
        } catch (err) {
          // removed by retention while we looked, or a vault file cut short: the job's own pass decides
          if (errno(err) !== 'ENOENT') out.push({ kind, rel, encrypted: true, plainBytes: 0 });
        }
      }
    }
    return out;
  }

  /** The originals kept for a rollback (relative paths by kind). */
  async originals(): Promise<{ kind: MigratedKind; rel: string }[]> {
    const out: { kind: MigratedKind; rel: string }[] = [];
    for (const kind of MIGRATED_KINDS) for (const rel of await walk(join(this.dataDir, ORIGINALS, kind))) out.push({ kind, rel });
    return out;
  }

  /** Keeps the plain file under its second name (idempotent: an existing link to the same file is kept). */
  async keepOriginal(kind: MigratedKind, rel: string, ino?: number): Promise<string> {
    const file = this.file(kind, rel);
    const orig = this.original(kind, rel);
    const inode = ino ?? (await stat(file)).ino;
    await mkdir(dirname(orig), { recursive: true, mode: 0o700 });
    try {
      await link(file, orig);
    } catch (err) {
      if (errno(err) !== 'EEXIST') throw err;
      if ((await stat(orig)).ino !== inode) {
        // a stale name from an earlier file of that name: the current file is the original
        await unlink(orig);
        await link(file, orig);
      }
    }
    this.touched.add(dirname(orig));
    return orig;
  }

  /** The kept original of a plain file, linked now if need be (for ffmpeg, which opens it later); null when that fails. */
  pinSync(kind: MigratedKind, file: string, rel: string | null): string | null {
    if (!rel) return null;
    const orig = this.original(kind, rel);
    try {
      mkdirSync(dirname(orig), { recursive: true, mode: 0o700 });
      try {
        linkSync(file, orig);
      } catch (err) {
        if (errno(err) !== 'EEXIST' || statSync(orig).ino !== statSync(file).ino) throw err;
      }
      return orig;
    } catch {
      return null;
    }
  }

  /** Encrypts one plain file in place, keeping its original; the file is never missing or half-written. */
  async encrypt(kind: MigratedKind, rel: string, key: FileKey): Promise<EncryptOutcome> {
    const file = this.file(kind, rel);
    let fh;
    try {
      fh = await open(file, 'r');
    } catch (err) {
      if (errno(err) === 'ENOENT') return { done: 'gone' };
      throw err;
    }
    const tmp = `${file}.enc-partial`;
    let ino: number;
    let plainBytes: number;
    try {
      const st = await fh.stat();
      ino = st.ino;
      plainBytes = st.size;
      const head = Buffer.alloc(8);
      const { bytesRead } = await fh.read(head, 0, 8, 0);
      if (bytesRead === 8 && head.toString('ascii') === 'PLVAULT1') return { done: 'already' };
      await pipeline(createReadStream('', { fd: fh, start: 0, autoClose: false, highWaterMark: 1 << 20 }), new EncryptingWriter(createWriteStream(tmp, { mode: 0o600 }), key));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    } finally {
      await fh.close();
    }
    try {
      await syncPath(tmp, true);
      // rewritten while we read it (a better snapshot): the new file is the one to keep; the caller takes it again
      const now = await stat(file).catch(() => null);
      if (!now || now.ino !== ino) {
        await rm(tmp, { force: true });
        return { done: now ? 'changed' : 'gone' };
      }
      await this.keepOriginal(kind, rel, ino);
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    this.touched.add(dirname(file));
    return { done: 'encrypted', plainBytes, storedBytes: (await stat(file)).size };
  }

  /**
   * Puts one file back as it was: its kept original renamed over the encrypted copy (the same bytes), or, for a file
   * recorded encrypted during the migration, its plaintext decrypted beside it and renamed over it. An original whose
   * file retention has since deleted goes too.
   */
  async restore(kind: MigratedKind, rel: string, lookup: KeyLookup): Promise<'restored' | 'decrypted' | 'dropped' | 'plain'> {
    const file = this.file(kind, rel);
    const orig = this.original(kind, rel);
    const [fst, ost] = await Promise.all([stat(file).catch(() => null), stat(orig).catch(() => null)]);
    if (ost) {
      if (!fst || fst.ino === ost.ino) {
        await unlink(orig);
        return fst ? 'plain' : 'dropped';
      }
      await rename(orig, file);
      this.touched.add(dirname(file));
      return 'restored';
    }
    if (!fst || !(await isEncryptedFile(file))) return 'plain';
    const tmp = `${file}.dec-partial`;
    try {
      await pipeline(openDecrypted(file, lookup), createWriteStream(tmp, { mode: 0o600 }));
      await syncPath(tmp, true);
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    this.touched.add(dirname(file));
    return 'decrypted';
  }

  /** Drops one kept original (its file was deleted by retention or by hand). */
  async dropOriginal(kind: MigratedKind, rel: string): Promise<void> {
    await rm(this.original(kind, rel), { force: true });
  }

  /** After the owner confirmed: every plain original is unlinked. */
  async dropAll(): Promise<void> {
    await rm(join(this.dataDir, ORIGINALS), { recursive: true, force: true });
    await syncPath(this.dataDir);
  }
}
