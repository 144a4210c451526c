// The vault file format: AES-256-GCM in fixed-size chunks, so a byte range decrypts only the chunks it touches.
//
// Layout: a 48-byte header, then chunks of up to CHUNK plaintext bytes, each ciphertext followed by its 16-byte tag.
//   header  = magic "PLVAULT1" (8) | version u8 = 1 | chunk log2 u8 | reserved u16 = 0 | key id (16) | file id (16) | guard (4)
//             where the file id is 12 random bytes then the guard's four bytes (files written before the guard have 16
//             random bytes and zeros there: both read alike, the file id is whatever bytes 28..43 hold)
//   chunk i = AES-256-GCM(fileKey, nonce_i, plain_i, aad_i) || tag_i
// fileKey  = HKDF-SHA256(dataKey, salt = file id, info = "porchlight vault file"): a fresh key per file (random file id),
//            so the per-chunk nonce can be the chunk index: nonce_i = 0x00000000 || u64be(i).
// aad_i    = header || u64be(i) || final flag (1 on the last chunk, else 0): a chunk moved to another index, spliced in
//            from another file, or a file cut at a chunk boundary (its new last chunk was not written as final) fails.
// Every file has at least one chunk (an empty file is one empty final chunk), so the plain size follows from the stored
// size alone: n = ceil((stored - HEADER) / (CHUNK + TAG)), plain = stored - HEADER - n * TAG.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export const MAGIC = Buffer.from('PLVAULT1', 'ascii');
export const VERSION = 1;
export const HEADER = 48;
export const TAG = 16;
export const CHUNK_LOG2 = 16;
/** 64 KiB of plaintext per chunk: a seek reads at most one extra chunk at each end. */
export const CHUNK = 1 << CHUNK_LOG2;

/**
 * 00 00 80 00: what ffmpeg's raw H.263 probe takes for a picture start code with an invalid picture type. That probe
 * scans every byte it is given and claims a file when valid-looking start codes outnumber twice the invalid ones; in
 * random bytes it finds one valid start now and then, so it claims about one ciphertext in 250 of a few KiB (measured:
 * 12 of 3,000), and ffprobe then lists a video stream in a file that holds nothing. Two guards in every header (bytes
 * 40..43 and 44..47) count as invalid starts, so ciphertext would need five valid ones: no vault file probes as media.
 */
export const GUARD = Buffer.from([0x00, 0x00, 0x80, 0x00]);

export class VaultFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultFormatError';
  }
}

export interface VaultHeader {
  keyId: Buffer;
  fileId: Buffer;
  chunk: number;
  raw: Buffer;
}

/** A new file's header: a fresh random file id of 12 bytes (96 bits: no two files of one key share a file key). */
export function makeHeader(keyId: Buffer, random: Buffer = randomBytes(12)): VaultHeader {
  if (keyId.length !== 16 || random.length !== 12) throw new Error('key ids are 16 bytes and file ids 12 random bytes');
  const raw = Buffer.alloc(HEADER);
  MAGIC.copy(raw, 0);
  raw.writeUInt8(VERSION, 8);
  raw.writeUInt8(CHUNK_LOG2, 9);
  keyId.copy(raw, 12);
  random.copy(raw, 28);
  GUARD.copy(raw, 40);
  GUARD.copy(raw, 44);
  return { keyId: raw.subarray(12, 28), fileId: raw.subarray(28, 44), chunk: CHUNK, raw };
}

/** Whether the bytes start like a vault file (the store tells encrypted files from plain ones by this). */
export function isVaultHeader(buf: Buffer): boolean {
  return buf.length >= MAGIC.length && buf.subarray(0, MAGIC.length).equals(MAGIC);
}

export function parseHeader(raw: Buffer): VaultHeader {
  if (raw.length < HEADER || !isVaultHeader(raw)) throw new VaultFormatError('not a Porchlight vault file');
  const version = raw.readUInt8(8);
  if (version !== VERSION) throw new VaultFormatError(`vault file version ${version} is not supported`);
  const log2 = raw.readUInt8(9);
  if (log2 < 10 || log2 > 24) throw new VaultFormatError('vault file chunk size out of range');
  const header = Buffer.from(raw.subarray(0, HEADER));
  return { keyId: header.subarray(12, 28), fileId: header.subarray(28, 44), chunk: 1 << log2, raw: header };
}

export function fileKey(dataKey: Buffer, fileId: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, fileId, 'porchlight vault file', 32));
}

function nonce(index: number): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 4);
  return n;
}

function aad(header: Buffer, index: number, final: boolean): Buffer {
  const a = Buffer.alloc(HEADER + 9);
  header.copy(a, 0);
  a.writeBigUInt64BE(BigInt(index), HEADER);
  a.writeUInt8(final ? 1 : 0, HEADER + 8);
  return a;
}

export function sealChunk(key: Buffer, header: Buffer, index: number, final: boolean, plain: Buffer): Buffer {
  const [body, tag] = new ChunkSealer(key, header).seal(index, final, plain);
  return Buffer.concat([body, tag]);
}

/**
 * Seals the chunks of one file with its nonce and AAD buffers allocated once; each chunk comes back as ciphertext and
 * tag, two buffers for a vectored write (no copy into one). A GCM cipher object serves one nonce, so one per chunk.
 */
export class ChunkSealer {
  private readonly iv = Buffer.alloc(12);
  private readonly ad: Buffer;

  constructor(
    private readonly key: Buffer,
    header: Buffer,
  ) {
    this.ad = Buffer.alloc(HEADER + 9);
    header.copy(this.ad, 0);
  }

  seal(index: number, final: boolean, plain: Buffer): [Buffer, Buffer] {
    this.iv.writeBigUInt64BE(BigInt(index), 4);
    this.ad.writeBigUInt64BE(BigInt(index), HEADER);
    this.ad.writeUInt8(final ? 1 : 0, HEADER + 8);
    const c = createCipheriv('aes-256-gcm', this.key, this.iv);
    c.setAAD(this.ad);
    const body = c.update(plain);
    c.final();
    return [body, c.getAuthTag()];
  }
}

export function openChunk(key: Buffer, header: Buffer, index: number, final: boolean, sealed: Buffer): Buffer {
  if (sealed.length < TAG) throw new VaultFormatError(`chunk ${index} is cut short`);
  const d = createDecipheriv('aes-256-gcm', key, nonce(index));
  d.setAAD(aad(header, index, final));
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    const plain = d.update(sealed.subarray(0, sealed.length - TAG));
    // GCM's final yields no bytes: it checks the tag (and throws when it does not match)
    d.final();
    return plain;
  } catch {
    throw new VaultFormatError(`chunk ${index} does not authenticate (wrong key, or the file was altered, cut or spliced)`);
  }
}

/** Chunks and plaintext bytes of a vault file of `stored` bytes. */
export function geometry(stored: number, chunk = CHUNK): { chunks: number; plain: number } {
  if (stored < HEADER + TAG) throw new VaultFormatError('vault file is cut short');
  const chunks = Math.ceil((stored - HEADER) / (chunk + TAG));
  const plain = stored - HEADER - chunks * TAG;
  // every chunk but the last is full; the last holds at least its tag
  if (plain < 0 || plain > chunks * chunk || (chunks > 1 && plain <= (chunks - 1) * chunk)) throw new VaultFormatError('vault file size is not a whole number of chunks');
  return { chunks, plain };
}

/** Stored bytes of a file of `plain` bytes. */
export function storedSize(plain: number, chunk = CHUNK): number {
  const chunks = Math.max(1, Math.ceil(plain / chunk));
  return HEADER + plain + chunks * TAG;
}
