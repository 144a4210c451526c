// CameraIngest: one camera's ffmpeg connection with its watchdog, stepped backoff, segment reports, frames and live fMP4.
import { statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { classifyStderr, probeMessage } from '../cameras/probe.js';
import type { Frame } from '../detect/frame.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { ffmpegMajorVersion, socketTimeoutArgs, spawnFfmpeg, type FfmpegProcess } from '../ffmpeg/process.js';
import { createLogger } from '../log/index.js';
import { redactSecrets } from '../../common/redact.js';
import { buildIngestArgs, defaultBackoffMs, EXTRA_PIPES, FD, needsConnection, recordableAudio, usesWallclock, type ResolvedInput } from './args.js';
import { Fmp4Splitter } from './fmp4.js';
import { LiveHub } from './live-hub.js';
import { detectSize, probeShape, type StreamShape } from './probe-input.js';
import { ensureDayDirs, parseListLine, resolveSegmentPath, type SegmentInfo } from './segments.js';
import type {
  FrameSource,
  IngestCallbacks,
  IngestConfig,
  IngestState,
  IngestStateName,
  IngestStats,
  IngestTuning,
  LiveSource,
} from './types.js';

const log = createLogger('ingest');
const HOUR = 3_600_000;

/** Splits the rawvideo pipe into whole I420 frames; each frame gets its own buffer (subscribers may keep it). */
class FrameSplitter {
  private buf: Uint8Array;
  private filled = 0;

  constructor(
    private readonly size: number,
    private readonly onFrame: (data: Uint8Array) => void,
  ) {
    this.buf = new Uint8Array(size);
  }

  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(this.size - this.filled, chunk.length - off);
      this.buf.set(chunk.subarray(off, off + n), this.filled);
      this.filled += n;
      off += n;
      if (this.filled === this.size) {
        const full = this.buf;
        this.buf = new Uint8Array(this.size);
        this.filled = 0;
        this.onFrame(full);
      }
    }
  }
}

export interface CameraIngestOptions extends IngestCallbacks, IngestTuning {
  config: IngestConfig;
  /** Stream shapes probed before, by URL, shared by the supervisor's connections: an edit or restart does not probe again. */
  shapes?: Map<string, StreamShape>;
}

/**
 * One camera: at most one ffmpeg process (one RTSP session) whose outputs are enabled by config.
 * Supervised: watchdog on data, stepped backoff, a generation id so a stale retry never starts a second process.
 */
export class CameraIngest implements FrameSource {
  readonly cameraId: string;
  readonly stream: 'main' | 'sub';
  readonly live: LiveSource;
  private readonly cfg: IngestConfig;
  private readonly tuning: Required<Omit<IngestTuning, 'ffmpegPath' | 'ffprobePath'>> & { ffmpegPath: string | undefined; ffprobePath: string | undefined };
  /** The stream's codec, size and sound, probed once before the first connection that needs them. */
  private shape: StreamShape | undefined;
  /** What the current connection runs with (detect size, audio, clock). */
  private resolved: ResolvedInput;
  /** The camera's own timestamps went backwards on a `camera` clock: later connections use the wall clock. */
  private clockBroken = false;
  private warnedAudio = false;
  private readonly cb: IngestCallbacks;
  private readonly hub: LiveHub;
  private readonly frameSubs = new Set<(f: Frame) => void>();
  private readonly shapes: Map<string, StreamShape> | undefined;

  private generation = 0;
  private started = false;
  private proc: FfmpegProcess | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private dirTimer: NodeJS.Timeout | undefined;
  private retries = 0;
  private stopping: Promise<void> | undefined;
  private stateNow: IngestState;
  private counters = { framesIn: 0, framesDelivered: 0, bytesRecorded: 0, bytesLive: 0, bytesFrames: 0, segments: 0, restarts: 0 };
  private fpsWindow: { t: number; frames: number }[] = [];
  private lastDataAt: number | undefined;
  private lastWarned: string | undefined;

  constructor(opts: CameraIngestOptions) {
    this.cfg = { ...opts.config, detect: { ...opts.config.detect } };
    this.cameraId = opts.config.cameraId;
    this.stream = opts.config.stream ?? 'main';
    this.shapes = opts.shapes;
    this.shape = opts.shapes?.get(opts.config.url);
    this.tuning = {
      watchdogMs: opts.watchdogMs ?? 10_000,
      backoffMs: opts.backoffMs ?? defaultBackoffMs,
      liveIdleStopMs: opts.liveIdleStopMs ?? 30_000,
      socketTimeoutMs: opts.socketTimeoutMs ?? 10_000,
      ffmpegPath: opts.ffmpegPath,
      ffprobePath: opts.ffprobePath,
    };
    this.cb = { ...(opts.onSegment ? { onSegment: opts.onSegment } : {}), ...(opts.onState ? { onState: opts.onState } : {}) };
    this.hub = new LiveHub((n) => this.onViewers(n), this.cameraId);
    this.live = this.hub;
    this.stateNow = { cameraId: this.cameraId, state: 'offline', reason: 'Not started', since: Date.now() };
    const { detect } = this.cfg;
    if (detect.enabled && !detect.autoSize && (detect.width % 2 || detect.height % 2)) {
      throw new Error(`detect size must be even, got ${detect.width}x${detect.height}`);
    }
    this.resolved = { detect: { width: detect.width, height: detect.height }, wallclock: usesWallclock(this.cfg) };
  }

  /** Whether the stream must be probed before connecting: an auto-sized detect output, or sound to record. */
  private needsShape(): boolean {
    return (this.cfg.detect.enabled && this.cfg.detect.autoSize === true) || (this.cfg.audio === true && (this.cfg.record || this.cfg.live));
  }

  /** Detect size, audio and clock for the next connection, from the probed shape. */
  private resolve(): ResolvedInput {
    const { detect } = this.cfg;
    const size = detect.autoSize && this.shape ? detectSize(detect.width, this.shape.video) : { width: detect.width, height: detect.height };
    let audio = this.cfg.audio ? this.shape?.audio : undefined;
    if (audio && !recordableAudio(audio)) {
      // a sound format ffmpeg may not decode must not cost the recording: video only, said once
      if (!this.warnedAudio) log.warn({ cameraId: this.cameraId, stream: this.stream, audio }, 'the camera sound format cannot be converted to AAC: recording video only');
      this.warnedAudio = true;
      audio = undefined;
    }
    return { detect: size, ...(audio ? { audio } : {}), wallclock: usesWallclock(this.cfg, this.clockBroken) };
  }

  get config(): IngestConfig {
    return { ...this.cfg, detect: { ...this.cfg.detect } };
  }

  get state(): IngestState {
    return { ...this.stateNow };
  }

  /** Starts supervising; connects when some output needs the camera. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = undefined;
    this.generation++;
    if (this.cfg.record) {
      this.prepareDirs();
      this.dirTimer = setInterval(() => this.prepareDirs(), HOUR);
      this.dirTimer.unref();
    }
    if (needsConnection(this.cfg, this.hub.viewers())) void this.connect(this.generation);
    else this.setState('offline', 'Idle: nothing needs this camera now');
  }

  /** Stops ffmpeg with SIGTERM so the current segment is finalised (and reported); safe to call twice. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.started = false;
    this.generation++;
    clearTimeout(this.retryTimer);
    clearTimeout(this.idleTimer);
    clearInterval(this.dirTimer);
    const proc = this.proc;
    this.stopping = (async () => {
      if (proc) await proc.stop(5000);
      this.setState('offline', 'Stopped');
    })();
    return this.stopping;
  }

  subscribe(cb: (f: Frame) => void): () => void {
    this.frameSubs.add(cb);
    return () => {
      this.frameSubs.delete(cb);
    };
  }

  stats(): IngestStats {
    const w = this.fpsWindow;
    const first = w[0];
    const last = w.at(-1);
    const fpsIn = first && last && last.t > first.t ? ((last.frames - first.frames) * 1000) / (last.t - first.t) : 0;
    return {
      cameraId: this.cameraId,
      stream: this.stream,
      state: this.stateNow.state,
      fpsIn: Math.round(fpsIn * 10) / 10,
      ...this.counters,
      pid: this.proc?.pid,
      lastDataAt: this.lastDataAt,
      // the closer-look keyframes are not what detection runs on
      detectSize: this.cfg.detect.enabled && !this.cfg.detect.keyframesOnly ? { ...this.resolved.detect } : undefined,
      audio: this.shape?.audio,
      wallclock: this.resolved.wallclock,
      clockJumped: this.clockBroken,
      hwaccel: this.cfg.detect.enabled ? this.cfg.hwaccel : undefined,
    };
  }

  /** The ffmpeg process id of the current connection (tests and the bench read /proc with it). */
  pid(): number | undefined {
    return this.proc?.running() ? this.proc.pid : undefined;
  }

  private prepareDirs(): void {
    try {
      ensureDayDirs(this.cfg.recordingsDir);
    } catch (e) {
      log.error({ cameraId: this.cameraId, err: e }, 'cannot create the recordings folder');
    }
  }

  private onViewers(count: number): void {
    if (!this.started || !this.cfg.live || this.cfg.record || this.cfg.detect.enabled) return;
    clearTimeout(this.idleTimer);
    if (count > 0 && !this.proc && !this.retryTimer) {
      this.generation++;
      this.retries = 0;
      void this.connect(this.generation);
    } else if (count === 0 && this.proc) {
      // Live-only: keep the connection a little while (a page reload should not reconnect the camera).
      this.idleTimer = setTimeout(() => void this.park(), this.tuning.liveIdleStopMs);
      this.idleTimer.unref();
    }
  }

  /** Closes a live-only connection nobody watches; supervision stays on. */
  private async park(): Promise<void> {
    if (this.hub.viewers() > 0 || !this.proc) return;
    this.generation++;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const proc = this.proc;
    await proc.stop(5000);
    if (this.started) this.setState('offline', 'Idle: nothing needs this camera now');
  }

  private setState(state: IngestStateName, reason?: string): void {
    if (this.stateNow.state === state && this.stateNow.reason === reason) return;
    this.stateNow = { cameraId: this.cameraId, ...(this.stream === 'main' ? {} : { stream: this.stream }), state, ...(reason ? { reason } : {}), since: Date.now() };
    // A camera that stays down says so once at warn; each further retry with the same reason is debug.
    const quiet = state === 'connecting' || reason === 'Stopped' || reason?.startsWith('Idle') || (reason !== undefined && reason === this.lastWarned);
    const problem = state === 'error' || state === 'offline';
    if (problem && !quiet) this.lastWarned = reason;
    if (state === 'online') this.lastWarned = undefined;
    const level = quiet ? 'debug' : problem ? 'warn' : 'info';
    log[level]({ cameraId: this.cameraId, stream: this.stream, state, reason }, `camera ${this.cameraId}${this.stream === 'main' ? '' : ` (${this.stream} stream)`} ${state}`);
    try {
      this.cb.onState?.(this.state);
    } catch (e) {
      log.warn({ cameraId: this.cameraId, err: e }, 'onState callback threw');
    }
  }

  private touch(): void {
    this.lastDataAt = Date.now();
    if (this.stateNow.state !== 'online') {
      this.retries = 0;
      this.setState('online');
    }
  }

  private async connect(gen: number): Promise<void> {
    this.retryTimer = undefined;
    if (gen !== this.generation) return;
    let bin: string;
    let probeBin: string;
    let major: number;
    try {
      bin = this.tuning.ffmpegPath ?? locateFfmpeg().ffmpeg;
      probeBin = this.tuning.ffprobePath ?? (this.needsShape() && !this.shape ? locateFfmpeg().ffprobe : '');
      major = await ffmpegMajorVersion(bin);
    } catch (e) {
      this.setState('error', e instanceof Error ? e.message : String(e));
      return;
    }
    if (gen !== this.generation) return;
    if (this.needsShape() && !this.shape) {
      this.setState('connecting');
      const probed = await probeShape(this.cfg.url, {
        transport: this.cfg.transport ?? 'tcp',
        ffprobe: probeBin,
        timeoutMs: this.tuning.socketTimeoutMs,
      });
      if (gen !== this.generation) return;
      if (!probed.ok) {
        const fatal = probed.code === 'auth_failed' || probed.code === 'not_found' || probed.code === 'invalid_url';
        return this.retryLater(gen, probeMessage(probed.code, this.tuning.socketTimeoutMs), fatal);
      }
      this.shape = probed.shape;
      this.shapes?.set(this.cfg.url, probed.shape);
      log.info({ cameraId: this.cameraId, stream: this.stream, video: probed.shape.video, audio: probed.shape.audio ?? null }, 'stream probed');
    }
    this.resolved = this.resolve();
    const liveOn = this.cfg.live;
    const args = buildIngestArgs(this.cfg, { socketArgs: socketTimeoutArgs(this.cfg.url, major, this.tuning.socketTimeoutMs), liveOn, resolved: this.resolved });
    if (this.cfg.record) this.prepareDirs();
    this.setState('connecting');
    // strftime names must be UTC whatever the user's time zone.
    const proc = spawnFfmpeg(bin, args, { extraPipes: EXTRA_PIPES, env: { TZ: 'UTC' }, logger: log, label: this.cameraId });
    this.proc = proc;
    const spawnedAt = Date.now();
    let reason: string | undefined;
    this.wire(proc);

    // Watchdog: no new input frame for watchdogMs (a little longer before the first one) → restart.
    let sawData = false;
    const firstLimit = Math.round(this.tuning.watchdogMs * 1.5);
    const watchdog = setInterval(() => {
      const last = this.lastDataAt && this.lastDataAt >= spawnedAt ? this.lastDataAt : undefined;
      if (last) sawData = true;
      const idle = Date.now() - (last ?? spawnedAt);
      if (idle > (sawData ? this.tuning.watchdogMs : firstLimit)) {
        reason = `No video from the camera for ${Math.round(idle / 1000)} s`;
        log.warn({ cameraId: this.cameraId, idleMs: idle }, 'watchdog: restarting ffmpeg');
        void proc.stop(3000);
      }
    }, 1000);
    watchdog.unref();

    const exit = await proc.exited;
    if (!sawData && !(this.lastDataAt && this.lastDataAt >= spawnedAt) && gen === this.generation) {
      // failed before any data: the stream may have changed shape (a new codec, a new size), so probe it again
      this.shape = undefined;
      this.shapes?.delete(this.cfg.url);
    }
    clearInterval(watchdog);
    if (this.proc === proc) this.proc = undefined;
    if (gen !== this.generation) return;

    // Unexpected exit: classify, report, retry after the step's delay.
    const tail = proc.stderrTail();
    const code = classifyStderr(tail);
    reason ??= code ? probeMessage(code) : describeExit(tail, exit.code, exit.signal);
    const fatal = code === 'auth_failed' || code === 'not_found' || code === 'invalid_url';
    log.debug({ cameraId: this.cameraId, tail: tail.slice(-5) }, 'ffmpeg stderr before exit');
    this.retryLater(gen, reason, fatal);
  }

  /** Reports why the connection is down and tries again after the backoff step. */
  private retryLater(gen: number, reason: string, fatal: boolean): void {
    this.setState(fatal ? 'error' : 'offline', reason);
    const delay = this.tuning.backoffMs(this.retries);
    this.retries++;
    this.counters.restarts++;
    this.retryTimer = setTimeout(() => {
      if (gen !== this.generation) return;
      if (!needsConnection(this.cfg, this.hub.viewers())) {
        this.retryTimer = undefined;
        this.setState('offline', 'Idle: nothing needs this camera now');
        return;
      }
      void this.connect(gen);
    }, delay);
  }

  private wire(proc: FfmpegProcess): void {
    const cameraId = this.cameraId;
    // (a) finished segments from the csv segment list.
    const list = proc.pipes[FD.segmentList - 3];
    if (list && this.cfg.record) {
      createInterface({ input: list }).on('line', (line) => this.onListLine(line));
    } else list?.resume();

    // (b) raw I420 frames at the detect size.
    if (this.cfg.detect.enabled) {
      const { width, height } = this.resolved.detect;
      const splitter = new FrameSplitter(width * height + 2 * (width >> 1) * (height >> 1), (data) => this.deliverFrame(data));
      proc.stdout.on('data', (b: Buffer) => {
        this.counters.bytesFrames += b.length;
        splitter.push(b);
      });
    } else proc.stdout.resume();

    // (c) fragmented MP4 for live view.
    const livePipe = proc.pipes[FD.live - 3];
    if (livePipe && this.cfg.live) {
      const fmp4 = new Fmp4Splitter({
        onInit: (init, codec) => this.hub.setInit(init, codec),
        onFragment: (frag, key) => this.hub.fragment(frag, key),
      });
      livePipe.on('data', (b: Buffer) => {
        this.counters.bytesLive += b.length;
        fmp4.push(b);
      });
    } else livePipe?.resume();

    // Progress: frame= counts input frames (the first output is a copy) and feeds the watchdog.
    const progress = proc.pipes[FD.progress - 3];
    if (progress) {
      const base = this.counters.framesIn;
      createInterface({ input: progress }).on('line', (line) => {
        if (!line.startsWith('frame=')) return;
        const n = Number(line.slice(6));
        if (!Number.isFinite(n)) return;
        if (base + n > this.counters.framesIn) {
          this.counters.framesIn = base + n;
          this.touch();
          const now = Date.now();
          this.fpsWindow.push({ t: now, frames: this.counters.framesIn });
          while (this.fpsWindow.length > 2 && now - this.fpsWindow[0]!.t > 5000) this.fpsWindow.shift();
        }
      });
    }
    let warnedClock = false;
    proc.onStderrLine((line) => {
      log.trace({ cameraId }, line);
      // the camera's clock went back (only visible on a trusted camera clock): the next connection uses the wall clock
      if (!warnedClock && !this.resolved.wallclock && /Non-monoton(ous|ically increasing) dts/i.test(line) && !/previous: 0, current: 0/.test(line)) {
        warnedClock = true;
        this.clockBroken = true;
        log.warn({ cameraId, stream: this.stream }, 'camera timestamps went backwards: wall-clock timestamps from the next connection on');
      }
    });
  }

  private deliverFrame(data: Uint8Array): void {
    const { width, height } = this.resolved.detect;
    const frame: Frame = { cameraId: this.cameraId, width, height, data, time: Date.now() };
    for (const cb of this.frameSubs) {
      try {
        cb(frame);
      } catch (e) {
        log.warn({ cameraId: this.cameraId, err: e }, 'frame subscriber threw');
      }
    }
    this.counters.framesDelivered++;
    this.touch();
  }

  private onListLine(line: string): void {
    const entry = parseListLine(line);
    if (!entry) return;
    const end = Date.now();
    const durationMs = Math.round((entry.endS - entry.startS) * 1000);
    const start = end - durationMs;
    const path = resolveSegmentPath(this.cfg.recordingsDir, entry.name, start);
    if (!path) {
      log.warn({ cameraId: this.cameraId, name: entry.name }, 'a finished segment is missing from disk');
      return;
    }
    let bytes = 0;
    try {
      bytes = statSync(path).size;
    } catch {
      // Deleted between the list line and now: report what we know.
    }
    this.counters.segments++;
    this.counters.bytesRecorded += bytes;
    const seg: SegmentInfo = { cameraId: this.cameraId, path, start, end, durationMs, bytes };
    try {
      this.cb.onSegment?.(seg);
    } catch (e) {
      log.warn({ cameraId: this.cameraId, err: e }, 'onSegment callback threw');
    }
  }
}

// Warnings ffmpeg prints on healthy streams: never the reason a stream stopped.
const NOISE = /Non-monoton|co located POCs|Timestamps are unset|DTS discontinuity|Past duration|max delay reached|RTP: missed|Application provided invalid/i;

function describeExit(tail: readonly string[], code: number | null, signal: NodeJS.Signals | null): string {
  // The last line that looks like an error, without ffmpeg's "[rtsp @ 0x…]" prefix.
  const line = [...tail].reverse().find((l) => !NOISE.test(l) && /error|fail|invalid|unable|could not|end of file|closed/i.test(l));
  const text = line ? redactSecrets(line.replace(/^\[[^\]]+\]\s*/, '')).slice(0, 200) : '';
  if (text) return `The camera stream stopped: ${text}`;
  if (code === 0) return 'The camera ended the stream';
  return signal ? `The camera stream stopped (ffmpeg ${signal})` : `The camera stream stopped (ffmpeg exit ${code})`;
}
