// Vault files on disk: encrypting a closed file or a stream into the chunked format, and reading any byte range back.
import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CHUNK, fileKey, geometry, HEADER, makeHeader, openChunk, parseHeader, sealChunk, TAG, VaultFormatError } from '../vault/format.js';

/** The data key a file is encrypted with: its id goes into the header, so any key can be found again to read it. */
export interface FileKey {
  id: Buffer;
  key: Buffer;
}

/** Finds the data key of a file by the id in its header; null when that key is gone (its camera was deleted). */
export type KeyLookup = (keyId: Buffer) => Buffer | null;

/** Encrypts as it goes: the header first, then each chunk once the next byte shows it is not the last. */
export class EncryptingWriter extends Writable {
  private pending: Buffer = Buffer.alloc(0);
  private index = 0;
  private readonly header;
  private readonly key: Buffer;

  constructor(
    private readonly out: Writable,
    k: FileKey,
  ) {
    super();
    this.header = makeHeader(k.id);
    this.key = fileKey(k.key, this.header.fileId);
    // a failing file (disk full, a name that exists) fails this stream, never the process
    out.on('error', (err) => this.destroy(err));
    this.push(this.header.raw);
  }

  private push(buf: Buffer): boolean {
    return this.out.write(buf);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let ok = true;
    // keep at least one byte back: only the end says which chunk is final
    while (this.pending.length > CHUNK) {
      ok = this.push(sealChunk(this.key, this.header.raw, this.index++, false, this.pending.subarray(0, CHUNK))) && ok;
      this.pending = this.pending.subarray(CHUNK);
    }
    if (ok) cb();
    else this.out.once('drain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.push(sealChunk(this.key, this.header.raw, this.index++, true, this.pending));
    this.out.end((err?: Error | null) => cb(err ?? null));
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
 * changed, reordered, spliced or cut file fails the stream with a VaultFormatError instead of yielding bad bytes.
 */
export function openDecrypted(file: string, lookup: KeyLookup, range?: { start: number; end: number }): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      const { chunks: n, plain } = geometry(size);
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
      for (let i = Math.floor(start / CHUNK); i <= Math.floor(end / CHUNK); i++) {
        const final = i === n - 1;
        const len = (final ? plain - i * CHUNK : CHUNK) + TAG;
        const clear = openChunk(key, header.raw, i, final, await readAt(fh, HEADER + i * (CHUNK + TAG), len));
        const from = i === Math.floor(start / CHUNK) ? start - i * CHUNK : 0;
        const to = i === Math.floor(end / CHUNK) ? end - i * CHUNK + 1 : clear.length;
        yield clear.subarray(from, to);
      }
    } finally {
      await fh.close();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

async function readAt(fh: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
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
