// Encryption at rest on real files: the chunk format resists tampering, the store writes only ciphertext, ffmpeg still plays.
import { execFileSync, spawnSync } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readableAtRest, walkFiles } from '../../../test/helpers/at-rest.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { SettingsStore } from '../config/index.js';
import { encodeSegments } from '../export/fixtures.js';
import { ffprobeJson } from '../ffmpeg/ffprobe.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { DecryptedChunks } from '../media/chunk-cache.js';
import { encryptBytes, openDecrypted, readDecrypted } from '../media/encrypted-files.js';
import { MediaStore } from '../media/index.js';
import { VaultMigrationFiles } from '../media/vault-migration.js';
import { SegmentIndex } from '../recordings/index.js';
import { openPlayback, recordedFrame } from '../recordings/recorded-media.js';
import { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { CHUNK, fileKey, GUARD, HEADER, makeHeader, parseHeader, sealChunk, TAG } from './format.js';
import { unwrapDataKey } from './keys.js';
import { keyFileSource, passphraseSource, Vault, VaultFormatError } from './index.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const KEY = { id: Buffer.alloc(16, 1), key: Buffer.alloc(32, 2) };
const lookup = (id: Buffer): Buffer | null => (id.equals(KEY.id) ? KEY.key : null);
const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + (i >> 8)) & 0xff));

async function readAll(r: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function fails(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('the chunked file format', () => {
  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5])('round-trips %i bytes, whole and by ranges across chunk edges', async (n) => {
    const plain = bytes(n);
    const file = join(tmp.dir, `rt-${n}.bin`);
    const stored = await encryptBytes(plain, file, KEY);
    expect(stored).toBe(HEADER + n + Math.max(1, Math.ceil(n / CHUNK)) * TAG);
    expect((await readDecrypted(file, lookup)).equals(plain)).toBe(true);
    for (const [a, b] of [[0, 0], [CHUNK - 2, CHUNK + 2], [n - 1, n - 1], [1, n - 2]] as const) {
      if (a < 0 || b >= n || a > b) continue;
      expect((await readAll(openDecrypted(file, lookup, { start: a, end: b }))).equals(plain.subarray(a, b + 1)), `${a}-${b}`).toBe(true);
    }
  });

  it('refuses a flipped byte, swapped chunks, a chunk spliced from another file, a cut file and a wrong key', async () => {
    const plain = bytes(3 * CHUNK + 100);
    const file = join(tmp.dir, 'a.bin');
    const other = join(tmp.dir, 'b.bin');
    await encryptBytes(plain, file, KEY);
    await encryptBytes(plain, other, KEY);
    const orig = readFileSync(file);
    const chunkAt = (buf: Buffer, i: number): Buffer => buf.subarray(HEADER + i * (CHUNK + TAG), HEADER + (i + 1) * (CHUNK + TAG));
    const variants: Record<string, Buffer> = {
      flipped: Buffer.from(orig).fill(orig[HEADER + 10]! ^ 1, HEADER + 10, HEADER + 11),
      swapped: Buffer.concat([orig.subarray(0, HEADER), chunkAt(orig, 1), chunkAt(orig, 0), orig.subarray(HEADER + 2 * (CHUNK + TAG))]),
      spliced: Buffer.concat([orig.subarray(0, HEADER), chunkAt(readFileSync(other), 0), orig.subarray(HEADER + CHUNK + TAG)]),
      // cut at a chunk boundary: the new last chunk was not written as the final one
      cut: orig.subarray(0, HEADER + 2 * (CHUNK + TAG)),
    };
    for (const [name, buf] of Object.entries(variants)) {
      const f = join(tmp.dir, `bad-${name}.bin`);
      writeFileSync(f, buf);
      const err = await fails(readDecrypted(f, lookup));
      expect(err, name).toBeInstanceOf(VaultFormatError);
    }
    const wrong = await fails(readDecrypted(file, () => Buffer.alloc(32, 9)));
    expect(wrong.message).toMatch(/does not authenticate/);
    expect((await fails(readDecrypted(file, () => null))).message).toMatch(/key of this file is gone/);
  });

  it('shares decrypted chunks between readers of one file version, and never serves them for a file replaced under its name', async () => {
    const cache = new DecryptedChunks(1 << 20);
    const file = join(tmp.dir, 'cached.bin');
    const a = randomBytes(5 * CHUNK + 123);
    await encryptBytes(a, file, KEY);
    // a reader that reads ahead (chunks 0..5), then ranges that start, end and sit inside cached chunks
    expect((await readAll(openDecrypted(file, lookup, undefined, cache))).equals(a)).toBe(true);
    expect(cache.held).toBe(a.length);
    for (const [x, y] of [[0, 10], [CHUNK - 5, 3 * CHUNK + 7], [a.length - 200, a.length - 1], [2 * CHUNK, 2 * CHUNK]] as const) {
      expect((await readAll(openDecrypted(file, lookup, { start: x, end: y }, cache))).equals(a.subarray(x, y + 1)), `${x}-${y}`).toBe(true);
    }
    // a file whose chunks 1 and 3 alone are cached reads the others from the disk around them
    const partial = new DecryptedChunks(1 << 20);
    await readAll(openDecrypted(file, lookup, { start: CHUNK, end: CHUNK }, partial));
    await readAll(openDecrypted(file, lookup, { start: 3 * CHUNK, end: 3 * CHUNK }, partial));
    expect((await readAll(openDecrypted(file, lookup, undefined, partial))).equals(a)).toBe(true);
    // the same name, new bytes (a snapshot rewritten): the cached chunks of the old file are not its chunks
    const b = randomBytes(a.length);
    await encryptBytes(b, file, KEY);
    expect((await readAll(openDecrypted(file, lookup, undefined, cache))).equals(b)).toBe(true);
    // bounded: a small pool keeps the most recent chunks only
    const small = new DecryptedChunks(2 * CHUNK);
    await readAll(openDecrypted(file, lookup, undefined, small));
    expect(small.held).toBeLessThanOrEqual(2 * CHUNK);
    expect((await readAll(openDecrypted(file, lookup, undefined, small))).equals(b)).toBe(true);
  });

  it("carries two guards in its header that keep ffmpeg's raw H.263 probe from claiming ciphertext as video", async () => {
    const probes = (f: string): boolean => {
      const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', f]);
      return r.status === 0 && r.stdout.toString().trim() !== '';
    };
    // pseudo-random bytes (AES-CTR keystreams of 4,000 bytes) that the probe claims behind a header without the guards:
    // found by trying seeds (4 of the first 319), so the test sees the failure it guards against
    const keystream = (seed: number): Buffer =>
      createCipheriv('aes-128-ctr', createHash('sha256').update(`seed ${seed}`).digest().subarray(0, 16), Buffer.alloc(16)).update(Buffer.alloc(4000));
    const header = makeHeader(KEY.id).raw;
    expect(header.subarray(40, 48).equals(Buffer.concat([GUARD, GUARD]))).toBe(true);
    const unguarded = Buffer.from(header).fill(0, 40, 48);
    for (const seed of [34, 54, 89, 318]) {
      const body = keystream(seed);
      const without = join(tmp.dir, `unguarded-${seed}.bin`);
      const withGuard = join(tmp.dir, `guarded-${seed}.bin`);
      writeFileSync(without, Buffer.concat([unguarded, body]));
      writeFileSync(withGuard, Buffer.concat([header, body]));
      expect(probes(without), `seed ${seed} without the guards`).toBe(true);
      expect(probes(withGuard), `seed ${seed} with them`).toBe(false);
    }
    // and what the store writes carries them: fifty small files (the size of thumbnails and manifests)
    for (let i = 0; i < 50; i++) {
      const f = join(tmp.dir, `small-${i}.bin`);
      await encryptBytes(randomBytes(500 + i * 97), f, KEY);
      expect(readFileSync(f).subarray(40, 48).equals(Buffer.concat([GUARD, GUARD]))).toBe(true);
      expect(probes(f), f).toBe(false);
    }
    // a file written before the guards (16 random bytes of file id, zeros after) still reads
    const old = Buffer.from(header);
    randomBytes(16).copy(old, 28);
    old.fill(0, 44, 48);
    const plain = bytes(1000);
    const file = join(tmp.dir, 'before-guards.bin');
    writeFileSync(file, Buffer.concat([old, sealChunk(fileKey(KEY.key, parseHeader(old).fileId), old, 0, true, plain)]));
    expect((await readDecrypted(file, lookup)).equals(plain)).toBe(true);
  });
});

describe('a migration stopped between its last two steps (both names on disk)', () => {
  it('encrypting again drops the plain name; rolling back again drops the sealed one; the bytes are the original', async () => {
    const dir = join(tmp.dir, 'two-names');
    mkdirSync(join(dir, 'snapshots', 'porch'), { recursive: true });
    const files = new VaultMigrationFiles(dir);
    const plain = join(dir, 'snapshots', 'porch', 'ev.jpg');
    const original = randomBytes(3000);
    writeFileSync(plain, original);
    expect(await files.encrypt('snapshots', 'porch/ev.jpg', KEY)).toMatchObject({ done: 'encrypted' });
    expect(existsSync(plain)).toBe(false);
    // a crash after the rename, before the unlink: the plain name is back beside the sealed one
    linkSync(files.original('snapshots', 'porch/ev.jpg'), plain);
    expect(await files.items()).toEqual([{ kind: 'snapshots', rel: 'porch/ev.jpg', encrypted: false, plainBytes: 3000 }]);
    expect(await files.encrypt('snapshots', 'porch/ev.jpg', KEY)).toEqual({ done: 'already' });
    expect(existsSync(plain)).toBe(false);
    expect(await files.items()).toMatchObject([{ rel: 'porch/ev.jpg', encrypted: true, plainBytes: 3000 }]);
    // a rollback stopped after the original came back under its name, before the sealed copy went
    expect(await files.restore('snapshots', 'porch/ev.jpg', lookup)).toBe('restored');
    expect(readFileSync(plain).equals(original)).toBe(true);
    await encryptBytes(original, `${plain}.vault`, KEY);
    expect(await files.restore('snapshots', 'porch/ev.jpg', lookup)).toBe('restored');
    expect(existsSync(`${plain}.vault`)).toBe(false);
    expect(readFileSync(plain).equals(original)).toBe(true);
  });
});

describe('the vault keys', () => {
  it('locks when its key file is missing, unlocks when it is back, and a rotation leaves footage readable', async () => {
    const dir = join(tmp.dir, 'keys');
    mkdirSync(dir);
    const keyFile = join(dir, 'vault.key');
    const db = Database.open(join(dir, 'p.db'));
    const v = new Vault(db, { source: keyFileSource(keyFile) });
    expect((await v.open()).state).toBe('unlocked');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const k = v.dataKey('cam');
    const file = join(dir, 'seg.bin');
    await encryptBytes(bytes(5000), file, k);

    renameSync(keyFile, `${keyFile}.away`);
    const locked = new Vault(db, { source: keyFileSource(keyFile) });
    expect(await locked.open()).toMatchObject({ state: 'locked', message: expect.stringMatching(/key file .* is missing/) });
    expect(() => locked.dataKey('cam')).toThrow(/locked/);
    renameSync(`${keyFile}.away`, keyFile);
    expect(await locked.tryUnlock()).toBe(true);
    expect((await readDecrypted(file, (id) => locked.lookup(id))).equals(bytes(5000))).toBe(true);

    const oldKey = readFileSync(keyFile);
    expect(await locked.rotateMaster()).toBe(1);
    expect(readFileSync(keyFile).equals(oldKey)).toBe(false);
    const reopened = new Vault(db, { source: keyFileSource(keyFile) });
    expect((await reopened.open()).state).toBe('unlocked');
    expect((await readDecrypted(file, (id) => reopened.lookup(id))).equals(bytes(5000))).toBe(true);
    expect(reopened.deriveKey('database')).toHaveLength(32);
    expect(reopened.deriveKey('database').equals(reopened.deriveKey('audit'))).toBe(false);
    db.close();
  });

  it('a passphrase vault stays locked until vault.unlock gets the right passphrase', async () => {
    const db = Database.open(join(tmp.dir, 'pass.db'));
    const created = new Vault(db, { source: passphraseSource('correct horse battery') });
    expect((await created.open()).state).toBe('unlocked');
    const v = new Vault(db, { source: passphraseSource(undefined) });
    expect((await v.open()).state).toBe('locked');
    expect(await v.tryUnlock('wrong passphrase')).toBe(false);
    expect(v.status().message).toMatch(/not the vault/);
    expect(await v.tryUnlock('correct horse battery')).toBe(true);
    db.close();
  });
});

describe('an encrypted media store', () => {
  const data = join(tmp.dir, 'data');
  const keyFile = join(tmp.dir, 'outside', 'vault.key');
  let db: Database;
  let vault: Vault;
  let media: MediaStore;
  let index: SegmentIndex;
  const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

  beforeAll(async () => {
    mkdirSync(join(tmp.dir, 'outside'));
    mkdirSync(data);
    // the engine's database is encrypted too (its own key): its pages and WAL parse as nothing either
    db = Database.open(join(data, 'porchlight.db'), { key: Buffer.alloc(32, 7) });
    db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES ('porch', 'Porch', 0, 0)`);
    vault = new Vault(db, { source: keyFileSource(keyFile) });
    await vault.open();
    media = new MediaStore(data, { vault });
    await media.start();
    index = new SegmentIndex(db, media);
    // three real 2 s segments, handed to the store as ffmpeg hands them: closed files in its staging area
    const files = await encodeSegments(locateFfmpeg().ffmpeg, join(tmp.dir, 'src'), { seconds: 6, width: 160, height: 90, fps: 10, segmentS: 2, audio: false });
    const sink = media.segmentSink('porch');
    sink.prepare(T0);
    for (const [i, f] of files.entries()) {
      const start = T0 + i * 2000;
      const iso = new Date(start).toISOString();
      copyFileSync(f, join(sink.dir, iso.slice(0, 10), `${iso.slice(11, 19).replaceAll(':', '-')}.mp4`));
      const done = await sink.finish(`${iso.slice(11, 19).replaceAll(':', '-')}.mp4`, start);
      if (!done) throw new Error('segment not taken');
      index.add({ cameraId: 'porch', path: done.path, start, end: start + 2000, durationMs: 2000, bytes: done.bytes });
    }
    const { encodeSnapshot } = await import('../events/snapshot.js');
    const frame = { cameraId: 'porch', width: 64, height: 48, data: Buffer.alloc(64 * 48 * 1.5, 128), time: T0 };
    const { full, thumb } = await encodeSnapshot(frame);
    await media.writeSnapshot('porch/ev1.jpg', full, thumb);
  }, 60_000);

  afterAll(async () => {
    await media.stop();
    db.close();
  });

  it('leaves no file under the data folder that ffprobe parses or ffmpeg decodes, and nothing in staging', async () => {
    expect(media.stagingDir.startsWith(data)).toBe(false);
    // each under its sealed name: three segments, a snapshot and its thumbnail, no media extension for a tool to go by
    const sealed = walkFiles(data).filter((f) => /\.(mp4|jpg)\.vault$/.test(f));
    expect(sealed.length).toBe(5);
    expect(walkFiles(data).filter((f) => /\.(mp4|jpg)$/.test(f))).toEqual([]);
    expect(await readableAtRest(data)).toEqual([]);
    expect(walkFiles(media.stagingDir).filter((f) => f.endsWith('.mp4'))).toEqual([]);
    // the check is not blind: the snapshot's plain bytes under a name of their own are a picture to it
    const plain = join(tmp.dir, 'seen');
    mkdirSync(plain);
    writeFileSync(join(plain, 'ev1.jpg'), (await media.readBytes('snapshots', 'porch/ev1.jpg'))!);
    // and a segment's plain bytes under a sealed name: its bytes say MP4, whatever the name
    const seg = index.segments('porch', T0, T0 + 1)[0]!.url;
    writeFileSync(join(plain, 'seg.mp4.vault'), (await media.readBytes('recordings', seg))!);
    const seen = await readableAtRest(plain);
    expect(seen.map((r) => [r.file.split('/').pop(), r.decodes]).sort()).toEqual([['ev1.jpg', true], ['seg.mp4.vault', true]]);
  });

  it('plays across segments with a seek, gives a frame and a snapshot, and reads any byte range', async () => {
    const settings = new SettingsStore(db);
    const deps = { segments: index, media, settings };
    const play = await openPlayback(deps, 'porch', { start: String(T0 + 1000) });
    if (!play.ok) throw new Error(play.message);
    const out = join(tmp.dir, 'played.mp4');
    writeFileSync(out, await readAll(play.play.stream));
    const probe = await ffprobeJson(out);
    expect(probe.ok).toBe(true);
    // from 1 s into the first segment to the end of the third: about 5 s
    expect(Number(probe.ok ? probe.data.format?.duration : 0)).toBeGreaterThan(4);
    const frame = await recordedFrame(deps, 'porch', { t: String(T0 + 3500) });
    expect(frame.ok && frame.jpeg.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).toBe(true);
    const snap = await media.readBytes('snapshots', 'porch/ev1.jpg');
    expect(snap?.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).toBe(true);
    const url = index.segments('porch', T0, T0 + 1)[0]!.url;
    const size = media.size('recordings', url);
    const whole = await readAll(media.openRead('recordings', url)!);
    expect(whole.length).toBe(size);
    expect(whole.subarray(4, 8).toString('ascii')).toBe('ftyp');
    expect((await readAll(media.openRead('recordings', url, { start: size - 100, end: size - 1 })!)).equals(whole.subarray(size - 100))).toBe(true);
  });

  it('deleting the camera destroys its key: its bytes stay undecryptable even with the old wrapped key', async () => {
    const row = db.get<{ key_id: Buffer; wrapped: Buffer }>(sql`SELECT key_id, wrapped FROM vault_keys WHERE camera_id = 'porch'`)!;
    const url = index.segments('porch', T0, T0 + 1)[0]!.url;
    const keep = join(tmp.dir, 'copied-before-delete.bin');
    copyFileSync(join(data, 'recordings', `${url}.vault`), keep);
    await media.removeCamera('porch');
    expect(existsSync(join(data, 'recordings', 'porch'))).toBe(false);
    // the copy (a backup, a disk image) names a key that is gone
    expect((await fails(readDecrypted(keep, (id) => vault.lookup(id)))).message).toMatch(/key of this file is gone/);
    // and the wrapped key from a database backup does not open with the master key that now exists
    const master = readFileSync(keyFile);
    expect(() => unwrapDataKey(master, 'porch', row.key_id, row.wrapped)).toThrow();
  });

  it('an ffmpeg input for a plain file (from before encryption) is the file itself', () => {
    const plainDir = join(data, 'recordings', 'old', '2026-01-01');
    mkdirSync(plainDir, { recursive: true });
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5', '-t', '1', '-pix_fmt', 'yuv420p', join(plainDir, '00-00-00.mp4')]);
    expect(media.ffmpegInput('recordings', 'old/2026-01-01/00-00-00.mp4')).toEqual({ url: join(plainDir, '00-00-00.mp4'), protocols: 'file', env: {} });
  });
});
