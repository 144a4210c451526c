// The ZIP writer: entries read back through the central directory, CRC and ZIP64 records checked by unzip when present.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { crc32Stream, readZipDirectory, ZipWriter } from './zip.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.cleanup());

async function build(forceZip64: boolean): Promise<{ path: string; data: Buffer }> {
  const data = Buffer.alloc(300_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
  const src = join(tmp.dir, 'clip.bin');
  writeFileSync(src, data);
  const path = join(tmp.dir, forceZip64 ? 'z64.zip' : 'plain.zip');
  const zip = new ZipWriter(createWriteStream(path, { flags: 'wx' }), forceZip64);
  const facts = await crc32Stream(createReadStream(src));
  await zip.addFile({ name: 'clips/ünïcode clip.mp4', ...facts }, createReadStream(src));
  await zip.addBuffer('manifest.json', Buffer.from('{"a":1}\n'));
  await zip.finish();
  return { path, data };
}

describe('ZipWriter', () => {
  for (const forceZip64 of [false, true]) {
    it(`stores entries that read back byte for byte${forceZip64 ? ' (ZIP64 records)' : ''}`, async () => {
      const { path, data } = await build(forceZip64);
      const buf = readFileSync(path);
      const entries = readZipDirectory(buf);
      expect(entries.map((e) => [e.name, e.size])).toEqual([
        ['clips/ünïcode clip.mp4', 300_000],
        ['manifest.json', 8],
      ]);
      const e = entries[0]!;
      const at = e.offset + 30 + buf.readUInt16LE(e.offset + 26) + buf.readUInt16LE(e.offset + 28);
      expect(buf.subarray(at, at + e.size).equals(data)).toBe(true);
      expect(e.crc32).toBe(crc32(data));
      const unzip = spawnSync('unzip', ['-tq', path], { encoding: 'utf8' });
      if (!unzip.error) expect(unzip.status, unzip.stdout + unzip.stderr).toBe(0);
    });
  }

  it('refuses a source that changed after its CRC was taken', async () => {
    const src = join(tmp.dir, 'a.bin');
    writeFileSync(src, 'one');
    const zip = new ZipWriter(createWriteStream(join(tmp.dir, 'x.zip'), { flags: 'wx' }));
    await expect(zip.addFile({ name: 'a', size: 3, crc32: 123 }, createReadStream(src))).rejects.toThrow(/changed/);
    await zip.abort();
  });
});
