// Runs the cameras: one ingest per camera, its feed through one pipeline that outlives ffmpeg restarts, objects into events.
import { randomBytes } from 'node:crypto';
import { resolveRoles, SERVED_ROLES, type Camera, type CameraHealth, type CameraState, type ServedRole, type StreamName, type SystemHealth } from '../../common/contract/index.js';
import type { Box, TrackPoint } from '../../common/contract/events.js';
import type { Bus } from '../bus/index.js';
import type { SettingsStore } from '../config/index.js';
import { createDetector, type Detector } from '../detect/detector.js';
import { DetectError, type Frame } from '../detect/frame.js';
import { FramePipeline, type ObjectEvent, type Teacher } from '../detect/pipeline.js';
import type { CameraDetectSettingsInput } from '../detect/settings.js';
import type { EventRepository } from '../events/repository.js';
import { encodeSnapshot } from '../events/snapshot.js';
import { connectionId, IngestSupervisor, TranscodedLive, type FrameSource, type IngestConfig, type IngestState, type LiveSource } from '../ingest/index.js';
import { chooseHwaccel } from '../ffmpeg/hwaccel.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { createLogger } from '../log/index.js';
import type { SegmentIndex } from '../recordings/index.js';
import type { MediaStore, Scratch } from '../media/index.js';
import { maskPicture } from '../privacy/mask-filter.js';
import type { Retention } from '../recordings/retention.js';
import { blocksMedia, type StorageGuard } from '../recordings/storage-guard.js';
import { demoClipFor, demoKindOf, ensureDemoClip } from './demo.js';
import type { MotionActivity } from '../motion/activity.js';
import type { CameraRepository } from './repository.js';

const log = createLogger('cameras');

export interface RuntimeDeps {
  dataDir: string;
  bus: Bus;
  settings: SettingsStore;
  cameras: CameraRepository;
  media: MediaStore;
  segments: SegmentIndex;
  events: EventRepository;
  retention: Retention;
  /** A full disk or a missing recordings folder: recording stops and the camera's state says why. */
  storage?: StorageGuard;
  /** Crash repair leaves files younger than this alone (they may still be written). */
  repairMinAgeMs?: number;
  /** Where models are looked for before <data>/models (tests and CI point it at a shared folder). */
  modelsDir?: string;
  /** Where movement is recorded for motion search. */
  motionActivity?: MotionActivity;
  /** What the owner taught the cameras (look-alikes of false alarms stay quiet, calibrated thresholds). */
  learned?: Teacher;
}

interface Running {
  pipeline: FramePipeline;
  unsubscribe: () => void;
  /** The connection its frames come from (the detect stream's); a change of stream re-plugs the pipeline. */
  source: string;
  /** The detector it was built with (undefined: motion only); a change rebuilds the pipeline. */
  detector: Detector | undefined;
}

interface Tracked {
  eventId: string;
  /** The object's writes in order: a start still writing its snapshot must not land after the end. */
  chain: Promise<void>;
  snapshot: string | null;
  snapshotScore: number;
  snapshotBytes: number;
}

/** How often pipelines without frames are checked for objects to end. */
const IDLE_CHECK_MS = 2000;

/** Snapshots are rewritten only when the best score improves this much (writes stay rare). */
const SNAPSHOT_STEP = 0.05;

function newEventId(start: number): string {
  return `${start.toString(36)}-${randomBytes(4).toString('hex')}`;
}

export class CameraRuntime {
  private supervisor: IngestSupervisor | undefined;
  private detector: Detector | undefined;
  private detectorStatus: SystemHealth['detector'] = { model: null, status: 'loading', message: null };
  private readonly pipelines = new Map<string, Running>();
  /** Each running camera's stream per role (main and sub by default, as its streams ask otherwise). */
  private readonly roles = new Map<string, Record<ServedRole, StreamName>>();
  /** The last state of each connection, by connection id; a camera's state is its worst connection's. */
  private readonly connStates = new Map<string, IngestState>();
  /** Each camera's hardware decoding outcome in words, when it is not simply what was asked. */
  private readonly decodeNotes = new Map<string, string>();
  /** Low-rate H.264 of a connection's live stream, made on first ask (each runs ffmpeg only while watched). */
  private readonly transcoders = new Map<string, TranscodedLive>();
  /**
   * Live video with a camera's privacy masks burned in, by connection and view: one transcode shared by every viewer who
   * may not lift the masks, running only while watched; its mask picture lives in a scratch folder of the media store.
   */
  private readonly maskedLive = new Map<string, { live: TranscodedLive; scratch: Scratch; masks: string }>();
  private readonly tracked = new Map<string, Tracked>();
  // event writes in flight (snapshot, then row): stop waits for them so every ended object is stored
  private readonly writes = new Set<Promise<void>>();
  private readonly disposers: (() => void)[] = [];
  private applying: Promise<void> = Promise.resolve();
  /** Cameras stopped for a delete in progress (quiesce). */
  private readonly quiesced = new Set<string>();
  private repairing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: RuntimeDeps) {}

  async start(): Promise<void> {
    const { bus, settings } = this.deps;
    await this.loadDetector();
    const ffmpeg = settings.get('ffmpeg');
    this.supervisor = new IngestSupervisor({
      ffmpegPath: ffmpeg.ffmpegPath || undefined,
      onSegment: (s) => {
        // indexed or deleted, never left unknown on disk; retention runs off this path (at once only when over quota)
        void this.deps.segments.addOrDiscard({ cameraId: s.cameraId, path: s.path, start: s.start, end: s.end, durationMs: s.durationMs, bytes: s.bytes }).then((r) => {
          if (!r.ok) void this.deps.storage?.check();
          this.deps.retention.schedule();
        });
      },
      ffprobePath: ffmpeg.ffprobePath || undefined,
      onState: (s) => {
        this.connStates.set(connectionId(s.cameraId, s.stream), s);
        const state = this.cameraState(s.cameraId);
        bus.publish('camera.state', this.deps.storage?.decorate(state) ?? state);
      },
    });
    const closed = this.deps.events.closeOpen();
    if (closed > 0) log.warn({ closed }, 'closed events left open by an unclean stop at their last sighting');
    this.disposers.push(bus.subscribe('camera.changed', () => this.apply()));
    this.disposers.push(
      bus.subscribe('settings.changed', ({ section }) => {
        if (section === 'detection') void this.reloadDetector();
        if (section === 'general' || section === 'ffmpeg') void this.apply();
      }),
    );
    // the model the settings ask for has just been downloaded: start detecting without a restart
    this.disposers.push(
      bus.subscribe('model.progress', ({ name, status }) => {
        if (status === 'done' && !this.detector && name === settings.get('detection').model) void this.reloadDetector();
      }),
    );
    // a camera that stops sending frames (offline, restarting) must not keep its objects open
    const idle = setInterval(() => {
      for (const { pipeline } of this.pipelines.values()) pipeline.expireIdle(Date.now());
    }, IDLE_CHECK_MS);
    idle.unref();
    this.disposers.push(() => clearInterval(idle));
    await this.apply();
    // repair after the cameras are up: it reads every indexed file, and must not hold the first frame back
    this.repairing = this.repair().catch((err: unknown) => log.error({ err }, 'segment repair failed'));
  }

  /** Resolves when the start-up repair is done (tests). */
  repaired(): Promise<void> {
    return this.repairing;
  }

  /** After a crash: index playable segments ffmpeg finished but we never recorded, remove broken ones. */
  private async repair(): Promise<void> {
    const present = () => !this.stopped && !blocksMedia(this.deps.storage?.problem() ?? null);
    for (const cam of this.deps.cameras.list()) {
      if (!present()) return;
      await this.deps.segments.dropMissingFiles(cam.id, present);
      try {
        const result = await this.deps.media.repairSegments(cam.id, this.deps.segments.knownPaths(cam.id), {
          minAgeMs: this.deps.repairMinAgeMs ?? 60_000,
        });
        for (const s of result.found) await this.deps.segments.addOrDiscard(s);
        if (result.found.length) this.deps.retention.revisit(cam.id, Math.min(...result.found.map((f) => f.start)));
        if (result.found.length || result.deleted.length) {
          log.warn({ camera: cam.id, indexed: result.found.length, removed: result.deleted.length }, 'repaired recordings after an unclean stop');
        }
      } catch (err) {
        log.error({ err, camera: cam.id }, 'segment repair failed');
      }
    }
  }

  private async loadDetector(): Promise<void> {
    const cfg = this.deps.settings.get('detection');
    if (!cfg.enabled) {
      this.detectorStatus = { model: null, status: 'motion-only', message: 'Object detection is turned off in Settings' };
      return;
    }
    try {
      this.detector = await createDetector({
        model: cfg.model,
        modelsDir: this.deps.modelsDir,
        dataDir: this.deps.dataDir,
        workers: cfg.workers,
        threads: cfg.threads,
        executionProvider: cfg.executionProvider,
      });
      this.detectorStatus = { model: this.detector.model.name, status: 'ready', message: this.detector.notice ?? null };
    } catch (err) {
      const message = err instanceof DetectError ? err.message : `The detection model could not be loaded: ${(err as Error).message}`;
      // Recording goes on without detection; the UI says so plainly.
      this.detectorStatus = { model: cfg.model, status: 'motion-only', message };
      log.warn({ err, model: cfg.model }, 'running without object detection');
    }
  }

  private async reloadDetector(): Promise<void> {
    // serialised with apply: a pipeline must not run on a detector being closed
    const run = this.applying.then(async () => {
      await Promise.all([...this.pipelines.keys()].map((id) => this.detachPipeline(id)));
      await this.detector?.close();
      this.detector = undefined;
      await this.loadDetector();
    });
    this.applying = run.catch((err: unknown) => log.error({ err }, 'reloading the detector failed'));
    await this.applying;
    await this.apply();
  }

  /** Brings the running cameras in line with the registry; serialised so changes never interleave. */
  apply(): Promise<void> {
    this.applying = this.applying.then(() => this.applyNow()).catch((err: unknown) => log.error({ err }, 'applying cameras failed'));
    return this.applying;
  }

  /**
   * Stops a camera's ingest and pipeline, its open objects ended and written, while its row still exists: a delete
   * calls this first, so nothing the camera was doing lands after its rows are gone. Returns the release.
   */
  async quiesce(id: string): Promise<() => void> {
    this.quiesced.add(id);
    await this.apply();
    return () => {
      this.quiesced.delete(id);
    };
  }

  /** One connection per stream that serves a role, each with the outputs of its roles. */
  private ingestConfigs(cam: Camera, hwaccel: string | undefined): IngestConfig[] {
    const roles = resolveRoles(cam.streams);
    const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
    const record = cam.recordMode !== 'off' && !this.deps.settings.get('general').recordingPaused && !this.deps.storage?.problem();
    const configs: IngestConfig[] = [];
    for (const stream of cam.streams) {
      const serves = SERVED_ROLES.filter((r) => roles[r] === stream.name);
      if (serves.length === 0) continue;
      const clip = demoClipFor(stream.url, this.deps.dataDir);
      const detect = serves.includes('detect');
      // the main stream of a camera that detects on another, where it is received anyway (recorded): its keyframes at
      // full size, for a closer look at small things; a camera that does not record is not pulled in full for it
      const closer = !detect && record && serves.includes('record') && closerLookFrom(cam, roles) === stream.name && this.detector !== undefined;
      configs.push({
        cameraId: cam.id,
        ...(stream.name === 'main' ? {} : { stream: stream.name }),
        url: clip ?? stream.url,
        ...(clip ? { loopFile: true } : {}),
        recording: this.deps.media.segmentSink(cam.id),
        record: record && serves.includes('record'),
        // an events-only camera needs frames for motion events even with detection off
        detect: closer
          ? { enabled: true, width: CLOSER_LOOK_WIDTH, height: even((CLOSER_LOOK_WIDTH * 9) / 16), fps: cam.detect.fps, autoSize: true, keyframesOnly: true }
          : {
              enabled: detect && needsFrames(cam),
              width: even(cam.detect.width),
              height: even(cam.detect.height),
              fps: cam.detect.fps,
              ...(cam.detect.autoSize ? { autoSize: true } : {}),
            },
        live: serves.includes('live-grid') || serves.includes('live-full'),
        // sound where it is recorded and heard (full screen); grid tiles are muted, a grid-only stream goes without
        ...(cam.audio.record && (serves.includes('record') || serves.includes('live-full')) ? { audio: true } : {}),
        ...(cam.input.transport !== 'tcp' ? { transport: cam.input.transport } : {}),
        ...(cam.input.clock !== 'auto' ? { clock: cam.input.clock } : {}),
        ...(detect && hwaccel ? { hwaccel } : {}),
      });
    }
    return configs;
  }

  /**
   * The -hwaccel method per camera that decodes frames: its own wish or the global default, checked once by a test
   * decode. A wish that cannot be met decodes in software and says why (the camera records either way).
   */
  private async decoders(cams: Camera[]): Promise<Map<string, string | undefined>> {
    const cfg = this.deps.settings.get('ffmpeg');
    const out = new Map<string, string | undefined>();
    for (const cam of cams) {
      const wish = cam.input.hwaccel === 'default' ? cfg.hwaccel : cam.input.hwaccel;
      if (wish === 'off' || !needsFrames(cam)) {
        this.decodeNotes.delete(cam.id);
        continue;
      }
      let ffmpeg: string;
      try {
        ffmpeg = cfg.ffmpegPath || locateFfmpeg().ffmpeg;
      } catch {
        continue; // the ingest itself reports a missing ffmpeg
      }
      const choice = await chooseHwaccel(ffmpeg, wish);
      out.set(cam.id, choice.method);
      if (choice.message === null) this.decodeNotes.delete(cam.id);
      else if (this.decodeNotes.get(cam.id) !== choice.message) {
        this.decodeNotes.set(cam.id, choice.message);
        const level = choice.method || wish === 'auto' ? 'info' : 'warn';
        log[level]({ camera: cam.id, wish, method: choice.method ?? 'software' }, choice.message);
      }
    }
    return out;
  }

  /** A camera's state from its connections: the worst of them (an idle live-only stream does not count), named by stream. */
  private cameraState(cameraId: string): CameraState {
    const roles = this.roles.get(cameraId);
    const keys = roles ? [...new Set(Object.values(roles))].map((n) => connectionId(cameraId, n)) : [connectionId(cameraId)];
    const rank = (s: IngestState): number => (s.state === 'error' ? 4 : s.state === 'offline' && !s.reason?.startsWith('Idle') ? 3 : s.state === 'connecting' ? 2 : s.state === 'online' ? 1 : 0);
    let worst: IngestState | undefined;
    for (const k of keys) {
      const s = this.connStates.get(k);
      if (s && (!worst || rank(s) > rank(worst))) worst = s;
    }
    if (!worst) return { cameraId, state: 'connecting', since: Date.now() };
    const reason = worst.reason && worst.stream && keys.length > 1 ? `Sub stream: ${worst.reason}` : worst.reason;
    return { cameraId, state: worst.state, ...(reason ? { reason } : {}), since: worst.since };
  }

  private async applyNow(): Promise<void> {
    if (this.stopped || !this.supervisor) return;
    const cams = this.deps.cameras.list().filter((c) => c.enabled && !this.quiesced.has(c.id));
    if (cams.some((c) => c.streams.some((s) => demoKindOf(s.url) === 'pattern'))) {
      const cfg = this.deps.settings.get('ffmpeg');
      await ensureDemoClip(this.deps.dataDir, locateFfmpeg({ ffmpeg: cfg.ffmpegPath || undefined, ffprobe: cfg.ffprobePath || undefined }).ffmpeg);
    }
    const methods = await this.decoders(cams);
    const configs = cams.flatMap((c) => this.ingestConfigs(c, methods.get(c.id)));
    const wanted = new Set(configs.map((c) => c.cameraId));
    this.roles.clear();
    for (const c of cams) if (wanted.has(c.id)) this.roles.set(c.id, resolveRoles(c.streams));
    // a camera stopped or removed: its tracked objects end (their events get an end) before the process goes
    await Promise.all([...this.pipelines.keys()].filter((id) => !wanted.has(id)).map((id) => this.detachPipeline(id)));
    for (const cam of this.deps.cameras.list().filter((c) => !c.enabled)) {
      this.deps.bus.publish('camera.state', { cameraId: cam.id, state: 'disabled', since: Date.now() });
    }
    await this.supervisor.apply(configs);
    // a deleted camera's feed goes; a disabled one keeps its feed, so open live views resume when it is enabled
    const known = new Set(this.deps.cameras.list().flatMap((c) => c.streams.map((s) => connectionId(c.id, s.name))));
    for (const id of this.supervisor.feedIds()) if (!known.has(id)) this.supervisor.dropFeed(id);
    for (const [id, t] of this.transcoders) {
      if (known.has(id)) continue;
      void t.close();
      this.transcoders.delete(id);
    }
    for (const id of [...this.maskedLive.keys()]) if (!known.has(id.slice(0, id.lastIndexOf('|')))) void this.closeMasked(id);
    const stationaryMaxMs = this.deps.settings.get('detection').stationaryMaxMinutes * 60_000;
    for (const cam of cams) {
      if (!wanted.has(cam.id)) continue;
      const detector = cam.detect.enabled ? this.detector : undefined;
      const source = connectionId(cam.id, this.roles.get(cam.id)?.detect);
      const existing = this.pipelines.get(cam.id);
      if (existing && (!needsFrames(cam) || existing.detector !== detector || existing.source !== source)) await this.detachPipeline(cam.id);
      if (!needsFrames(cam)) continue;
      const running = this.pipelines.get(cam.id);
      if (running) {
        // zones and masks apply from the next frame; the feed already carries the new process's frames
        running.pipeline.updateSettings(pipelineSettings(cam, stationaryMaxMs));
        continue;
      }
      const pipeline = new FramePipeline({
        cameraId: cam.id,
        detector,
        settings: pipelineSettings(cam, stationaryMaxMs),
        teacher: this.deps.learned,
        callbacks: {
          onStart: (e) => this.write(this.onObject(e, false)),
          onUpdate: (e) => this.write(this.onObject(e, false)),
          onEnd: (e) => this.write(this.onObject(e, true)),
          onAlive: (e) => this.onAlive(e.objectId, e.lastSeen),
          onTrack: (objectId, points) => this.onTrack(objectId, points),
          onMotion: (time, boxes, width, height) => this.deps.motionActivity?.record(cam.id, time, boxes, width, height),
        },
      });
      // the camera's feed, not one process: restarts, edits and pauses swap ffmpeg underneath and keep this
      const mainStream = detector ? closerLookFrom(cam, this.roles.get(cam.id) ?? resolveRoles(cam.streams)) : undefined;
      let latestMain: Frame | undefined;
      const offMain = mainStream ? this.supervisor.feed(connectionId(cam.id, mainStream)).subscribe((f) => (latestMain = f)) : undefined;
      const offDetect = this.supervisor.feed(source).subscribe((frame) => {
        // the main stream's latest keyframe rides along while it is recent: the pipeline looks there at small things
        const main = latestMain && Math.abs(frame.time - latestMain.time) <= CLOSER_LOOK_MAX_AGE_MS ? latestMain : undefined;
        pipeline.push(main ? { ...frame, source: main } : frame);
      });
      const unsubscribe = (): void => {
        offDetect();
        offMain?.();
      };
      this.pipelines.set(cam.id, { pipeline, unsubscribe, detector, source });
    }
  }

  /** Unplugs a camera's pipeline and ends what it tracks; resolves once those ends are stored. */
  private async detachPipeline(id: string): Promise<void> {
    const p = this.pipelines.get(id);
    if (!p) return;
    this.pipelines.delete(id);
    p.unsubscribe();
    await p.pipeline.flush().catch((err: unknown) => log.warn({ err, camera: id }, 'pipeline flush failed'));
    this.deps.motionActivity?.flush(id);
    await this.settled();
  }

  private write(p: Promise<void>): void {
    this.writes.add(p);
    void p.finally(() => this.writes.delete(p));
  }

  /** Waits for event writes in flight. */
  private async settled(): Promise<void> {
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  private onAlive(objectId: string, lastSeen: number): void {
    const t = this.tracked.get(objectId);
    if (!t) return;
    try {
      this.deps.events.touch(t.eventId, Math.round(lastSeen));
    } catch (err) {
      log.warn({ err }, 'event last sighting not stored');
    }
  }

  /** A started object's detections join its event's track, after the event's own row (they run on its chain). */
  private onTrack(objectId: string, points: TrackPoint[]): void {
    const t = this.tracked.get(objectId);
    if (!t) return;
    t.chain = t.chain.then(() => void this.deps.events.tracks.append(t.eventId, points)).catch((err: unknown) => log.warn({ err }, 'event track not stored'));
    this.write(t.chain);
  }

  /** A tracked object became, changed or ended an event; its writes run one after another. */
  private onObject(e: ObjectEvent, ended: boolean): Promise<void> {
    let t = this.tracked.get(e.objectId);
    if (!t) {
      t = { eventId: newEventId(e.start), chain: Promise.resolve(), snapshot: null, snapshotScore: 0, snapshotBytes: 0 };
      this.tracked.set(e.objectId, t);
    }
    const tracked = t;
    tracked.chain = tracked.chain.then(() => this.writeObject(tracked, e, ended)).catch((err: unknown) => log.error({ err, camera: e.cameraId }, 'event write failed'));
    // an ended object is forgotten once its last write is done (a month of objects must not pile up here)
    if (ended) void tracked.chain.then(() => this.tracked.get(e.objectId) === tracked && this.tracked.delete(e.objectId));
    return tracked.chain;
  }

  /** One row write, a snapshot when it got better. */
  private async writeObject(t: Tracked, e: ObjectEvent, ended: boolean): Promise<void> {
    const { frame } = e.bestFrame;
    const w = frame.width;
    const h = frame.height;
    const norm = (b: Box): Box => [b[0] / w, b[1] / h, b[2] / w, b[3] / h].map((v) => Math.round(Math.min(1, Math.max(0, v)) * 10_000) / 10_000) as Box;
    if (e.bestFrame.score >= t.snapshotScore + SNAPSHOT_STEP || !t.snapshot) {
      const rel = `${e.cameraId}/${t.eventId}.jpg`;
      try {
        const { full, thumb } = await encodeSnapshot(frame);
        t.snapshotBytes = await this.deps.media.writeSnapshot(rel, full, thumb);
        t.snapshot = rel;
        t.snapshotScore = e.bestFrame.score;
      } catch (err) {
        log.error({ err, camera: e.cameraId }, 'snapshot not written');
      }
    }
    let dto;
    try {
      this.deps.events.upsert({
        id: t.eventId,
        cameraId: e.cameraId,
        label: e.label,
        start: Math.round(e.start),
        end: ended ? Math.round(e.end ?? Date.now()) : null,
        topScore: Math.round(e.topScore * 1000) / 1000,
        box: norm(e.bestFrame.box),
        zones: e.enteredZones,
        currentZones: e.zones,
        lastSeen: Math.round(e.lastSeen),
        snapshot: t.snapshot,
        snapshotBytes: t.snapshotBytes,
        quiet: e.quiet,
      });
      dto = this.deps.events.get(t.eventId);
    } catch (err) {
      // the camera may have been deleted while the object was tracked, or the database is full or failing
      log.warn({ err, camera: e.cameraId }, 'event not stored');
      return;
    }
    if (dto) this.deps.bus.publish('event.changed', dto);
  }

  /** The connection serving a camera's role now, when it runs. */
  private connectionFor(cameraId: string, role: ServedRole): string | undefined {
    const key = connectionId(cameraId, this.roles.get(cameraId)?.[role]);
    return this.supervisor?.has(key) ? key : undefined;
  }

  /**
   * The camera's live video across restarts (a viewer's socket survives a reconnect: a new init follows):
   * `grid` is the live-grid stream (the sub stream by default), `full` the full-screen one (main).
   */
  live(cameraId: string, view: 'grid' | 'full' | 'compat' = 'full', opts: { masked?: boolean } = {}): LiveSource | undefined {
    const key = this.connectionFor(cameraId, view === 'full' ? 'live-full' : 'live-grid');
    if (!key || !this.supervisor) return undefined;
    const live = this.supervisor.feed(key).live;
    // `masked`: the viewer may not lift the camera's privacy masks; without masks there is nothing to hide
    const masks = opts.masked ? (this.deps.cameras.get(cameraId)?.masks.privacy ?? []) : [];
    if (masks.length) return this.maskedSource(`${key}|${view}`, cameraId, view, live, masks);
    if (view !== 'compat') return live;
    let t = this.transcoders.get(key);
    if (!t) {
      t = new TranscodedLive(live, { cameraId, ffmpegPath: this.deps.settings.get('ffmpeg').ffmpegPath || undefined });
      this.transcoders.set(key, t);
    }
    return t;
  }

  /** The shared masked transcode of one connection and view; a new one when the masks changed (the old one stops). */
  private maskedSource(id: string, cameraId: string, view: 'grid' | 'full' | 'compat', upstream: LiveSource, masks: Camera['masks']['privacy']): LiveSource {
    const sig = JSON.stringify(masks);
    const have = this.maskedLive.get(id);
    if (have?.masks === sig) return have.live;
    if (have) void this.closeMasked(id);
    const scratch = this.deps.media.scratch('live-mask');
    const picture = scratch.writeBytes('mask.pam', maskPicture(masks));
    // compat keeps its low size and rate; grid and full keep the camera's
    const size = view === 'compat' ? {} : { width: null, fps: null };
    const live = new TranscodedLive(upstream, { cameraId, ffmpegPath: this.deps.settings.get('ffmpeg').ffmpegPath || undefined, maskPicture: picture, ...size });
    this.maskedLive.set(id, { live, scratch, masks: sig });
    return live;
  }

  private async closeMasked(id: string): Promise<void> {
    const m = this.maskedLive.get(id);
    if (!m) return;
    this.maskedLive.delete(id);
    try {
      await m.live.close();
    } finally {
      m.scratch.dispose();
    }
  }

  /** Which stream serves each of the camera's roles while it runs. */
  streamRoles(cameraId: string): Record<ServedRole, StreamName> | undefined {
    const r = this.roles.get(cameraId);
    return r ? { ...r } : undefined;
  }

  /** Decoded frames of the detect stream (its shape, at the detect rate); none for a camera that decodes none (it only records). */
  frames(cameraId: string): FrameSource | undefined {
    if (!this.pipelines.has(cameraId)) return undefined;
    const key = this.connectionFor(cameraId, 'detect');
    return key ? this.supervisor?.feed(key) : undefined;
  }

  health(): { cameras: () => CameraHealth[]; detector: () => SystemHealth['detector'] } {
    return {
      detector: () => this.detectorStatus,
      cameras: () => {
        const det = this.detector?.stats();
        const byCamera = new Map<string, ReturnType<IngestSupervisor['stats']>>();
        for (const s of this.supervisor?.stats() ?? []) byCamera.set(s.cameraId, [...(byCamera.get(s.cameraId) ?? []), s]);
        return [...byCamera].map(([cameraId, conns]) => {
          const p = this.pipelines.get(cameraId)?.pipeline.stats();
          const roles = this.roles.get(cameraId);
          const first = conns.find((c) => c.stream === (roles?.record ?? 'main')) ?? conns[0]!;
          return {
            cameraId,
            fpsIn: first.fpsIn,
            fpsDetect: p?.fpsProcessed ?? 0,
            framesToModel: p?.framesToModel ?? 0,
            framesTotal: p?.framesTotal ?? 0,
            dropped: (p?.framesDropped ?? 0) + (p?.framesSkipped ?? 0),
            queueDropped: p?.framesDropped ?? 0,
            detectorMs: det ? det.detectMsMedian : null,
            restarts: conns.reduce((n, c) => n + c.restarts, 0),
            liveViewers: conns.reduce((n, c) => n + (this.supervisor?.feed(connectionId(cameraId, c.stream)).viewers() ?? 0), 0),
            decodeMessage: this.decodeNotes.get(cameraId) ?? null,
            streams: conns.map((c) => ({
              stream: c.stream,
              roles: SERVED_ROLES.filter((r) => roles?.[r] === c.stream),
              state: c.state,
              fpsIn: c.fpsIn,
              detectSize: c.detectSize ?? null,
              audio: c.audio ?? null,
              wallclock: c.wallclock,
              hwaccel: c.hwaccel ?? null,
            })),
          };
        });
      },
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const d of this.disposers.splice(0)) d();
    await this.applying;
    await this.repairing;
    await Promise.all([...this.pipelines.keys()].map((id) => this.detachPipeline(id)));
    await Promise.all([...this.transcoders.values()].map((t) => t.close()));
    this.transcoders.clear();
    await Promise.all([...this.maskedLive.keys()].map((id) => this.closeMasked(id)));
    await this.supervisor?.stop();
    await this.detector?.close();
  }
}

/** Width of the main-stream pictures kept for the closer look (at most the stream's own). */
const CLOSER_LOOK_WIDTH = 1920;
/** A main-stream keyframe older than this is not the same moment any more (GOPs of 1-2 s are usual). */
const CLOSER_LOOK_MAX_AGE_MS = 2500;

/** The stream whose keyframes give the closer look: main, when detection runs on another stream; undefined otherwise. */
export function closerLookFrom(cam: Camera, roles: Record<ServedRole, StreamName>): 'main' | undefined {
  if (!cam.enabled || !cam.detect.enabled || roles.detect === 'main') return undefined;
  const main = cam.streams.find((s) => s.name === 'main');
  return main && SERVED_ROLES.some((r) => roles[r] === 'main') ? 'main' : undefined;
}

/** The detection settings a camera's row carries: rate, zones, masks, tracked labels, score and area filters, motion sensitivity. */
export function pipelineSettings(cam: Camera, maxStationaryMs?: number): CameraDetectSettingsInput {
  const o = cam.detect.objects;
  const scores = { ...(o.minScore !== null ? { minScore: o.minScore } : {}), ...(o.threshold !== null ? { threshold: o.threshold } : {}) };
  const labelFilters: Record<string, { minArea?: number; maxArea?: number; minScore?: number; threshold?: number }> = {};
  for (const [label, area] of Object.entries(o.areas)) {
    // the camera's scores go into each override too: parsing an override fills its missing fields with the defaults
    labelFilters[label] = { ...scores, ...(area.min !== undefined ? { minArea: area.min } : {}), ...(area.max !== undefined ? { maxArea: area.max } : {}) };
  }
  return {
    fps: cam.detect.fps,
    zones: cam.zones,
    objectMask: cam.masks.objects,
    motion: { mask: cam.masks.motion, ...motionForSensitivity(o.motionSensitivity) },
    ...(o.labels ? { labels: o.labels } : {}),
    ...(Object.keys(scores).length ? { filters: scores } : {}),
    ...(Object.keys(labelFilters).length ? { labelFilters } : {}),
    ...(maxStationaryMs !== undefined ? { maxStationaryMs } : {}),
  };
}

/**
 * Motion sensitivity 1–10 as the motion detector's two knobs; 5 keeps their defaults (threshold 25, blob 12 px).
 * Each step halves or doubles them gently: 10 wakes on a 10-level change of a 2 px blob, 1 needs 50 levels and 48 px.
 */
export function motionForSensitivity(s: number): { threshold?: number; contourArea?: number } {
  if (s === 5) return {};
  return { threshold: Math.max(1, Math.min(255, Math.round(25 * 2 ** ((5 - s) / 4)))), contourArea: Math.max(1, Math.round(12 * 2 ** ((5 - s) / 2))) };
}

/** Frames are decoded for detection, or for motion events on an events-only camera (its footage follows motion). */
function needsFrames(cam: Camera): boolean {
  return cam.detect.enabled || cam.recordMode === 'events';
}
