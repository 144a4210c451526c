// Vault files on disk: encrypting a closed file or a stream into the chunked format, and reading any byte range back.
import { closeSync, createReadStream, createWriteStream, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, rename, rm, stat, unlink } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ChunkCache } from './chunk-cache.js';
import { CHUNK, ChunkSealer, fileKey, geometry, HEADER, makeHeader, openChunk, parseHeader, TAG, VaultFormatError } from '../vault/format.js';

/**
 * What an encrypted file's name ends with on disk: `a.mp4` is stored as `a.mp4.vault`. Tools pick a reader by the name
 * (ffprobe opens any `*.jpg` as a picture and lists a stream in it, whatever the bytes), so no vault file keeps a media
 * extension; the database, URLs and every caller of the store still name it `a.mp4`.
 */
export const SEALED_SUFFIX = '.vault';
export const sealedPath = (plainPath: string): string => `${plainPath}${SEALED_SUFFIX}`;
/** The name a stored file is known by: a sealed name without its suffix, any other as it is. */
export const knownName = (name: string): string => (name.endsWith(SEALED_SUFFIX) ? name.slice(0, -SEALED_SUFFIX.length) : name);
/** The file on disk that holds `plainPath`: its sealed name when that exists, else the plain one (or null: neither). */
export function storedFileSync(plainPath: string): string | null {
  if (existsSync(sealedPath(plainPath))) return sealedPath(plainPath);
  return existsSync(plainPath) ? plainPath : null;
}

/** Unlinks a file; false when it was not there. */
export async function unlinkIfThere(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** The data key a file is encrypted with: its id goes into the header, so any key can be found again to read it. */
export interface FileKey {
  id: Buffer;
  key: Buffer;
}

/** Finds the data key of a file by the id in its header; null when that key is gone (its camera was deleted). */
export type KeyLookup = (keyId: Buffer) => Buffer | null;

/**
 * Encrypts as it goes: the header first, then each chunk once the next byte shows it is not the last. Whole chunks are
 * sealed straight from the incoming buffers; only a partial chunk is copied, into one buffer kept for the file. What
 * one write seals goes out as one vectored write, and the writer waits for the file when it is behind (backpressure).
 */
export class EncryptingWriter extends Writable {
  private readonly pending = Buffer.allocUnsafe(CHUNK);
  private pendingLen = 0;
  private index = 0;
  private readonly header;
  private readonly sealer: ChunkSealer;

  constructor(
    private readonly out: Writable,
    k: FileKey,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.header = makeHeader(k.id);
    this.sealer = new ChunkSealer(fileKey(k.key, this.header.fileId), this.header.raw);
    // a failing file (disk full, a name that exists) fails this stream, never the process
    out.on('error', (err) => this.destroy(err));
    this.out.write(this.header.raw);
  }

  /** Seals `data` into `parts`, keeping back what may still be the last chunk. */
  private take(data: Buffer, parts: Buffer[]): void {
    let off = 0;
    while (off < data.length) {
      // a full pending chunk with a byte after it: not the last one
      if (this.pendingLen === CHUNK) {
        parts.push(...this.sealer.seal(this.index++, false, this.pending));
        this.pendingLen = 0;
      }
      if (this.pendingLen === 0 && data.length - off > CHUNK) {
        parts.push(...this.sealer.seal(this.index++, false, data.subarray(off, off + CHUNK)));
        off += CHUNK;
        continue;
      }
      const n = Math.min(CHUNK - this.pendingLen, data.length - off);
      data.copy(this.pending, this.pendingLen, off, off + n);
      this.pendingLen += n;
      off += n;
    }
  }

  private flush(parts: Buffer[], cb: (err?: Error | null) => void): void {
    if (parts.length === 0) return cb();
    this.out.cork();
    let ok = true;
    for (const p of parts) ok = this.out.write(p) && ok;
    process.nextTick(() => this.out.uncork());
    if (ok) cb();
    else this.out.once('drain', () => cb());
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const parts: Buffer[] = [];
    this.take(chunk, parts);
    this.flush(parts, cb);
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    const parts: Buffer[] = [];
    for (const c of chunks) this.take(c.chunk, parts);
    this.flush(parts, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    const last = this.sealer.seal(this.index++, true, this.pending.subarray(0, this.pendingLen));
    this.out.write(last[0]);
    this.out.end(last[1], (err?: Error | null) => cb(err ?? null));
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.out.destroy();
    cb(err);
  }
}

/** Encrypts a closed plain file into `dst` (written under a temporary name, then renamed); returns the stored bytes. */
export async function encryptFile(src: string, dst: string, k: FileKey): Promise<number> {
  const tmp = `${dst}.enc-partial`;
  try {
    await pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), new EncryptingWriter(createWriteStream(tmp, { mode: 0o600 }), k));
    await rename(tmp, dst);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return (await stat(dst)).size;
}

/** Encrypts bytes in memory into `dst` (snapshots, manifests). */
export async function encryptBytes(data: Buffer, dst: string, k: FileKey): Promise<number> {
  const tmp = `${dst}.enc-partial`;
  try {
    await pipeline(Readable.from([data]), new EncryptingWriter(createWriteStream(tmp, { mode: 0o600 }), k));
    await rename(tmp, dst);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return (await stat(dst)).size;
}

/** Plaintext bytes of a vault file from its stored size alone. */
export function plainSizeOf(stored: number): number {
  return geometry(stored).plain;
}

/**
 * Reads bytes [start, end] (inclusive) of the plaintext, decrypting only the chunks they fall in. A wrong key, a
 * changed, reordered, spliced or cut file fails the stream with a VaultFormatError instead of yielding bad bytes. With
 * a cache, chunks another reader of the file decrypted are taken from it, and what this one decrypts is left there.
 */
export function openDecrypted(file: string, lookup: KeyLookup, range?: { start: number; end: number }, cache?: ChunkCache): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    const fh = await open(file, 'r');
    try {
      const st = await fh.stat();
      const { chunks: n, plain } = geometry(st.size);
      const version = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
      const headerBuf = Buffer.alloc(HEADER);
      await fh.read(headerBuf, 0, HEADER, 0);
      const header = parseHeader(headerBuf);
      if (header.chunk !== CHUNK) throw new VaultFormatError('vault file chunk size not supported');
      const dataKey = lookup(header.keyId);
      if (!dataKey) throw new VaultFormatError('the key of this file is gone: it cannot be decrypted');
      const key = fileKey(dataKey, header.fileId);
      if (plain === 0) {
        openChunk(key, header.raw, 0, true, await readAt(fh, HEADER, TAG));
        return;
      }
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? plain - 1, plain - 1);
      if (start > end) return;
      const first = Math.floor(start / CHUNK);
      const last = Math.floor(end / CHUNK);
      const part = (i: number, clear: Buffer): Buffer => {
        const a = i === first ? start - i * CHUNK : 0;
        const b = i === last ? end - i * CHUNK + 1 : clear.length;
        return a === 0 && b === clear.length ? clear : clear.subarray(a, b);
      };
      // reads grow from one chunk to SPAN (a MiB per syscall rather than 64 KiB): the first byte of a seek comes after
      // one chunk, and a reader that leaves early (ffmpeg seeking on) had little decrypted for nothing
      let span = 1;
      for (let s = first; s <= last; ) {
        const hit = cache?.get(version, s);
        if (hit) {
          yield part(s, hit);
          s++;
          continue;
        }
        let upTo = Math.min(last, s + span - 1);
        // a run of chunks not decrypted yet: stop before the next one a reader left in the cache
        if (cache) {
          for (let i = s + 1; i <= upTo; i++) {
            if (cache.has(version, i)) {
              upTo = i - 1;
              break;
            }
          }
        }
        const from = HEADER + s * (CHUNK + TAG);
        const to = HEADER + upTo * (CHUNK + TAG) + (upTo === n - 1 ? plain - upTo * CHUNK : CHUNK) + TAG;
        const buf = await readAt(fh, from, to - from);
        for (let i = s; i <= upTo; i++) {
          const final = i === n - 1;
          const at = (i - s) * (CHUNK + TAG);
          const len = (final ? plain - i * CHUNK : CHUNK) + TAG;
          const clear = openChunk(key, header.raw, i, final, buf.subarray(at, at + len));
          cache?.set(version, i, clear);
          yield part(i, clear);
        }
        s = upTo + 1;
        span = Math.min(SPAN, span * 2);
      }
    } finally {
      await fh.close();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** Chunks read at once by a streaming read: 16 × 64 KiB, a MiB per syscall. */
const SPAN = 16;

async function readAt(fh: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  if (bytesRead !== length) throw new VaultFormatError('vault file is cut short');
  return buf;
}

/** A small vault file's plaintext, read at once (a manifest the job list shows). */
export function readDecryptedSync(file: string, lookup: KeyLookup): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const { chunks: n, plain } = geometry(size);
    const raw = Buffer.alloc(size);
    if (readSync(fd, raw, 0, size, 0) !== size) throw new VaultFormatError('vault file is cut short');
    const header = parseHeader(raw.subarray(0, HEADER));
    if (header.chunk !== CHUNK) throw new VaultFormatError('vault file chunk size not supported');
    const dataKey = lookup(header.keyId);
    if (!dataKey) throw new VaultFormatError('the key of this file is gone: it cannot be decrypted');
    const key = fileKey(dataKey, header.fileId);
    const parts: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const at = HEADER + i * (CHUNK + TAG);
      const len = (i === n - 1 ? plain - i * CHUNK : CHUNK) + TAG;
      parts.push(openChunk(key, header.raw, i, i === n - 1, raw.subarray(at, at + len)));
    }
    return Buffer.concat(parts);
  } finally {
    closeSync(fd);
  }
}

/** A new vault file at `path` (fails if it exists), written as the bytes come: what an export job streams into. */
export function encryptingFile(path: string, k: FileKey): Writable {
  return new EncryptingWriter(createWriteStream(path, { flags: 'wx', mode: 0o600 }), k);
}

/** A whole vault file's plaintext. */
export async function readDecrypted(file: string, lookup: KeyLookup): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of openDecrypted(file, lookup)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Whether a stored file starts with the vault header (a file from before encryption was turned on does not). */
export async function isEncryptedFile(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(8);
    const { bytesRead } = await fh.read(buf, 0, 8, 0);
    return bytesRead === 8 && buf.toString('ascii') === 'PLVAULT1';
  } finally {
    await fh.close();
  }
}
