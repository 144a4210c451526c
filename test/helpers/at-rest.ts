// A data directory at rest, as someone who copied it would try it: ffprobe on every file (it picks a reader by the
// bytes and by the name), and ffmpeg decoding a frame of whatever ffprobe opens.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

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
 * ffmpeg's own threshold for a guess: a reader chosen at this score or lower comes with "misdetection possible". Raw
 * streams without a container (DV, H.263) are found by scanning every byte for their start codes, and random bytes
 * hold one now and then: a ciphertext of a few hundred KB is taken for DV about once in 2,500 (measured), the
 * SQLCipher database as well. What a file really is shows at a higher score: by its bytes (MP4, JPEG: 100) or its name
 * (`*.jpg`: 50).
 */
export const GUESS_SCORE = 25;

/**
 * The files under `dir` that ffprobe opens as media, four probed at a time; its low-score guesses on random bytes are
 * left out of the answer and logged.
 */
export async function readableAtRest(dir: string): Promise<Readable[]> {
  const files = walkFiles(dir);
  const out: Readable[] = [];
  for (let i = 0; i < files.length; i += 4) {
    for (const r of await Promise.all(files.slice(i, i + 4).map(probeAtRest))) {
      if (!r) continue;
      if (r.score > GUESS_SCORE) out.push(r);
      else console.log(`at rest: ffprobe guessed ${r.format} at score ${r.score} in ${r.file} (random bytes)`);
    }
  }
  return out;
}
