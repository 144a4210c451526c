// downloadModel against a real HTTP server on 127.0.0.1 serving a real model: good bytes install, one flipped byte leaves nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { downloadModel, type DownloadProgress } from './download.js';
import { DetectError } from './frame.js';
import { loadManifest } from './manifest.js';
import { sha256File } from './models.js';
import { MODELS_DIR } from '../../../test/helpers/test-data.js';

const entry = loadManifest().byName('nanodet_m_320_coco')!;
const good = readFileSync(join(MODELS_DIR, entry.file));
const bad = Buffer.from(good);
bad[bad.length >> 1] = (bad[bad.length >> 1] as number) ^ 0xff;

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const body = req.url === '/good.onnx' ? good : req.url === '/bad.onnx' ? bad : undefined;
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    // Several chunks so progress is reported more than once.
    let off = 0;
    const step = (): void => {
      if (off >= body.length) return void res.end();
      const chunk = body.subarray(off, off + 512 * 1024);
      off += chunk.length;
      if (res.write(chunk)) setImmediate(step);
      else res.once('drain', step);
    };
    step();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('downloadModel', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  it('installs a file whose sha256 matches, reporting progress', async () => {
    const progress: DownloadProgress[] = [];
    const path = await downloadModel(entry, tmp.dir, { url: `${base}/good.onnx`, onProgress: (p) => progress.push(p) });
    expect(path).toBe(join(tmp.dir, entry.file));
    expect(await sha256File(path)).toBe(entry.sha256);
    expect(readdirSync(tmp.dir)).toEqual([entry.file]);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ received: entry.size, total: entry.size });
  });

  it('rejects one flipped byte and leaves no file behind', async () => {
    const err = await downloadModel(entry, tmp.dir, { url: `${base}/bad.onnx` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DetectError);
    expect((err as DetectError).code).toBe('model_corrupt');
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('reports an HTTP error as download_failed', async () => {
    const err = await downloadModel(entry, tmp.dir, { url: `${base}/missing.onnx` }).catch((e: unknown) => e);
    expect((err as DetectError).code).toBe('download_failed');
    expect(readdirSync(tmp.dir)).toEqual([]);
  });
});
