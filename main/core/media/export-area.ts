// One export job's folder in the media store: ffmpeg's outputs, the zip being written, manifests, and their removal.
// With the vault on every file here is stored encrypted, in progress too: ffmpeg writes into a pipe the area encrypts as
// the bytes come, and reads its own pieces back through the store's tap; no plain byte of an export reaches the disk.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { encryptBytes, encryptingFile, openDecrypted, readDecrypted, sealedPath, storedFileSync, unlinkIfThere, type FileKey, type KeyLookup } from './encrypted-files.js';
import type { FileReader } from './local-files.js';
import { encryptedSync, tapInput, type FfmpegInput } from './ffmpeg-io.js';
import type { MediaTap } from './tap.js';

/** Names inside the area: `a.mp4`, `.work/b.mp4`; nothing that leaves it. */
function inside(dir: string, name: string): string {
  const n = normalize(name);
  if (!name || name.includes('\0') || name.startsWith('/') || n === '..' || n.startsWith(`..${sep}`)) throw new Error(`not a file of this export: ${name}`);
  return join(dir, n);
}

/** Where ffmpeg writes one output: a path in the area (plain), or `pipe:3` whose bytes `open()` stores encrypted. */
export interface FfmpegOutput {
  target: string;
  /** Set when the output is a pipe: the stream ffmpeg's fd 3 goes into (a new encrypted file in the area). */
  open?: () => Writable;
}

export interface ExportAreaCrypto {
  tap: MediaTap;
  lookup: KeyLookup;
  /** The exports' data key when new files are encrypted (the vault is on); absent for a plain store. */
  key?: () => FileKey;
}

export class ExportArea {
  constructor(
    private readonly dir: string,
    readonly id: string,
    private readonly crypto?: ExportAreaCrypto,
  ) {}

  /** Whether what the area writes is encrypted (then ffmpeg's outputs are pipes, so fragmented MP4). */
  get encrypted(): boolean {
    return Boolean(this.crypto?.key);
  }

  /** Creates the folder (and a subfolder such as `.work`). */
  async ensure(sub?: string): Promise<void> {
    await mkdir(sub ? inside(this.dir, sub) : this.dir, { recursive: true });
  }

  /** The file on disk that holds `name`: its sealed name when stored encrypted (or about to be read), else its own. */
  private stored(name: string): string {
    const file = inside(this.dir, name);
    return this.crypto ? (storedFileSync(file) ?? file) : file;
  }

  /** Where ffmpeg writes `name`: the file itself when plain; a pipe the area encrypts into `name` when the vault is on. */
  ffmpegOutput(name: string): FfmpegOutput {
    const file = inside(this.dir, name);
    const key = this.crypto?.key;
    if (!key) return { target: file };
    return { target: 'pipe:3', open: () => encryptingFile(sealedPath(file), key()) };
  }

  /** What ffmpeg opens to read `name` back (a piece it joins, the clip it probes or redacts). */
  ffmpegInput(name: string): FfmpegInput {
    if (!this.crypto) return { url: inside(this.dir, name), protocols: 'file', env: {} };
    return tapInput(this.crypto.tap, this.stored(name), this.crypto.lookup);
  }

  /** The stored file's path (encrypted when the vault is on): for a user who copies it out, never for ffmpeg. */
  storedPath(name: string): string {
    return this.stored(name);
  }

  /** The name the exports route and the database know the file by (`<id>/<name>`). */
  rel(name: string): string {
    return `${this.id}/${name}`;
  }

  /** The plain bytes of a file of the area (decrypted when stored encrypted). */
  openRead(name: string, signal?: AbortSignal): Readable {
    const file = this.stored(name);
    if (this.crypto && encryptedSync(file)) {
      const r = openDecrypted(file, this.crypto.lookup);
      signal?.addEventListener('abort', () => r.destroy(new Error('aborted')), { once: true });
      return r;
    }
    return createReadStream(file, { highWaterMark: 1 << 20, signal });
  }

  /** A new file (fails if it exists) for a writer that streams, such as the zip. */
  openWrite(name: string): Writable {
    const file = inside(this.dir, name);
    const key = this.crypto?.key;
    return key ? encryptingFile(sealedPath(file), key()) : createWriteStream(file, { flags: 'wx' });
  }

  /** Writes a text file whole under a temporary name, then renames it. */
  async writeText(name: string, text: string): Promise<void> {
    const file = inside(this.dir, name);
    await mkdir(dirname(file), { recursive: true });
    const key = this.crypto?.key;
    if (key) {
      await encryptBytes(Buffer.from(text, 'utf8'), sealedPath(file), key());
      return;
    }
    await writeFile(`${file}.partial`, text, { flag: 'w' });
    await rename(`${file}.partial`, file);
  }

  /** The area as a reader of names inside it (verifying an export's manifest and files). */
  reader(): FileReader {
    return { readText: (name) => this.readText(name), open: (name) => this.openRead(name) };
  }

  async readText(name: string): Promise<string> {
    const file = this.stored(name);
    if (this.crypto && encryptedSync(file)) return (await readDecrypted(file, this.crypto.lookup)).toString('utf8');
    return readFile(file, 'utf8');
  }

  async rename(from: string, to: string): Promise<void> {
    const src = this.stored(from);
    const dst = inside(this.dir, to);
    await rename(src, src === inside(this.dir, from) ? dst : sealedPath(dst));
  }

  /** Removes one file; false when it was not there. */
  async remove(name: string): Promise<boolean> {
    const file = inside(this.dir, name);
    const removed = await Promise.all([unlinkIfThere(file), unlinkIfThere(sealedPath(file))]);
    return removed.includes(true);
  }

  /** Removes a subfolder with what it holds (the `.work` pieces once zipped). */
  async removeDir(sub: string): Promise<void> {
    await rm(inside(this.dir, sub), { recursive: true, force: true });
  }

  /** Removes every file of the job, then its folders (two levels: the job and its .work). */
  async removeAll(): Promise<void> {
    for (const sub of ['.work', '.']) {
      const d = inside(this.dir, sub);
      let names: string[];
      try {
        names = await readdir(d);
      } catch {
        continue;
      }
      for (const n of names) if (n !== '.work') await unlink(join(d, n)).catch(() => undefined);
      await rmdir(d).catch(() => undefined);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
