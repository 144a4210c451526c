// Recorded segments with the privacy masks burned in, for callers who may not lift them: transcoded whole into the
// store's scratch area on first ask (so HTTP Range works on the result), kept a little while, a few at most.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Polygon } from '../../common/contract/index.js';
import { spawnFfmpeg } from '../ffmpeg/process.js';
import { requestSlots } from '../ffmpeg/slots.js';
import { createLogger } from '../log/index.js';
import type { FfmpegInput, MediaStore, Scratch } from '../media/index.js';
import { maskEncoderArgs, maskFilterGraph, maskInputArgs, maskPicture } from './mask-filter.js';

const log = createLogger('privacy');

/** A masked segment ready to be read: its size and its bytes, whole or a range. */
export interface MaskedFile {
  size: number;
  open(range?: { start: number; end: number }): Readable | null;
}

export type MaskedResult = { ok: true; file: MaskedFile } | { ok: false; status: 404 | 500 | 503; code: 'not_found' | 'internal' | 'unavailable'; message: string };

interface Entry {
  scratch: Scratch;
  ready: Promise<MaskedResult>;
  lastUsed: number;
  done: boolean;
  timer?: NodeJS.Timeout;
}

export interface MaskedRecordingsOptions {
  media: Pick<MediaStore, 'ffmpegInput' | 'scratch'>;
  ffmpeg: () => string;
  /** Masked segments kept at once (each a segment's size); the least recently read goes first. Default 6. */
  maxEntries?: number;
  /** A masked segment nobody read for this long is removed. Default 2 minutes. */
  idleMs?: number;
  /** A transcode taking longer than this is stopped (it hangs). Default 120 s. */
  timeoutMs?: number;
}

const OUT = 'masked.mp4';

export class MaskedRecordings {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly opts: MaskedRecordingsOptions) {}

  /** Segments held now (tests check the bound and the clean-up). */
  get held(): number {
    return this.entries.size;
  }

  /** The recording `rel` (relative to the recordings root) with `masks` blacked out; transcoded once, then served from scratch. */
  async get(rel: string, masks: readonly Polygon[]): Promise<MaskedResult> {
    if (this.closed) return { ok: false, status: 503, code: 'unavailable', message: 'The server is stopping' };
    const key = `${rel}\n${createHash('sha256').update(JSON.stringify(masks)).digest('hex')}`;
    let entry = this.entries.get(key);
    if (!entry) {
      const input = this.opts.media.ffmpegInput('recordings', rel);
      if (!input) return { ok: false, status: 404, code: 'not_found', message: 'No such file' };
      const release = requestSlots.tryTake();
      if (!release) return { ok: false, status: 503, code: 'unavailable', message: 'Too many recordings are being read at once; try again in a moment' };
      this.evict();
      const scratch = this.opts.media.scratch('masked');
      const made: Entry = { scratch, lastUsed: Date.now(), done: false, ready: this.transcode(input, scratch, masks).finally(release) };
      entry = made;
      this.entries.set(key, made);
      // a failed transcode is not kept: the next ask tries again
      void made.ready.then((r) => {
        made.done = true;
        if (!r.ok) this.drop(key, made);
      });
    }
    entry.lastUsed = Date.now();
    this.arm(key, entry);
    return entry.ready;
  }

  /** Removes every masked segment (the server stops); safe to call twice. */
  close(): void {
    this.closed = true;
    for (const [key, e] of [...this.entries]) this.drop(key, e);
  }

  private async transcode(input: FfmpegInput, scratch: Scratch, masks: readonly Polygon[]): Promise<MaskedResult> {
    const mask = scratch.writeBytes('mask.pam', maskPicture(masks));
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      '-protocol_whitelist', input.protocols.split(',').includes('file') ? input.protocols : `${input.protocols},file`,
      '-i', input.url,
      ...maskInputArgs(mask),
      '-filter_complex', maskFilterGraph(),
      '-map', '[masked]', '-map', '0:a:0?',
      ...maskEncoderArgs({ live: false }), '-c:a', 'copy',
      '-movflags', '+faststart', '-f', 'mp4', '-y', scratch.path(OUT),
    ];
    const proc = spawnFfmpeg(this.opts.ffmpeg(), args, { label: 'masked-recording', logger: log, env: input.env });
    const timer = setTimeout(() => void proc.stop(1000), this.opts.timeoutMs ?? 120_000);
    const exit = await proc.exited;
    clearTimeout(timer);
    const size = scratch.size(OUT);
    if (exit.code !== 0 || size === 0) {
      log.warn({ code: exit.code, signal: exit.signal, tail: proc.stderrTail().slice(-3) }, 'masking a recording failed');
      return { ok: false, status: 500, code: 'internal', message: 'The recording could not be masked' };
    }
    return { ok: true, file: { size, open: (range) => scratch.openRead(OUT, range) } };
  }

  /** Makes room for one more: the least recently read finished segments go (one being made is never dropped; the request slots bound those). */
  private evict(): void {
    const max = this.opts.maxEntries ?? 6;
    while (this.entries.size >= max) {
      let oldest: [string, Entry] | undefined;
      for (const kv of this.entries) if (kv[1].done && (!oldest || kv[1].lastUsed < oldest[1].lastUsed)) oldest = kv;
      if (!oldest) return;
      this.drop(oldest[0], oldest[1]);
    }
  }

  private arm(key: string, e: Entry): void {
    if (e.timer) clearTimeout(e.timer);
    e.timer = setTimeout(() => this.drop(key, e), this.opts.idleMs ?? 120_000);
    e.timer.unref();
  }

  /** Forgets an entry and removes its files once its transcode has ended (a reader already streaming keeps its open file). */
  private drop(key: string, e: Entry): void {
    if (this.entries.get(key) === e) this.entries.delete(key);
    if (e.timer) clearTimeout(e.timer);
    void e.ready.finally(() => e.scratch.dispose());
  }
}
