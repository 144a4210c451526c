// IngestSupervisor: one CameraIngest per camera stream (connection), applied from config; a broken camera never touches another.
import { createLogger } from '../log/index.js';
import { CameraIngest } from './camera.js';
import { CameraFeed } from './feed.js';
import type { StreamShape } from './probe-input.js';
import { connectionId, type IngestCallbacks, type IngestConfig, type IngestStats, type IngestTuning } from './types.js';

const log = createLogger('ingest');

export interface IngestSupervisorOptions extends IngestCallbacks, IngestTuning {}

export class IngestSupervisor {
  private readonly cameras = new Map<string, CameraIngest>();
  // one feed per camera, kept across restarts and while disabled, so subscribers never see the process change
  private readonly feeds = new Map<string, CameraFeed>();
  private readonly configured = new Set<string>();
  // what each stream URL carries, probed once for every connection made to it (edits and restarts do not probe again)
  private readonly shapes = new Map<string, StreamShape>();
  private stopped = false;

  constructor(private readonly opts: IngestSupervisorOptions = {}) {}

  /** Starts new cameras, restarts changed ones, stops removed ones. Returns when removed/changed ones have stopped. */
  async apply(configs: readonly IngestConfig[]): Promise<void> {
    if (this.stopped) return;
    const wanted = new Map(configs.map((c) => [connectionId(c.cameraId, c.stream), c]));
    this.configured.clear();
    for (const id of wanted.keys()) this.configured.add(id);
    const stops: Promise<void>[] = [];
    for (const [id, cam] of this.cameras) {
      const next = wanted.get(id);
      if (next && JSON.stringify(next) === JSON.stringify(cam.config)) continue;
      this.cameras.delete(id);
      const feed = this.feeds.get(id);
      feed?.detach(cam);
      stops.push(cam.stop());
    }
    await Promise.all(stops);
    for (const cfg of configs) {
      const key = connectionId(cfg.cameraId, cfg.stream);
      if (this.cameras.has(key)) continue;
      const feed = this.feed(key);
      try {
        const cam = new CameraIngest({ ...this.opts, config: cfg, shapes: this.shapes });
        this.cameras.set(key, cam);
        // plugged in before start, so the first frame and the first init already reach every subscriber
        feed.attach(cam);
        cam.start();
      } catch (e) {
        // A bad config for one camera must not stop the others from starting.
        log.error({ cameraId: cfg.cameraId, err: e }, 'cannot start ingest');
        this.opts.onState?.({ cameraId: cfg.cameraId, state: 'error', reason: e instanceof Error ? e.message : String(e), since: Date.now() });
      }
    }
  }

  /**
   * A connection's stable feed (frames and live video across restarts), by `connectionId(camera, stream)`; made on
   * first ask, so a subscriber may come before the process. Kept while the camera is stopped; `dropFeed` when it is deleted.
   */
  feed(cameraId: string): CameraFeed {
    let feed = this.feeds.get(cameraId);
    if (!feed) {
      feed = new CameraFeed(cameraId);
      this.feeds.set(cameraId, feed);
    }
    return feed;
  }

  /** Whether the connection is in the applied config (running, retrying, or failed to start). */
  has(cameraId: string): boolean {
    return this.configured.has(cameraId);
  }

  /** Feeds kept for cameras that are not running: the caller drops those of deleted cameras. */
  feedIds(): string[] {
    return [...this.feeds.keys()];
  }

  /** A deleted camera's feed: its subscribers get nothing more. */
  dropFeed(cameraId: string): void {
    if (this.configured.has(cameraId)) return;
    this.feeds.get(cameraId)?.detach();
    this.feeds.delete(cameraId);
  }

  get(cameraId: string): CameraIngest | undefined {
    return this.cameras.get(cameraId);
  }

  list(): CameraIngest[] {
    return [...this.cameras.values()];
  }

  stats(): IngestStats[] {
    return this.list().map((c) => c.stats());
  }

  /** Stops every camera (each finalises its segment); safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.configured.clear();
    const all = [...this.cameras.values()];
    this.cameras.clear();
    for (const f of this.feeds.values()) f.detach();
    this.feeds.clear();
    await Promise.all(all.map((c) => c.stop()));
  }
}
