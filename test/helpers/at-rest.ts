// A data directory at rest, as someone who copied it would try it: ffprobe on every file (it picks a reader by the
// bytes and by the name), and ffmpeg decoding a frame of whatever ffprobe opens.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface Readable {
  file: string;
  /** The reader ffprobe chose and how sure it was (100: the bytes say so; 50: the name; 25 or less: a guess). */
  format: string;
  score: number;
  streams: string[];
  decodes: boolean;
}

export const walkFiles = (d: string): string[] =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walkFiles(join(d, e.name)) : [join(d, e.name)]));

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 20 }, (err, out) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) || 1 : 0, out }));
  });
}

/** What ffprobe makes of one file: null when it fails or lists no stream. */
export async function probeAtRest(file: string): Promise<Readable | null> {
  const r = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name,probe_score:stream=codec_type', '-of', 'json', file]);
  if (r.code !== 0) return null;
  const j = JSON.parse(r.out || '{}') as { format?: { format_name?: string; probe_score?: number }; streams?: { codec_type?: string }[] };
  const streams = (j.streams ?? []).map((s) => s.codec_type ?? '?');
  if (streams.length === 0) return null;
  const decodes = (await run('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-frames:v', '1', '-f', 'null', '-'])).code === 0;
  return { file, format: j.format?.format_name ?? '?', score: j.format?.probe_score ?? 0, streams, decodes };
}

/**
 * The files under `dir` that ffprobe opens, four probed at a time. SQLCipher's database (`databases`, with its -wal and
 * -shm) is ciphertext from its first byte, and ffmpeg's raw H.263 probe, which scans every byte for picture start codes,
 * now and then guesses a stream in random bytes (at score 25, "misdetection possible"); the vault's own files carry
 * header guards against that guess, a database page cannot, so for those files alone such a guess is not counted.
 */
export async function readableAtRest(dir: string, opts: { databases?: string[] } = {}): Promise<Readable[]> {
  const files = walkFiles(dir);
  const dbNames = new Set((opts.databases ?? []).flatMap((n) => [n, `${n}-wal`, `${n}-shm`, `${n}-journal`]));
  const out: Readable[] = [];
  for (let i = 0; i < files.length; i += 4) {
    const found = await Promise.all(files.slice(i, i + 4).map(probeAtRest));
    for (const r of found) {
      if (!r) continue;
      if (dbNames.has(basename(r.file)) && r.format === 'h263' && r.score <= 25) continue;
      out.push(r);
    }
  }
  return out;
}
