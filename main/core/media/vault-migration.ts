// A plain install's media moved into the vault file by file, each step atomic: the plain original stays (a second name
// under <data>/.vault-originals) until the owner confirms, so a rollback puts back the very same bytes.
//
// One file: encrypt into <file>.vault.enc-partial → fsync → link the original to .vault-originals/<kind>/<rel> → rename
// the encrypted copy to its sealed name <file>.vault → unlink the plain name → fsync the folders. A crash at any instant
// leaves the file whole, plain or encrypted (both names at once between the last two steps: the store reads the sealed
// one, and the next pass drops the plain name, still kept as the original), and the state is read back from the files
// themselves (a sealed name, a kept original): nothing is encrypted twice.
import { createReadStream, createWriteStream, linkSync, mkdirSync, statSync } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { EncryptingWriter, isEncryptedFile, knownName, openDecrypted, plainSizeOf, sealedPath, unlinkIfThere, type FileKey, type KeyLookup } from './encrypted-files.js';

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

  /** Every recording, snapshot and thumbnail, plain or encrypted, with its plaintext size (once, by its known name). */
  async items(): Promise<MigrationItem[]> {
    const out: MigrationItem[] = [];
    for (const kind of MIGRATED_KINDS) {
      const names = await walk(join(this.dataDir, kind));
      const present = new Set(names);
      for (const name of names) {
        const rel = knownName(name);
        // both names at once (caught between the last two steps): one item, the plain name, which the job's pass drops
        if (name !== rel && present.has(rel)) continue;
        const file = join(this.dataDir, kind, ...name.split('/'));
        try {
          const { size } = await stat(file);
          if (name === rel && present.has(sealedPath(rel))) {
            out.push({ kind, rel, encrypted: false, plainBytes: size });
            continue;
          }
          const encrypted = name !== rel || (await isEncryptedFile(file));
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
    const sealed = sealedPath(file);
    let fh;
    try {
      fh = await open(file, 'r');
    } catch (err) {
      if (errno(err) === 'ENOENT') return { done: 'gone' };
      throw err;
    }
    const tmp = `${sealed}.enc-partial`;
    let ino: number;
    let plainBytes: number;
    try {
      const st = await fh.stat();
      ino = st.ino;
      plainBytes = st.size;
      if (await stat(sealed).catch(() => null)) {
        // stopped between the rename and the unlink: the plain name is the kept original's second name
        await this.keepOriginal(kind, rel, ino);
        await unlink(file);
        this.touched.add(dirname(file));
        return { done: 'already' };
      }
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
      await rename(tmp, sealed);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await unlink(file);
    this.touched.add(dirname(file));
    return { done: 'encrypted', plainBytes, storedBytes: (await stat(sealed)).size };
  }

  /**
   * Puts one file back as it was: its kept original renamed back to the plain name and the encrypted copy dropped (the
   * same bytes), or, for a file recorded encrypted during the migration, its plaintext decrypted beside it and renamed
   * to the plain name. An original whose file retention has since deleted goes too.
   */
  async restore(kind: MigratedKind, rel: string, lookup: KeyLookup): Promise<'restored' | 'decrypted' | 'dropped' | 'plain'> {
    const file = this.file(kind, rel);
    const sealed = sealedPath(file);
    const orig = this.original(kind, rel);
    const [pst, sst, ost] = await Promise.all([stat(file).catch(() => null), stat(sealed).catch(() => null), stat(orig).catch(() => null)]);
    if (ost) {
      // no encrypted copy (one from before sealed names was encrypted under the plain name): the plain file stands
      const legacy = !sst && pst && pst.ino !== ost.ino && (await isEncryptedFile(file));
      if (!sst && !legacy) {
        await unlink(orig);
        return pst ? 'plain' : 'dropped';
      }
      // the original under the plain name again first, then the encrypted copy goes: a crash between leaves both
      // names, which the next pass (no original left) settles by dropping the sealed one
      await rename(orig, file);
      await unlinkIfThere(sealed);
      this.touched.add(dirname(file));
      return 'restored';
    }
    if (sst && pst) {
      await unlink(sealed);
      this.touched.add(dirname(file));
      return 'restored';
    }
    const encrypted = sst ? sealed : pst && (await isEncryptedFile(file)) ? file : null;
    if (!encrypted) return 'plain';
    const tmp = `${file}.dec-partial`;
    try {
      await pipeline(openDecrypted(encrypted, lookup), createWriteStream(tmp, { mode: 0o600 }));
      await syncPath(tmp, true);
      await rename(tmp, file);
      if (encrypted !== file) await unlink(encrypted);
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
