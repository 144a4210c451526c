// Motion scan jobs: a region and a span of one camera's recordings; segments the stored motion shows still are skipped,
// the others decoded one by one; progress and the moments so far while it runs, cancel at once, one scan per user.
import { randomUUID } from 'node:crypto';
import { ApiFailure, type MotionScan, type Polygon, type TopicPayload } from '../../common/contract/index.js';
import { overlap, regionGrid } from '../../common/motion-grid.js';
import { mergePieces, piecesFromInstants, type ScanPiece } from '../../common/motion-moments.js';
import type { FfmpegProcess } from '../ffmpeg/process.js';
import { createLogger } from '../log/index.js';
import type { MediaStore } from '../media/index.js';
import type { SegmentIndex } from '../recordings/index.js';
import { MOMENT_GAP_MS, WATCH_GAP_MS, type MotionActivity, type WatchSpan } from './activity.js';
import { SCAN_FPS, scanGeometry, scanSegment, type ScanGeometry } from './decode.js';

const log = createLogger('motion');

/** Instants closer than this inside one decoded segment are one piece. */
const PIECE_GAP_MS = 2000;
/** A segment counts as watched when the stored stretches cover it but for this much at either end. */
const EDGE_MS = 1500;
/** Segments closer than this are compared across their join (the last frame of one with the first of the next). */
const JOIN_MS = 1500;
const MAX_MOMENTS = 500;
/** Progress goes out at most this often per scan (and always when it ends). */
const PUBLISH_MS = 250;
/** A finished scan is forgotten after this long (or when its owner starts another). */
const KEEP_MS = 3600_000;

export interface MotionScanDeps {
  segments: Pick<SegmentIndex, 'segments'>;
  media: Pick<MediaStore, 'ffmpegInput'>;
  activity: Pick<MotionActivity, 'watchedSpans' | 'pieces'>;
  /** The ffmpeg binary (throws when there is none: the scan fails with that message). */
  ffmpeg: () => string;
  publish?: (payload: TopicPayload<'motion.progress'>) => void;
  /** The camera's motion mask now: stored motion is blind there, so a region reaching into it is decoded throughout. */
  motionMask?: (cameraId: string) => readonly Polygon[];
  /** Scans running at once across all users (each decodes with one thread); default 2. */
  maxRunning?: number;
}

export interface ScanRequest {
  cameraId: string;
  region: Polygon;
  after: number;
  before: number;
  confirm: boolean;
}

interface Job {
  status: MotionScan;
  owner: string;
  geometry: ScanGeometry;
  /** Pieces read from stored motion, and the spans of segments decoded (stored pieces there give way to decoded ones). */
  stored: ScanPiece[];
  decodedPieces: ScanPiece[];
  decodedSpans: WatchSpan[];
  proc: FfmpegProcess | undefined;
  cancelled: boolean;
  done: Promise<void>;
  lastPublish: number;
}

type Seg = { start: number; end: number; url: string };

/** Whether the stretches (in time order) cover [from, to] without a gap longer than gapMs. */
function covered(spans: readonly WatchSpan[], from: number, to: number, gapMs: number): boolean {
  let reach = from;
  for (const s of spans) {
    if (s.end < from) continue;
    if (s.start > reach + gapMs) return false;
    if (s.end > reach) reach = s.end;
    if (reach >= to) return true;
  }
  return reach >= to;
}

const overlaps = (p: { start: number; end: number }, s: { start: number; end: number }): boolean => p.start < s.end && p.end > s.start;

export class MotionScans {
  private readonly jobs = new Map<string, Job>();
  private readonly maxRunning: number;
  /** Segments decoded since start (tests count decodes with it). */
  decodes = 0;

  constructor(private readonly deps: MotionScanDeps) {
    this.maxRunning = deps.maxRunning ?? 2;
  }

  private running(): Job[] {
    return [...this.jobs.values()].filter((j) => j.status.state === 'running');
  }

  /** Starts a scan for `owner`; refuses a second one of theirs while one runs, and more than maxRunning in all. */
  start(owner: string, q: ScanRequest): MotionScan {
    this.forget();
    if (this.running().some((j) => j.owner === owner)) throw new ApiFailure('conflict', 'A motion scan of yours is still running: cancel it or wait for it to end');
    if (this.running().length >= this.maxRunning) throw new ApiFailure('rate_limited', 'Other motion scans are running: try again in a moment');
    for (const [id, j] of this.jobs) if (j.owner === owner) this.jobs.delete(id);
    const segments: Seg[] = this.deps.segments.segments(q.cameraId, q.after, q.before).map((s) => ({ start: s.start, end: s.end, url: s.url }));
    const id = `scan-${randomUUID()}`;
    const job: Job = {
      status: {
        id,
        cameraId: q.cameraId,
        region: q.region,
        after: q.after,
        before: q.before,
        confirm: q.confirm,
        state: 'running',
        segmentsTotal: segments.length,
        segmentsDone: 0,
        decoded: 0,
        skipped: 0,
        unreadable: 0,
        moments: [],
        truncated: false,
        startedAt: Date.now(),
      },
      owner,
      geometry: scanGeometry(q.region),
      stored: this.deps.activity.pieces(q.cameraId, q.region, q.after, q.before),
      decodedPieces: [],
      decodedSpans: [],
      proc: undefined,
      cancelled: false,
      done: Promise.resolve(),
      lastPublish: 0,
    };
    this.jobs.set(id, job);
    // what the stored motion says shows at once; decoding adds to it and corrects it
    this.refresh(job);
    job.done = this.run(job, segments).catch((err: unknown) => {
      job.status.state = 'failed';
      job.status.error = (err as Error).message;
      log.warn({ camera: q.cameraId, err }, 'motion scan failed');
    }).finally(() => {
      job.status.finishedAt = Date.now();
      this.refresh(job);
      this.publish(job, true);
    });
    return this.snapshot(job);
  }

  private async run(job: Job, segments: Seg[]): Promise<void> {
    const q = job.status;
    const want = regionGrid(q.region);
    const blind = (this.deps.motionMask?.(q.cameraId) ?? []).some((m) => overlap(want, regionGrid(m)) > 0);
    const watched = blind ? [] : this.deps.activity.watchedSpans(q.cameraId, q.after - WATCH_GAP_MS, q.before + WATCH_GAP_MS);
    const toDecode: Seg[] = [];
    for (const s of segments) {
      const from = Math.max(s.start, q.after);
      const to = Math.min(s.end, q.before);
      const isWatched = covered(watched, from + EDGE_MS, Math.max(from + EDGE_MS, to - EDGE_MS), WATCH_GAP_MS);
      const moved = job.stored.some((p) => overlaps(p, s));
      if (isWatched && !moved) q.skipped++;
      else if (isWatched && !q.confirm) {
        // the stored motion answers for this segment
      } else {
        toDecode.push(s);
        continue;
      }
      q.segmentsDone++;
    }
    this.publish(job, true);
    if (toDecode.length === 0) {
      q.state = 'done';
      return;
    }
    const ffmpeg = this.deps.ffmpeg();
    let previous: { end: number; frame: Uint8Array } | undefined;
    for (const s of toDecode) {
      if (job.cancelled) break;
      const input = this.deps.media.ffmpegInput('recordings', s.url);
      if (!input) {
        q.unreadable++;
        q.segmentsDone++;
        previous = undefined;
        continue;
      }
      this.decodes++;
      const joined = previous && s.start - previous.end <= JOIN_MS ? previous.frame : undefined;
      const r = await scanSegment({ ffmpeg, input, geometry: job.geometry, start: s.start, previous: joined, onProcess: (p) => (job.proc = p) });
      if (job.cancelled || r.stopped) break;
      q.segmentsDone++;
      if (!r.ok && r.frames === 0) {
        q.unreadable++;
        previous = undefined;
        log.warn({ camera: q.cameraId, segment: s.url, reason: r.error }, 'motion scan could not decode a segment');
        continue;
      }
      q.decoded++;
      previous = r.last ? { end: s.end, frame: r.last } : undefined;
      const inRange = r.instants.filter((i) => i.t >= q.after && i.t - 1000 / SCAN_FPS < q.before);
      job.decodedPieces.push(...piecesFromInstants(inRange, 1000 / SCAN_FPS, PIECE_GAP_MS, 'decoded'));
      job.decodedSpans.push({ start: s.start, end: s.end });
      this.refresh(job);
      this.publish(job, false);
    }
    q.state = job.cancelled ? 'cancelled' : 'done';
  }

  /** The moments from what is known now: decoded pieces, and stored pieces where nothing was decoded. */
  private refresh(job: Job): void {
    const stored = job.stored.filter((p) => !covered(job.decodedSpans, p.start, p.end, JOIN_MS));
    const moments = mergePieces([...stored, ...job.decodedPieces], MOMENT_GAP_MS);
    job.status.moments = moments.slice(0, MAX_MOMENTS).map((m) => ({ ...m, peak: Math.min(1, m.peak), peakAt: Math.round(m.peakAt) }));
    job.status.truncated = moments.length > MAX_MOMENTS;
  }

  private publish(job: Job, force: boolean): void {
    const now = Date.now();
    if (!force && now - job.lastPublish < PUBLISH_MS) return;
    job.lastPublish = now;
    const s = job.status;
    this.deps.publish?.({ id: s.id, cameraId: s.cameraId, state: s.state, segmentsDone: s.segmentsDone, segmentsTotal: s.segmentsTotal, moments: s.moments.length });
  }

  private snapshot(job: Job): MotionScan {
    return { ...job.status, moments: [...job.status.moments] };
  }

  private find(owner: string, id: string | undefined): Job | undefined {
    if (id !== undefined) {
      const j = this.jobs.get(id);
      return j && j.owner === owner ? j : undefined;
    }
    let latest: Job | undefined;
    for (const j of this.jobs.values()) if (j.owner === owner && (!latest || j.status.startedAt >= latest.status.startedAt)) latest = j;
    return latest;
  }

  /** One of the owner's scans (the latest when no id is given); null when there is none. */
  status(owner: string, id?: string): MotionScan | null {
    const j = this.find(owner, id);
    return j ? this.snapshot(j) : null;
  }

  /** Stops one of the owner's scans now: its ffmpeg is killed; the moments found so far stay. */
  async cancel(owner: string, id?: string): Promise<MotionScan> {
    const j = this.find(owner, id);
    if (!j) throw new ApiFailure('not_found', id ? `There is no motion scan with id ${JSON.stringify(id)}` : 'You have no motion scan');
    if (j.status.state === 'running') {
      j.cancelled = true;
      j.proc?.kill();
      await j.done;
    }
    return this.snapshot(j);
  }

  /** Resolves once the scan has ended (tests, the stop of the engine). */
  async wait(id: string): Promise<MotionScan | null> {
    const j = this.jobs.get(id);
    if (!j) return null;
    await j.done;
    return this.snapshot(j);
  }

  /** The pids of the ffmpeg processes scans are running now. */
  pids(): number[] {
    return [...this.jobs.values()].flatMap((j) => (j.proc?.running() ? [j.proc.pid] : []));
  }

  /** Cancels every scan (the engine stops). */
  async stop(): Promise<void> {
    await Promise.all(this.running().map((j) => this.cancel(j.owner, j.status.id)));
  }

  private forget(): void {
    const now = Date.now();
    for (const [id, j] of this.jobs) if (j.status.finishedAt !== undefined && now - j.status.finishedAt > KEEP_MS) this.jobs.delete(id);
  }
}
