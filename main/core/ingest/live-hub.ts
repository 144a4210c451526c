// LiveHub: one live fMP4 stream fanned out to its viewers: the current init, the GOP since the last keyframe, then each fragment.
import { createLogger } from '../log/index.js';
import type { LiveChunk, LiveSource } from './types.js';

const log = createLogger('ingest');
// A GOP longer than this is not cached (a camera with a 10 s GOP at high bitrate would hold too much).
const GOP_CACHE_MAX_BYTES = 16 * 1024 * 1024;

/** Live fan-out: the current init segment, the GOP since the last keyframe, and the viewers. */
export class LiveHub implements LiveSource {
  codec: string | undefined;
  init: Uint8Array | undefined;
  private gop: Buffer[] = [];
  private gopBytes = 0;
  private readonly subs = new Set<(c: LiveChunk) => void>();

  constructor(
    private readonly onViewers: (count: number) => void,
    private readonly cameraId: string,
  ) {}

  viewers(): number {
    return this.subs.size;
  }

  subscribe(cb: (chunk: LiveChunk) => void): () => void {
    this.subs.add(cb);
    if (this.init && this.codec !== undefined) {
      this.safe(cb, { type: 'init', data: this.init, codec: this.codec });
      for (const f of this.gop) this.safe(cb, { type: 'fragment', data: f, keyframe: f === this.gop[0] });
    }
    this.onViewers(this.subs.size);
    return () => {
      if (this.subs.delete(cb)) this.onViewers(this.subs.size);
    };
  }

  setInit(init: Buffer, codec: string): void {
    this.init = init;
    this.codec = codec;
    this.gop = [];
    this.gopBytes = 0;
    this.emit({ type: 'init', data: init, codec });
  }

  fragment(data: Buffer, keyframe: boolean): void {
    if (keyframe) {
      this.gop = [];
      this.gopBytes = 0;
    }
    // Cache only from a keyframe on: a viewer cannot start decoding mid-GOP.
    if ((keyframe || this.gop.length > 0) && this.gopBytes + data.length <= GOP_CACHE_MAX_BYTES) {
      this.gop.push(data);
      this.gopBytes += data.length;
    } else if (!keyframe) {
      this.gop = [];
      this.gopBytes = 0;
    }
    this.emit({ type: 'fragment', data, keyframe });
  }

  private emit(c: LiveChunk): void {
    for (const cb of this.subs) this.safe(cb, c);
  }

  private safe(cb: (c: LiveChunk) => void, c: LiveChunk): void {
    try {
      cb(c);
    } catch (e) {
      log.warn({ cameraId: this.cameraId, err: e }, 'live subscriber threw');
    }
  }
}

