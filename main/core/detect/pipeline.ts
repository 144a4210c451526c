// Per-camera frame pipeline: motion → regions → detector → filters → tracker → object lifecycle callbacks (motion events without a model).
import { createLogger } from '../log/index.js';
import { MotionDetector } from '../motion/index.js';
import type { TrackPoint } from '../../common/contract/events.js';
import type { Polygon } from '../../common/contract/zones.js';
import { pointInPolygon } from '../motion/polygon.js';
import { Tracker, type TrackedObject } from '../track/index.js';
import type { Detector } from './detector.js';
import { boxArea, DetectError, type Box, type Detection, type Frame, type Region } from './frame.js';
import { MOTION_LABEL, MotionEvents, type MotionStretch } from './motion-events.js';
import { closerLook, type CloserDetection } from './closer-look.js';
import { needsSecondLook, secondLook } from './second-look.js';
import { buildRegions } from './regions.js';
import { CameraDetectSettings, filterFor, type CameraDetectSettingsInput } from './settings.js';

const log = createLogger('detect');

export interface BestFrame {
  /** The whole I420 frame of the best detection (for the snapshot). */
  frame: Frame;
  box: Box;
  score: number;
  time: number;
}

export interface ObjectEvent {
  objectId: string;
  cameraId: string;
  label: string;
  /** Highest median score reached. */
  topScore: number;
  /** Latest score and box. */
  score: number;
  box: Box;
  /** The zones the object is in now. */
  zones: string[];
  /** Every zone entered so far. */
  enteredZones: string[];
  /** The last frame the object was seen in (same clock as start). */
  lastSeen: number;
  stationary: boolean;
  /**
   * Alerts held back: the object was already there, still, when detection started (a parked car), and has not moved
   * since; or the owner taught the camera it is a false alarm. The event is kept; rules skip it.
   */
  quiet: QuietReason | null;
  /** Same clock as Frame.time. */
  start: number;
  end: number | undefined;
  bestFrame: BestFrame;
}

export type QuietReason = 'stationary' | 'learned';

export interface PipelineCallbacks {
  onStart?: (e: ObjectEvent) => void;
  onUpdate?: (e: ObjectEvent) => void;
  onEnd?: (e: ObjectEvent) => void;
  /** A started object is still there: at most every ALIVE_MS per object, so a crash can close its event near its last sighting. */
  onAlive?: (e: { objectId: string; lastSeen: number }) => void;
  /**
   * Where the frame moved (source pixels of a width x height frame), for motion search: every frame motion was checked
   * on, with no boxes when nothing moved (so the search knows which time was watched and found still).
   */
  onMotion?: (time: number, boxes: Box[], width: number, height: number) => void;
  /**
   * A started object's detections since the last call (boxes as shares of the frame): once when it starts (from its first
   * sighting), then every ALIVE_MS, and before its end.
   */
  onTrack?: (objectId: string, points: TrackPoint[]) => void;
}

export interface FrameResult {
  motion: Box[];
  regions: Region[];
  /** Detections that passed the filters (source pixels). */
  detections: Detection[];
  /** True when the frame went to the model. */
  toModel: boolean;
  /** Regions of the main-stream picture (frame.source) looked at for small candidates. */
  closerRegions: Region[];
  dropped: boolean;
}

export interface PipelineStats {
  cameraId: string;
  framesTotal: number;
  framesWithMotion: number;
  framesToModel: number;
  regionsToModel: number;
  /** Frames the shared detector queue dropped. */
  framesDropped: number;
  /** Frames pushed while this camera was still busy (only the newest waits). */
  framesSkipped: number;
  tracked: number;
  active: number;
  /** Frames processed per second over the last few seconds. */
  fpsProcessed: number;
}

interface ObjectState {
  /** The event's own id: the tracker id, with a generation suffix once a parked object moves off again. */
  eventKey: string;
  generation: number;
  start: number;
  started: boolean;
  /** Ended for standing still too long; the object is still tracked and may start a new event when it moves. */
  parked: boolean;
  stationarySince: number | undefined;
  lastAlive: number;
  ended: boolean;
  zones: string[];
  entered: Set<string>;
  emittedTopScore: number;
  emittedStationary: boolean;
  best: BestFrame | undefined;
  lastCheckFrame: number;
  /** Seen within the first moments of detection: maybe parked before we looked. */
  preexisting: boolean;
  quiet: QuietReason | null;
  emittedLabel: string;
  /** The second look was taken (once per object). */
  looked: boolean;
  /** The second look said otherwise: this object never becomes an event. */
  rejected: boolean;
  /** Detections not yet handed to onTrack. */
  track: TrackPoint[];
  /** When onTrack last took them (undefined: never). */
  trackFlushedAt: number | undefined;
}

/** What the owner taught this camera (main/core/learn): look-alikes of their false alarms, and calibrated thresholds. */
export interface Teacher {
  quietFor(cameraId: string, label: string, frame: Frame, box: Box): boolean;
  threshold(cameraId: string, label: string): number | undefined;
}

export interface FramePipelineOptions {
  cameraId: string;
  /** Without one, only motion runs and stretches of motion become `motion` events. */
  detector?: Detector | undefined;
  settings?: CameraDetectSettingsInput;
  callbacks?: PipelineCallbacks;
  teacher?: Teacher | undefined;
  /** The model for the second look at a person/animal call before its event starts (default: the detector; false: none). */
  secondLook?: Detector | false;
}

const MEANINGFUL_SCORE_STEP = 0.05;
/** Objects first seen this soon after the first frame reached the model were there before detection started. */
const STARTUP_MS = 2000;
/** The frame minArea is a share of (640x360); larger frames keep its pixel count. */
const REFERENCE_AREA = 640 * 360;
/** How often a started object reports that it is still there. */
export const ALIVE_MS = 5000;
/** Detections kept of an object not started yet (the oldest go): its track starts at most this many frames early. */
const PRE_START_POINTS = 150;
const FPS_WINDOW_MS = 5000;

export class FramePipeline {
  readonly cameraId: string;
  private settings: CameraDetectSettings;
  private motion: MotionDetector;
  private tracker: Tracker;
  private readonly detector: Detector | undefined;
  private readonly teacher: Teacher | undefined;
  private readonly looker: Detector | undefined;
  private readonly motionEvents: MotionEvents;
  /** Closer-look answers per main-stream picture (dropped with the picture). */
  private readonly closerCache = new WeakMap<Frame, Map<string, Detection[]>>();
  private motionAlive = 0;
  private frameSize = '';
  private readonly processedAt: number[] = [];
  private readonly callbacks: PipelineCallbacks;
  private readonly state = new Map<string, ObjectState>();
  private frameIndex = 0;
  private firstModelTime: number | undefined;
  private busy: Promise<void> | undefined;
  private pending: Frame | undefined;
  private readonly counters = { framesTotal: 0, framesWithMotion: 0, framesToModel: 0, regionsToModel: 0, framesDropped: 0, framesSkipped: 0 };

  constructor(opts: FramePipelineOptions) {
    this.cameraId = opts.cameraId;
    this.detector = opts.detector;
    this.teacher = opts.teacher;
    this.looker = opts.secondLook === false ? undefined : (opts.secondLook ?? opts.detector);
    this.callbacks = opts.callbacks ?? {};
    this.settings = CameraDetectSettings.parse(opts.settings ?? {});
    this.motion = new MotionDetector(this.settings.motion);
    this.tracker = new Tracker(this.settings.tracker, `${opts.cameraId}-`);
    this.motionEvents = new MotionEvents(this.settings.motionEvents, `${opts.cameraId}-`);
  }

  /** True when a model looks at the frames; false when only motion runs. */
  get detecting(): boolean {
    return this.detector !== undefined;
  }

  /** New settings apply from the next frame; motion and tracker restart only when their sections change. */
  updateSettings(input: CameraDetectSettingsInput): void {
    const next = CameraDetectSettings.parse(input);
    if (JSON.stringify(next.motion) !== JSON.stringify(this.settings.motion)) this.motion = new MotionDetector(next.motion);
    if (JSON.stringify(next.tracker) !== JSON.stringify(this.settings.tracker)) {
      this.endAll();
      this.tracker = new Tracker(next.tracker, `${this.cameraId}-`);
    }
    this.motionEvents.update(next.motionEvents);
    this.settings = next;
  }

  private lastTime = 0;
  private lastPushed: number | undefined;

  /** Live use: never waits; frames faster than the configured fps are skipped; while busy only the newest frame waits. */
  push(frame: Frame): void {
    const minGap = 800 / this.settings.fps;
    if (this.lastPushed !== undefined && frame.time >= this.lastPushed && frame.time - this.lastPushed < minGap) {
      this.counters.framesSkipped++;
      return;
    }
    this.lastPushed = frame.time;
    this.enqueue(frame);
  }

  private enqueue(frame: Frame): void {
    if (this.busy) {
      if (this.pending) this.counters.framesSkipped++;
      this.pending = frame;
      return;
    }
    this.busy = this.process(frame).then(
      () => this.next(),
      (err: unknown) => {
        log.error({ err, camera: this.cameraId }, 'frame processing failed');
        this.next();
      },
    );
  }

  private next(): void {
    this.busy = undefined;
    const f = this.pending;
    this.pending = undefined;
    if (f) this.enqueue(f);
  }

  /** Runs one frame to completion (files, tests); call in order, one at a time. */
  async process(frame: Frame): Promise<FrameResult> {
    const s = this.settings;
    const index = this.frameIndex++;
    this.counters.framesTotal++;
    this.lastTime = frame.time;
    this.countProcessed();
    const W = frame.width;
    const H = frame.height;
    // a new detect size (the camera was edited): boxes in the old pixels mean nothing now
    const size = `${W}x${H}`;
    if (this.frameSize && size !== this.frameSize) this.endAll(frame.time);
    this.frameSize = size;

    let motionBoxes: Box[];
    if (s.motion.enabled) motionBoxes = this.motion.detect(frame).boxes;
    else motionBoxes = [[0, 0, W, H]];
    if (motionBoxes.length > 0) this.counters.framesWithMotion++;
    if (s.motion.enabled) this.callbacks.onMotion?.(frame.time, motionBoxes, W, H);
    if (!this.detector) {
      this.motionStep(frame, s.motion.enabled ? motionBoxes : []);
      return { motion: motionBoxes, regions: [], detections: [], toModel: false, dropped: false, closerRegions: [] };
    }

    // Moving objects are always looked at; stationary ones only every stationaryInterval frames.
    const interval = s.tracker.stationaryInterval;
    const due = this.tracker.all().filter((o) => !o.stationary || index - (this.state.get(o.id)?.lastCheckFrame ?? 0) >= interval);
    const boxes = [...motionBoxes, ...due.map((o) => o.box)];
    const regions = buildRegions(boxes, W, H, { modelSize: this.detector.inputSize, ...s.regions });
    for (const o of this.tracker.all()) this.alive(o, frame.time);
    const result: FrameResult = { motion: motionBoxes, regions, detections: [], toModel: false, dropped: false, closerRegions: [] };
    if (regions.length === 0) return result;

    let raw: Detection[];
    try {
      this.counters.framesToModel++;
      this.counters.regionsToModel += regions.length;
      result.toModel = true;
      this.firstModelTime ??= frame.time;
      raw = await this.detector.detect(frame, regions);
    } catch (err) {
      if (err instanceof DetectError && err.code === 'frame_dropped') {
        this.counters.framesDropped++;
        result.dropped = true;
        return result;
      }
      throw err;
    }

    let seen: (Detection | CloserDetection)[] = regions.length > 1 ? mergeAcrossRegions(raw) : raw;
    if (frame.source) {
      // small things: what the main stream's picture shows in their place, at its own size
      const closer = await closerLook(this.detector, frame, seen, {
        minScoreFor: (label) => filterFor(s, label).minScore,
        tracked: this.tracker.all().map((o) => o.box),
        motion: s.motion.enabled ? motionBoxes : [],
        cache: this.closerCache,
      });
      seen = closer.detections;
      result.closerRegions = closer.regions;
      this.counters.regionsToModel += closer.regions.length;
    }
    const detections = this.filter(seen, W, H, frame.source);
    result.detections = detections;
    for (const o of due) {
      const st = this.state.get(o.id);
      if (st) st.lastCheckFrame = index;
    }
    const inRegion = (o: TrackedObject): boolean => {
      const cx = (o.box[0] + o.box[2]) / 2;
      const cy = (o.box[1] + o.box[3]) / 2;
      return regions.some((r) => cx >= r.x && cx < r.x + r.width && cy >= r.y && cy < r.y + r.height);
    };
    const update = this.tracker.update(detections, frame.time, inRegion);
    for (const o of update.created) {
      const st = newState(o.id, 0, o.firstSeen, index);
      st.preexisting = o.firstSeen - (this.firstModelTime ?? o.firstSeen) <= STARTUP_MS;
      this.state.set(o.id, st);
    }
    for (const o of update.newBest) {
      const st = this.state.get(o.id);
      if (st) st.best = { frame, box: o.best.box, score: o.best.score, time: o.best.time };
    }
    for (const o of update.matched) {
      await this.evaluate(o, W, H, frame.time);
      this.record(o, frame.time, W, H);
    }
    for (const o of update.ended) this.finish(o);
    return result;
  }

  private countProcessed(): void {
    const now = Date.now();
    this.processedAt.push(now);
    while (this.processedAt.length > 0 && now - (this.processedAt[0] as number) > FPS_WINDOW_MS) this.processedAt.shift();
  }

  /** Motion-only: a stretch of movement becomes one `motion` event. */
  private motionStep(frame: Frame, boxes: Box[]): void {
    const step = this.motionEvents.step(frame, boxes);
    if (step.ended) this.callbacks.onEnd?.(motionEvent(this.cameraId, step.ended, step.ended.lastSeen));
    if (step.started) {
      this.motionAlive = frame.time;
      this.callbacks.onStart?.(motionEvent(this.cameraId, step.started, undefined));
    }
    const cur = this.motionEvents.active();
    if (cur && !step.started && frame.time - this.motionAlive >= ALIVE_MS) {
      this.motionAlive = frame.time;
      this.callbacks.onAlive?.({ objectId: cur.id, lastSeen: cur.lastSeen });
    }
  }

  private alive(o: TrackedObject, now: number): void {
    const st = this.state.get(o.id);
    if (!st?.started || st.ended || st.parked || now - st.lastAlive < ALIVE_MS) return;
    st.lastAlive = now;
    this.callbacks.onAlive?.({ objectId: st.eventKey, lastSeen: o.lastSeen });
  }

  /** Per-detection false-positive filters: allow-list, min score, area, masks. */
  private filter(dets: (Detection | CloserDetection)[], W: number, H: number, source?: Frame): Detection[] {
    const s = this.settings;
    const frameArea = W * H;
    const sourceArea = source ? source.width * source.height : frameArea;
    // minArea is a share of a frame up to the classic 640x360 detect size and that many pixels beyond it: at a stream's
    // native 1080p a person far away is a tiny share of the frame yet as many pixels as a near one at 360p
    const minAreaBase = Math.min(frameArea, REFERENCE_AREA);
    const out: Detection[] = [];
    for (const d of dets) {
      if (!s.labels.includes(d.label)) continue;
      const f = filterFor(s, d.label);
      if (d.score < f.minScore) continue;
      // a detection made on the main picture is measured in its pixels: a person far away has there the pixels a near one has here
      if ('sourceArea' in d) {
        if (d.sourceArea < f.minArea * Math.min(sourceArea, REFERENCE_AREA) || d.sourceArea / sourceArea > f.maxArea) continue;
      } else {
        const area = boxArea(d.box);
        if (area < f.minArea * minAreaBase || area / frameArea > f.maxArea) continue;
      }
      const bx = (d.box[0] + d.box[2]) / 2 / W;
      const by = d.box[3] / H;
      if (inAny(bx, by, s.objectMask) || inAny(bx, by, f.mask)) continue;
      out.push({ label: d.label, score: d.score, box: d.box });
    }
    return out;
  }

  private zonesOf(o: TrackedObject, W: number, H: number): string[] {
    const bx = (o.box[0] + o.box[2]) / 2 / W;
    const by = o.box[3] / H;
    return this.settings.zones
      .filter((z) => (z.labels.length === 0 || z.labels.includes(o.label)) && pointInPolygon(bx, by, z.polygon))
      .map((z) => z.name);
  }

  /** Starts an object once it is a true positive, then reports only meaningful changes. */
  private async evaluate(o: TrackedObject, W: number, H: number, now: number): Promise<void> {
    let st = this.state.get(o.id);
    if (!st || st.ended || st.rejected) return;
    if (st.parked) {
      if (o.stationary) return;
      // a parked object drove off: a new event from here (the tracker id stays, the event gets its own key)
      const gen = st.generation + 1;
      st = { ...newState(`${o.id}~${gen}`, gen, now, st.lastCheckFrame), best: st.best };
      this.state.set(o.id, st);
    }
    st.stationarySince = o.stationary ? (st.stationarySince ?? now) : undefined;
    if (st.started && st.stationarySince !== undefined && now - st.stationarySince >= this.settings.maxStationaryMs) {
      // parked: the event ends and stops holding footage, though the tracker keeps the object
      st.parked = true;
      this.flushTrack(st, now);
      this.callbacks.onEnd?.(this.toEvent(o, st, o.lastSeen));
      return;
    }
    const zones = this.zonesOf(o, W, H);
    const zonesChanged = zones.join('\n') !== st.zones.join('\n');
    st.zones = zones;
    for (const z of zones) st.entered.add(z);
    if (!st.started) {
      const f = filterFor(this.settings, o.label);
      const required = this.settings.requiredZones[o.label];
      const inRequired = !required || required.some((z) => st.entered.has(z));
      const threshold = Math.max(f.threshold, this.teacher?.threshold(this.cameraId, o.label) ?? 0);
      if (!o.confirmed || o.topScore < threshold || !inRequired) return;
      // person or animal: look again, closer, before anyone is told (a dog called a person must not alert as one)
      if (!st.looked && this.looker && st.best && needsSecondLook(o.label)) {
        st.looked = true;
        const look = await secondLook(this.looker, st.best.frame, st.best.box, o.label);
        if (look.verdict === 'contradicted') {
          st.rejected = true;
          log.info({ camera: this.cameraId, label: o.label, seenAs: look.label, score: Math.round(look.score * 100) / 100 }, 'second look contradicts the label: no event');
          return;
        }
      }
      // there when we started looking and not moved since (a parked car): one event, and no alert until it moves
      if (st.preexisting && o.moves === 0) st.quiet = 'stationary';
      // the owner marked this look at this place as a false alarm often enough
      if (st.best && this.teacher?.quietFor(this.cameraId, o.label, st.best.frame, st.best.box)) st.quiet = 'learned';
      st.started = true;
      st.emittedLabel = o.label;
      st.lastAlive = now;
      st.emittedTopScore = o.topScore;
      st.emittedStationary = o.stationary;
      this.callbacks.onStart?.(this.toEvent(o, st, undefined));
      return;
    }
    // a parked object that drives off is alert-worthy from now on
    const wokeUp = st.quiet === 'stationary' && o.moves > 0;
    if (wokeUp) st.quiet = null;
    const relabelled = o.label !== st.emittedLabel;
    st.emittedLabel = o.label;
    const meaningful = wokeUp || relabelled || zonesChanged || o.topScore >= st.emittedTopScore + MEANINGFUL_SCORE_STEP || o.stationary !== st.emittedStationary;
    if (!meaningful) return;
    st.emittedTopScore = Math.max(st.emittedTopScore, o.topScore);
    st.emittedStationary = o.stationary;
    this.callbacks.onUpdate?.(this.toEvent(o, st, undefined));
  }

  private finish(o: TrackedObject): void {
    const st = this.state.get(o.id);
    this.state.delete(o.id);
    if (!st?.started || st.ended || st.parked) return;
    st.ended = true;
    this.flushTrack(st, o.lastSeen);
    this.callbacks.onEnd?.(this.toEvent(o, st, o.lastSeen));
  }

  /** Keeps this frame's detection of `o` for its event's track; a started object hands its points on every ALIVE_MS. */
  private record(o: TrackedObject, time: number, W: number, H: number): void {
    const st = this.state.get(o.id);
    if (!st || st.rejected || st.ended || st.parked || o.lastSeen !== time) return;
    const box: Box = [o.box[0] / W, o.box[1] / H, o.box[2] / W, o.box[3] / H];
    st.track.push({ t: time, box, label: o.label, score: o.score });
    if (!st.started) {
      if (st.track.length > PRE_START_POINTS) st.track.shift();
      return;
    }
    if (st.trackFlushedAt === undefined || time - st.trackFlushedAt >= ALIVE_MS) this.flushTrack(st, time);
  }

  private flushTrack(st: ObjectState, time: number): void {
    if (!st.started || st.track.length === 0) return;
    const points = st.track;
    st.track = [];
    st.trackFlushedAt = time;
    this.callbacks.onTrack?.(st.eventKey, points);
  }

  private toEvent(o: TrackedObject, st: ObjectState, end: number | undefined): ObjectEvent {
    return {
      objectId: st.eventKey,
      cameraId: this.cameraId,
      label: o.label,
      topScore: o.topScore,
      score: o.score,
      box: o.box,
      zones: st.zones,
      enteredZones: [...st.entered],
      lastSeen: o.lastSeen,
      stationary: o.stationary,
      quiet: st.quiet,
      start: st.start,
      end,
      bestFrame: st.best ?? { frame: emptyFrame(this.cameraId), box: o.best.box, score: o.best.score, time: o.best.time },
    };
  }

  private endAll(time = this.lastTime): void {
    for (const o of this.tracker.flush()) this.finish(o);
    const m = this.motionEvents.flush();
    if (m) this.callbacks.onEnd?.(motionEvent(this.cameraId, m, Math.min(time, m.lastSeen)));
  }

  /**
   * No frame for longer than the tracker waits for a missing object (camera offline, ffmpeg restarting): what
   * was tracked ends at its last sighting instead of staying open until frames come back. Returns true if any ended.
   */
  expireIdle(now: number): boolean {
    if (this.busy || this.lastTime === 0 || now - this.lastTime <= this.settings.tracker.maxMissedMs) return false;
    const any = this.tracker.all().length > 0 || this.motionEvents.active() !== undefined;
    if (any) this.endAll(this.lastTime);
    return any;
  }

  /** Ends every tracked object (end of file, camera stopping); waits for a frame in flight first. */
  async flush(): Promise<void> {
    this.pending = undefined;
    await this.busy;
    this.endAll();
  }

  stats(): PipelineStats {
    const all = this.tracker.all();
    return {
      cameraId: this.cameraId,
      ...this.counters,
      tracked: all.length,
      active: all.filter((o) => this.state.get(o.id)?.started).length + (this.motionEvents.active() ? 1 : 0),
      fpsProcessed: this.fps(),
    };
  }

  private fps(): number {
    const w = this.processedAt;
    const first = w[0];
    const last = w.at(-1);
    if (first === undefined || last === undefined || Date.now() - last > FPS_WINDOW_MS) return 0;
    // n frames over the window span the n - 1 gaps between them
    const span = Math.max(last - first, 1);
    return w.length < 2 ? 0 : Math.round(((w.length - 1) * 10_000) / span) / 10;
  }
}

function newState(eventKey: string, generation: number, start: number, lastCheckFrame: number): ObjectState {
  return {
    eventKey,
    generation,
    start,
    started: false,
    parked: false,
    stationarySince: undefined,
    lastAlive: start,
    ended: false,
    zones: [],
    entered: new Set(),
    emittedTopScore: 0,
    emittedStationary: false,
    best: undefined,
    lastCheckFrame,
    preexisting: false,
    quiet: null,
    emittedLabel: '',
    looked: false,
    rejected: false,
    track: [],
    trackFlushedAt: undefined,
  };
}

function motionEvent(cameraId: string, m: MotionStretch, end: number | undefined): ObjectEvent {
  return {
    objectId: m.id,
    cameraId,
    label: MOTION_LABEL,
    topScore: 1,
    score: 1,
    box: m.box,
    zones: [],
    enteredZones: [],
    lastSeen: m.lastSeen,
    stationary: false,
    quiet: null,
    start: m.start,
    end,
    bestFrame: m.best,
  };
}

function inAny(x: number, y: number, polygons: readonly Polygon[]): boolean {
  return polygons.some((p) => pointInPolygon(x, y, p));
}

/** A box cut at a region edge reappears whole in the neighbouring region: drop same-label boxes mostly inside a better one. */
export function mergeAcrossRegions(dets: Detection[]): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    const dup = kept.some((k) => {
      if (k.label !== d.label) return false;
      const iw = Math.min(k.box[2], d.box[2]) - Math.max(k.box[0], d.box[0]);
      const ih = Math.min(k.box[3], d.box[3]) - Math.max(k.box[1], d.box[1]);
      if (iw <= 0 || ih <= 0) return false;
      return (iw * ih) / Math.min(boxArea(k.box), boxArea(d.box)) > 0.8;
    });
    if (!dup) kept.push(d);
  }
  return kept;
}

function emptyFrame(cameraId: string): Frame {
  return { cameraId, width: 0, height: 0, data: new Uint8Array(0), time: 0 };
}
