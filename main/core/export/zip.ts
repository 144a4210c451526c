// A small streaming ZIP writer: STORE method only (video does not compress), CRC-32, ZIP64 past 4 GB or 65,535 entries.
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { crc32 } from 'node:zlib';

const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_ZIP64_END = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const FLAG_UTF8 = 0x0800;
const MADE_BY_UNIX = (3 << 8) | 45;

export interface ZipEntryFacts {
  name: string;
  size: number;
  crc32: number;
  /** The entry's modification time (DOS time has 2 s resolution and no zone; written as UTC). */
  mtime?: Date;
}

interface CentralEntry {
  name: Buffer;
  size: number;
  crc: number;
  offset: number;
  dosTime: number;
  dosDate: number;
  zip64: boolean;
}

function dosDateTime(d: Date): { dosTime: number; dosDate: number } {
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    dosTime: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    dosDate: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** CRC-32 and size of a stream in one read (callers usually hash it in the same pass, see digestFile). */
export async function crc32Stream(source: Readable): Promise<{ crc32: number; size: number }> {
  let crc = 0;
  let size = 0;
  for await (const chunk of source) {
    crc = crc32(chunk as Buffer, crc);
    size += (chunk as Buffer).length;
  }
  return { crc32: crc, size };
}

export class ZipWriter {
  private readonly out: Writable;
  private offset = 0;
  private readonly entries: CentralEntry[] = [];
  private finished = false;

  /** @param forceZip64 writes ZIP64 records even for small archives (tests exercise that path with it). */
  /** @param out where the archive goes (the media store opens it); finish() ends it, abort() ends it without a directory. */
  constructor(
    out: Writable,
    private readonly forceZip64 = false,
  ) {
    this.out = out;
  }

  private async write(buf: Buffer): Promise<void> {
    this.offset += buf.length;
    if (!this.out.write(buf)) await once(this.out, 'drain');
  }

  private async header(facts: ZipEntryFacts): Promise<CentralEntry> {
    const name = Buffer.from(facts.name, 'utf8');
    if (name.length > U16_MAX) throw new Error('zip entry name too long');
    const zip64 = this.forceZip64 || facts.size >= U32_MAX || this.offset >= U32_MAX;
    const { dosTime, dosDate } = dosDateTime(facts.mtime ?? new Date());
    // the local ZIP64 extra carries both sizes; the 32-bit fields then read 0xFFFFFFFF
    const extra = zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(facts.size), 4);
      extra.writeBigUInt64LE(BigInt(facts.size), 12);
    }
    const h = Buffer.alloc(30);
    h.writeUInt32LE(SIG_LOCAL, 0);
    h.writeUInt16LE(zip64 ? 45 : 20, 4);
    h.writeUInt16LE(FLAG_UTF8, 6);
    h.writeUInt16LE(0, 8); // STORE
    h.writeUInt16LE(dosTime, 10);
    h.writeUInt16LE(dosDate, 12);
    h.writeUInt32LE(facts.crc32 >>> 0, 14);
    h.writeUInt32LE(zip64 ? U32_MAX : facts.size, 18);
    h.writeUInt32LE(zip64 ? U32_MAX : facts.size, 22);
    h.writeUInt16LE(name.length, 26);
    h.writeUInt16LE(extra.length, 28);
    const entry: CentralEntry = { name, size: facts.size, crc: facts.crc32 >>> 0, offset: this.offset, dosTime, dosDate, zip64 };
    await this.write(Buffer.concat([h, name, extra]));
    return entry;
  }

  /** Adds a file whose size and CRC are already known; fails if the file changed since they were taken. */
  async addFile(facts: ZipEntryFacts, source: Readable): Promise<void> {
    if (this.finished) {
      source.destroy();
      throw new Error('zip already finished');
    }
    const entry = await this.header(facts);
    let crc = 0;
    let size = 0;
    for await (const chunk of source) {
      const buf = chunk as Buffer;
      crc = crc32(buf, crc);
      size += buf.length;
      await this.write(buf);
    }
    if (size !== entry.size || crc >>> 0 !== entry.crc) throw new Error(`${facts.name} changed while it was being zipped`);
    this.entries.push(entry);
  }

  async addBuffer(name: string, data: Buffer, mtime?: Date): Promise<void> {
    if (this.finished) throw new Error('zip already finished');
    const entry = await this.header({ name, size: data.length, crc32: crc32(data), mtime });
    await this.write(data);
    this.entries.push(entry);
  }

  /** Writes the central directory and closes the file. */
  async finish(): Promise<number> {
    if (this.finished) throw new Error('zip already finished');
    this.finished = true;
    const cdStart = this.offset;
    for (const e of this.entries) {
      const bigOffset = this.forceZip64 || e.offset >= U32_MAX;
      const bigSize = e.zip64 || e.size >= U32_MAX;
      const fields: bigint[] = [];
      if (bigSize) fields.push(BigInt(e.size), BigInt(e.size));
      if (bigOffset) fields.push(BigInt(e.offset));
      const extra = Buffer.alloc(fields.length ? 4 + fields.length * 8 : 0);
      if (fields.length) {
        extra.writeUInt16LE(0x0001, 0);
        extra.writeUInt16LE(fields.length * 8, 2);
        fields.forEach((f, i) => extra.writeBigUInt64LE(f, 4 + i * 8));
      }
      const c = Buffer.alloc(46);
      c.writeUInt32LE(SIG_CENTRAL, 0);
      c.writeUInt16LE(MADE_BY_UNIX, 4);
      c.writeUInt16LE(e.zip64 || bigOffset ? 45 : 20, 6);
      c.writeUInt16LE(FLAG_UTF8, 8);
      c.writeUInt16LE(0, 10);
      c.writeUInt16LE(e.dosTime, 12);
      c.writeUInt16LE(e.dosDate, 14);
      c.writeUInt32LE(e.crc, 16);
      c.writeUInt32LE(bigSize ? U32_MAX : e.size, 20);
      c.writeUInt32LE(bigSize ? U32_MAX : e.size, 24);
      c.writeUInt16LE(e.name.length, 28);
      c.writeUInt16LE(extra.length, 30);
      c.writeUInt16LE(0, 32); // comment
      c.writeUInt16LE(0, 34); // disk
      c.writeUInt16LE(0, 36); // internal attributes
      c.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
      c.writeUInt32LE(bigOffset ? U32_MAX : e.offset, 42);
      await this.write(Buffer.concat([c, e.name, extra]));
    }
    const cdSize = this.offset - cdStart;
    const count = this.entries.length;
    const needZip64 = this.forceZip64 || count >= U16_MAX || cdStart >= U32_MAX || cdSize >= U32_MAX;
    if (needZip64) {
      const z64At = this.offset;
      const r = Buffer.alloc(56);
      r.writeUInt32LE(SIG_ZIP64_END, 0);
      r.writeBigUInt64LE(44n, 4); // size of the rest of this record
      r.writeUInt16LE(MADE_BY_UNIX, 12);
      r.writeUInt16LE(45, 14);
      r.writeUInt32LE(0, 16);
      r.writeUInt32LE(0, 20);
      r.writeBigUInt64LE(BigInt(count), 24);
      r.writeBigUInt64LE(BigInt(count), 32);
      r.writeBigUInt64LE(BigInt(cdSize), 40);
      r.writeBigUInt64LE(BigInt(cdStart), 48);
      const loc = Buffer.alloc(20);
      loc.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
      loc.writeUInt32LE(0, 4);
      loc.writeBigUInt64LE(BigInt(z64At), 8);
      loc.writeUInt32LE(1, 16);
      await this.write(Buffer.concat([r, loc]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(SIG_END, 0);
    end.writeUInt16LE(needZip64 ? U16_MAX : count, 8);
    end.writeUInt16LE(needZip64 ? U16_MAX : count, 10);
    end.writeUInt32LE(needZip64 ? U32_MAX : cdSize, 12);
    end.writeUInt32LE(needZip64 ? U32_MAX : cdStart, 16);
    await this.write(end);
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return this.offset;
  }

  /**
   * Closes the file without a central directory (the caller removes it). Ended, not destroyed: a destroy while the file
   * is still opening or a write is queued made Node's write callback throw outside any handler, and 'close' never came.
   */
  async abort(): Promise<void> {
    this.finished = true;
    if (this.out.closed || this.out.destroyed) return;
    await new Promise<void>((resolve) => {
      this.out.once('close', () => resolve());
      this.out.once('error', () => resolve());
      this.out.end();
    });
  }
}

export interface ZipListing {
  name: string;
  size: number;
  crc32: number;
  offset: number;
}

/** Reads a zip's central directory (ZIP64 aware): for tests and for verifying an events export. */
export function readZipDirectory(buf: Buffer): ZipListing[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - U16_MAX); i--) {
    if (buf.readUInt32LE(i) === SIG_END) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip: no end of central directory');
  let count = buf.readUInt16LE(eocd + 10);
  let cdStart = buf.readUInt32LE(eocd + 16);
  if (count === U16_MAX || cdStart === U32_MAX) {
    const loc = eocd - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== SIG_ZIP64_LOCATOR) throw new Error('ZIP64 locator missing');
    const z64 = Number(buf.readBigUInt64LE(loc + 8));
    if (buf.readUInt32LE(z64) !== SIG_ZIP64_END) throw new Error('ZIP64 end record missing');
    count = Number(buf.readBigUInt64LE(z64 + 32));
    cdStart = Number(buf.readBigUInt64LE(z64 + 48));
  }
  const out: ZipListing[] = [];
  let p = cdStart;
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== SIG_CENTRAL) throw new Error(`central directory entry ${i} is damaged`);
    let size = buf.readUInt32LE(p + 24);
    const crc = buf.readUInt32LE(p + 16);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let offset = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    // ZIP64 extra: only the fields whose 32-bit value is saturated are present, in this order
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = buf.readUInt16LE(e);
      const len = buf.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        if (buf.readUInt32LE(p + 24) === U32_MAX) {
          size = Number(buf.readBigUInt64LE(f));
          f += 8;
        }
        if (buf.readUInt32LE(p + 20) === U32_MAX) f += 8;
        if (offset === U32_MAX) offset = Number(buf.readBigUInt64LE(f));
      }
      e += 4 + len;
    }
    out.push({ name, size, crc32: crc, offset });
    p = extraEnd + commentLen;
  }
  return out;
}
