// One export job's folder in the media store: ffmpeg's outputs, the zip being written, manifests, and their removal.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { FileReader } from './local-files.js';

/** Names inside the area: `a.mp4`, `.work/b.mp4`; nothing that leaves it. */
function inside(dir: string, name: string): string {
  const n = normalize(name);
  if (!name || name.includes('\0') || name.startsWith('/') || n === '..' || n.startsWith(`..${sep}`)) throw new Error(`not a file of this export: ${name}`);
  return join(dir, n);
}

export class ExportArea {
  constructor(
    private readonly dir: string,
    readonly id: string,
  ) {}

  /** Creates the folder (and a subfolder such as `.work`). */
  async ensure(sub?: string): Promise<void> {
    await mkdir(sub ? inside(this.dir, sub) : this.dir, { recursive: true });
  }

  /** The file ffmpeg writes (an output or a piece) or reads back (a piece it joins); the store owns the folder. */
  ffmpegPath(name: string): string {
    return inside(this.dir, name);
  }

  /** The name the exports route and the database know the file by (`<id>/<name>`). */
  rel(name: string): string {
    return `${this.id}/${name}`;
  }

  openRead(name: string, signal?: AbortSignal): Readable {
    return createReadStream(inside(this.dir, name), { highWaterMark: 1 << 20, signal });
  }

  /** A new file (fails if it exists) for a writer that streams, such as the zip. */
  openWrite(name: string): Writable {
    return createWriteStream(inside(this.dir, name), { flags: 'wx' });
  }

  /** Writes a text file whole under a temporary name, then renames it. */
  async writeText(name: string, text: string): Promise<void> {
    const file = inside(this.dir, name);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.partial`, text, { flag: 'w' });
    await rename(`${file}.partial`, file);
  }

  /** The area as a reader of names inside it (verifying an export's manifest and files). */
  reader(): FileReader {
    return { readText: (name) => this.readText(name), open: (name) => this.openRead(name) };
  }

  readText(name: string): Promise<string> {
    return readFile(inside(this.dir, name), 'utf8');
  }

  async rename(from: string, to: string): Promise<void> {
    await rename(inside(this.dir, from), inside(this.dir, to));
  }

  /** Removes one file; false when it was not there. */
  async remove(name: string): Promise<boolean> {
    try {
      await unlink(inside(this.dir, name));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
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
