// CameraFeed: a camera's frames and live video that outlive its ffmpeg; whichever CameraIngest runs now plugs in underneath.
import type { Frame } from '../detect/frame.js';
import { createLogger } from '../log/index.js';
import type { FrameSource, LiveChunk, LiveSource } from './types.js';

const log = createLogger('ingest');

/** What a feed needs from the process underneath (a CameraIngest, or a fake in tests). */
export interface FeedUpstream extends FrameSource {
  readonly live: LiveSource;
}

interface LiveSub {
  cb: (chunk: LiveChunk) => void;
  off: (() => void) | undefined;
}

/**
 * Subscribers register once per camera and survive restarts, edits and pauses: `attach` moves every
 * subscription to the new process. Each live viewer holds its own upstream subscription, so the new
 * process sends it the init and cached GOP first, and a live-only camera still sees who is watching.
 */
export class CameraFeed implements FrameSource {
  readonly live: LiveSource;
  private upstream: FeedUpstream | undefined;
  private offFrames: (() => void) | undefined;
  private readonly frameSubs = new Set<(f: Frame) => void>();
  private readonly liveSubs = new Set<LiveSub>();

  constructor(readonly cameraId: string) {
    this.live = new FeedLive(this);
  }

  /** The process now running this camera; the previous one (if any) is let go. */
  attach(upstream: FeedUpstream): void {
    if (this.upstream === upstream) return;
    this.release();
    this.upstream = upstream;
    if (this.frameSubs.size > 0) this.offFrames = upstream.subscribe((f) => this.emitFrame(f));
    for (const s of this.liveSubs) s.off = upstream.live.subscribe(s.cb);
  }

  /** Lets go of `upstream` if it is still the one attached (a stale detach after a newer attach is ignored). */
  detach(upstream?: FeedUpstream): void {
    if (upstream && upstream !== this.upstream) return;
    this.release();
    this.upstream = undefined;
  }

  attached(): boolean {
    return this.upstream !== undefined;
  }

  subscribe(cb: (f: Frame) => void): () => void {
    this.frameSubs.add(cb);
    if (this.frameSubs.size === 1 && this.upstream) this.offFrames = this.upstream.subscribe((f) => this.emitFrame(f));
    return () => {
      if (!this.frameSubs.delete(cb) || this.frameSubs.size > 0) return;
      this.offFrames?.();
      this.offFrames = undefined;
    };
  }

  /** Live viewers now subscribed, whatever process runs underneath. */
  viewers(): number {
    return this.liveSubs.size;
  }

  /** @internal the current process's live source (FeedLive reads codec and init through it). */
  current(): LiveSource | undefined {
    return this.upstream?.live;
  }

  /** @internal */
  subscribeLive(cb: (chunk: LiveChunk) => void): () => void {
    const sub: LiveSub = { cb, off: this.upstream?.live.subscribe(cb) };
    this.liveSubs.add(sub);
    return () => {
      if (!this.liveSubs.delete(sub)) return;
      sub.off?.();
      sub.off = undefined;
    };
  }

  private release(): void {
    this.offFrames?.();
    this.offFrames = undefined;
    for (const s of this.liveSubs) {
      s.off?.();
      s.off = undefined;
    }
  }

  private emitFrame(f: Frame): void {
    for (const cb of this.frameSubs) {
      try {
        cb(f);
      } catch (e) {
        log.warn({ cameraId: this.cameraId, err: e }, 'frame subscriber threw');
      }
    }
  }
}

/** The feed's live side: codec and init of whatever process runs now, subscriptions that survive it. */
class FeedLive implements LiveSource {
  constructor(private readonly feed: CameraFeed) {}
  get codec(): string | undefined {
    return this.feed.current()?.codec;
  }
  get init(): Uint8Array | undefined {
    return this.feed.current()?.init;
  }
  subscribe(cb: (chunk: LiveChunk) => void): () => void {
    return this.feed.subscribeLive(cb);
  }
}
