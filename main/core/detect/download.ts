// Downloads a model to a temp file with progress, checks size and sha256, then renames it into place atomically.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DetectError } from './frame.js';
import type { ModelEntry } from './manifest.js';

export interface DownloadProgress {
  received: number;
  total: number;
}

export interface DownloadOptions {
  /** Overrides entry.url (mirrors, tests). */
  url?: string;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

/** Installs entry.file into dir; on any failure nothing is left behind. Returns the final path. */
export async function downloadModel(entry: Pick<ModelEntry, 'name' | 'file' | 'url' | 'sha256' | 'size'>, dir: string, opts: DownloadOptions = {}): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const dest = join(dir, entry.file);
  const tmp = join(dir, `.${entry.file}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
  const url = opts.url ?? entry.url;
  let res: Response;
  try {
    res = await fetch(url, { signal: opts.signal ?? null, redirect: 'follow' });
  } catch (err) {
    throw new DetectError('download_failed', `could not reach ${url}: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body) throw new DetectError('download_failed', `download of ${entry.name} failed: HTTP ${res.status}`);

  const hash = createHash('sha256');
  const out = createWriteStream(tmp, { mode: 0o644 });
  let received = 0;
  let lastReport = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      received += chunk.length;
      if (received > entry.size) throw new DetectError('model_corrupt', `download of ${entry.name} is larger than the expected ${entry.size} bytes`);
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      if (opts.onProgress && (received - lastReport > 256 * 1024 || received === entry.size)) {
        lastReport = received;
        opts.onProgress({ received, total: entry.size });
      }
    }
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    rmSync(tmp, { force: true });
    if (err instanceof DetectError) throw err;
    throw new DetectError('download_failed', `download of ${entry.name} was interrupted: ${(err as Error).message}`);
  }

  const actual = hash.digest('hex');
  if (received !== entry.size || actual !== entry.sha256) {
    rmSync(tmp, { force: true });
    throw new DetectError(
      'model_corrupt',
      `download of ${entry.name} does not match the manifest (${received} bytes, sha256 ${actual.slice(0, 12)}…; expected ${entry.size} bytes, ${entry.sha256.slice(0, 12)}…)`,
    );
  }
  try {
    renameSync(tmp, dest);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new DetectError('download_failed', `could not install ${dest}: ${(err as Error).message}`);
  }
  return dest;
}
