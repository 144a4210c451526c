// Retention: per-camera age limits, events and snapshots expiring with their footage, a quota and a free-space floor.
import type { SettingsOf } from '../../common/settings/index.js';
import type { CameraPolicy } from '../cameras/repository.js';
import { eventReach, type EventRepository, type EventSpan } from '../events/repository.js';
import { isHeld, type HeldWindow, type HoldSource } from '../evidence/index.js';
import { createLogger } from '../log/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import type { SegmentIndex } from './index.js';
import type { MediaStore } from '../media/index.js';

const log = createLogger('retention');
const DAY = 86_400_000;
const GB = 1024 ** 3;
/** Segments of an events-only camera wait this long for an event to claim them. */
export const EVENT_GRACE_MS = 120_000;
/** Rows read per query: every query is one index range of at most this many rows. */
const BATCH = 500;
/** Sweeps look back this far before their mark for segments that straddle it (recorded segments are 10 s). */
const SEGMENT_SLACK_MS = 3600_000;
/** A pass after new footage waits this long, so a burst of segments from many cameras makes one pass. */
export const DEBOUNCE_MS = 5_000;
/** And one runs at least this often, for age limits that pass while nothing is recorded. */
export const PERIOD_MS = 60_000;

/** The quota, once exceeded, is brought back to this share of itself. */
const QUOTA_TARGET = 0.99;

export type DeleteReason = 'age' | 'no_event' | 'quota' | 'disk';

export interface RetentionResult {
  deleted: number;
  freedBytes: number;
  reasons: Record<DeleteReason, number>;
  /** Events (with their snapshots and alerts) that expired with their footage. */
  expiredEvents: number;
  durationMs: number;
}

interface Candidate {
  id: number;
  camera_id: string;
  path: string;
  bytes: number;
  start: number;
  end: number;
}

interface Pad {
  pre: number;
  post: number;
}

export interface RetentionDeps {
  db: Database;
  index: SegmentIndex;
  events: EventRepository;
  media: MediaStore;
  storage: () => SettingsOf<'storage'>;
  /** Every camera with footage or events, retired ones included. */
  cameras: () => CameraPolicy[];
  diskFree?: (path: string) => Promise<{ free: number; total: number }>;
  dataDir?: string;
  /** Whether the recordings folder is really there (not unmounted): retention never acts on a folder that is not. */
  mediaPresent?: () => boolean;
  /** Evidence holds: footage, events and snapshots they cover are never deleted, whatever the age, quota or disk. */
  holds?: HoldSource;
  /** Called after each pass with the cameras whose last footage and events are gone (retired cameras leave then). */
  afterPass?: () => void;
}

/** The days a camera's footage and events are kept, its own or the global ones. */
function policyDays(cam: CameraPolicy, cfg: SettingsOf<'storage'>): { continuousDays: number; eventDays: number } {
  return { continuousDays: cam.continuousDays ?? cfg.continuousDays, eventDays: cam.eventDays ?? cfg.eventDays };
}

/** Whether any window (sorted by start) covers [s.start, s.end], padded. */
function covered(s: { start: number; end: number }, windows: readonly EventSpan[], pad: Pad): boolean {
  for (const e of windows) {
    if (e.start - pad.pre > s.end) break;
    if (eventReach(e) + pad.post >= s.start) return true;
  }
  return false;
}

const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

export class Retention {
  private running: Promise<RetentionResult> | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private period: NodeJS.Timeout | undefined;
  private again = false;
  private stopped = false;
  /** SegmentIndex.addedBytes at the last pass: what the floor may reclaim is what we wrote since. */
  private addedAtLastPass: number;
  /** The evidence holds, read once at the start of each pass. */
  private held = new Map<string, HeldWindow[]>();
  deletedTotal = 0;
  expiredEventsTotal = 0;

  constructor(private readonly deps: RetentionDeps) {
    this.addedAtLastPass = deps.index.addedBytes;
  }

  /** Bytes the quota counts: recordings and snapshots with their thumbnails. */
  get usedBytes(): number {
    return this.deps.index.totalBytes + this.deps.events.snapshotBytes;
  }

  /** Runs a pass every PERIOD_MS until stop(). */
  start(): void {
    this.period ??= setInterval(() => this.schedule(0), PERIOD_MS);
    this.period.unref();
  }

  /**
   * Asks for a pass off the caller's path: at once (next turn of the loop) when the quota is exceeded, else debounced.
   * Never runs synchronously, so a segment or an event is never held up by retention.
   */
  schedule(delayMs = this.usedBytes > this.deps.storage().quotaGb * GB ? 0 : DEBOUNCE_MS): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.debounce && delayMs > 0) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.run().catch((err: unknown) => log.error({ err }, 'retention failed'));
    }, delayMs);
    this.debounce.unref();
  }

  /** Resolves when no pass is running or waiting (tests and the month benchmark). */
  async idle(): Promise<void> {
    while (this.running || this.debounce) {
      if (this.debounce) {
        clearTimeout(this.debounce);
        this.debounce = undefined;
        await this.run();
      } else await this.running;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.debounce);
    clearInterval(this.period);
    this.debounce = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One pass; concurrent callers share the pass in flight. */
  run(now = Date.now()): Promise<RetentionResult> {
    this.running ??= this.pass(now).finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.schedule();
      }
    });
    return this.running;
  }

  private async deleteRows(rows: readonly Candidate[], reason: DeleteReason, result: RetentionResult): Promise<void> {
    for (const row of rows) {
      await this.deps.index.remove(row);
      result.deleted++;
      result.freedBytes += row.bytes;
      result.reasons[reason]++;
      this.deletedTotal++;
    }
  }

  private mark(cameraId: string): { aged_through: number; unclaimed_through: number } {
    return (
      this.deps.db.get<{ aged_through: number; unclaimed_through: number }>(
        sql`SELECT aged_through, unclaimed_through FROM retention_marks WHERE camera_id = ${cameraId}`,
      ) ?? { aged_through: 0, unclaimed_through: 0 }
    );
  }

  private setMark(cameraId: string, column: 'aged' | 'unclaimed', t: number): void {
    const { db } = this.deps;
    if (column === 'aged') {
      db.run(sql`INSERT INTO retention_marks (camera_id, aged_through) VALUES (${cameraId}, ${t})
        ON CONFLICT (camera_id) DO UPDATE SET aged_through = max(aged_through, excluded.aged_through)`);
    } else {
      db.run(sql`INSERT INTO retention_marks (camera_id, unclaimed_through) VALUES (${cameraId}, ${t})
        ON CONFLICT (camera_id) DO UPDATE SET unclaimed_through = max(unclaimed_through, excluded.unclaimed_through)`);
    }
  }

  /** Segments indexed late (crash repair) that start before the marks: the next pass looks at them again. */
  revisit(cameraId: string, from: number): void {
    this.deps.db.run(sql`UPDATE retention_marks SET aged_through = min(aged_through, ${from}), unclaimed_through = min(unclaimed_through, ${from})
      WHERE camera_id = ${cameraId}`);
  }

  /**
   * Deletes one camera's segments that end in [from, to) and no event protects: one index range on
   * segments_camera_start_end a batch at a time, each batch checked against the events near it (another bounded range).
   */
  private async sweep(cam: string, from: number, to: number, protectFrom: number, pad: Pad, reason: DeleteReason, result: RetentionResult): Promise<void> {
    const { db, events } = this.deps;
    let cursor = { start: from - SEGMENT_SLACK_MS, id: -1 };
    for (;;) {
      const rows = db.all<Candidate>(sql`
        SELECT id, camera_id, path, bytes, start, end FROM segments
        WHERE camera_id = ${cam} AND start >= ${cursor.start} AND start < ${to} AND NOT (start = ${cursor.start} AND id <= ${cursor.id})
          AND end < ${to} AND keep = 0
        ORDER BY start, id LIMIT ${BATCH}`);
      if (rows.length === 0) return;
      const last = rows.at(-1)!;
      cursor = { start: last.start, id: last.id };
      const windows = events.windowsNear(cam, rows[0]!.start, Math.max(...rows.map((r) => r.end)), pad, protectFrom);
      const held = this.held.get(cam);
      await this.deleteRows(
        rows.filter((r) => !covered(r, windows, pad) && !isHeld(r, held)),
        reason,
        result,
      );
      await yieldToLoop();
      if (rows.length < BATCH) return;
    }
  }

  /** Deletes events with their snapshots and alerts; kept and held ones never (expire() refuses kept ones too). Returns how many went. */
  private async expireEvents(rows: readonly EventSpan[], result: RetentionResult): Promise<number> {
    const unkept = rows.filter((e) => e.keep === 0 && !isHeld({ start: e.start, end: eventReach(e) }, this.held.get(e.camera_id)));
    if (unkept.length === 0) return 0;
    const n = this.deps.events.expire(unkept);
    result.expiredEvents += n;
    this.expiredEventsTotal += n;
    for (const e of unkept) if (e.snapshot) await this.deps.media.removeSnapshot(e.snapshot);
    return unkept.length;
  }

  /**
   * Events older than their camera keeps them go, with snapshots and alerts; the footage they alone held (older than
   * the camera's own footage limit) goes with them. A continuous camera's events live as long as its footage does.
   */
  private async expireOld(cam: CameraPolicy, now: number, pad: Pad, footageCutoff: number, result: RetentionResult): Promise<number> {
    const days = policyDays(cam, this.deps.storage());
    const life = cam.recordMode === 'continuous' ? Math.max(days.eventDays, days.continuousDays) : days.eventDays;
    const cutoff = now - life * DAY;
    for (;;) {
      const old = this.deps.events.unkeptBefore(cam.cameraId, cutoff, BATCH);
      if (old.length === 0) return cutoff;
      // a batch of held events only would come back the same on the next read: the rest waits for the next pass
      if ((await this.expireEvents(old, result)) === 0) return cutoff;
      // the footage around them is older than the camera's own limit: free it now unless another event holds it
      const lo = old[0]!.start - pad.pre;
      const hi = Math.min(footageCutoff, Math.max(...old.map((e) => eventReach(e))) + pad.post + 1);
      if (hi > lo) await this.sweep(cam.cameraId, lo, hi, now - days.eventDays * DAY, pad, cam.recordMode === 'events' ? 'no_event' : 'age', result);
      if (old.length < BATCH) return cutoff;
    }
  }

  private async perCamera(cam: CameraPolicy, now: number, pad: Pad, result: RetentionResult): Promise<void> {
    const days = policyDays(cam, this.deps.storage());
    const protectFrom = now - days.eventDays * DAY;
    const marks = this.mark(cam.cameraId);
    // 1. age: footage older than the camera's continuous days, unless an event within its event days (or kept) claims it
    const ageCutoff = now - days.continuousDays * DAY;
    if (ageCutoff > marks.aged_through) {
      await this.sweep(cam.cameraId, marks.aged_through, ageCutoff, protectFrom, pad, 'age', result);
      this.setMark(cam.cameraId, 'aged', ageCutoff);
    }
    // 2. events-only: footage no event claimed once the grace period is over
    let footageCutoff = ageCutoff;
    if (cam.recordMode === 'events') {
      const graceCutoff = now - EVENT_GRACE_MS - pad.post;
      footageCutoff = Math.max(ageCutoff, graceCutoff);
      if (graceCutoff > marks.unclaimed_through) {
        await this.sweep(cam.cameraId, marks.unclaimed_through, graceCutoff, protectFrom, pad, 'no_event', result);
        this.setMark(cam.cameraId, 'unclaimed', graceCutoff);
      }
    }
    // 3. events past their days, and the footage only they held
    await this.expireOld(cam, now, pad, footageCutoff, result);
  }

  /**
   * The quota counts recordings and snapshots. Oldest first across cameras; footage a kept event or a keep flag holds
   * always survives; events whose footage is gone expire with it.
   *
   * The free-space floor (minFreeGb) is narrower: it may delete only Porchlight's own oldest unprotected footage, and
   * only as many bytes as Porchlight recorded since the previous pass. While the disk stays under the floor, history
   * therefore rolls over at the rate it is recorded and keeps its length; another program filling the disk can never
   * make Porchlight wipe its history. If that is not enough, the disk fills and recording stops with "disk full"
   * (StorageGuard) until space returns.
   */
  private async quotaAndFloor(now: number, result: RetentionResult): Promise<void> {
    const cfg = this.deps.storage();
    const quota = cfg.quotaGb * GB;
    const minFree = cfg.minFreeGb * GB;
    const pad = { pre: cfg.eventPrePaddingS * 1000, post: cfg.eventPostPaddingS * 1000 };
    const disk = await (this.deps.diskFree ?? (() => this.deps.media.diskSpace()))(this.deps.dataDir ?? '.');
    const floorCredit = Math.max(0, this.deps.index.addedBytes - this.addedAtLastPass);
    // once over, free down to QUOTA_TARGET of it, so each of the next few segments does not start a pass of its own
    const overQuota = this.usedBytes > quota ? this.usedBytes - quota * QUOTA_TARGET : 0;
    const underFree = Math.min(minFree - disk.free, floorCredit);
    if (overQuota <= 0 && underFree <= 0) return;
    let need = Math.max(overQuota, underFree);
    const reason: DeleteReason = overQuota > 0 ? 'quota' : 'disk';
    const kept = new Map<string, EventSpan[]>();
    for (const e of this.deps.events.keptWindows()) kept.set(e.camera_id, [...(kept.get(e.camera_id) ?? []), e]);
    const frontier = new Map<string, number>();
    let cursor = { start: Number.MIN_SAFE_INTEGER, id: -1 };
    while (need > 0) {
      // segments_start: the oldest across cameras; kept rows are skipped by the cursor, never read twice in a pass
      const rows = this.deps.db.all<Candidate>(sql`
        SELECT id, camera_id, path, bytes, start, end FROM segments
        WHERE keep = 0 AND start >= ${cursor.start} AND NOT (start = ${cursor.start} AND id <= ${cursor.id})
        ORDER BY start, id LIMIT ${BATCH}`);
      if (rows.length === 0) {
        log.warn({ usedBytes: this.usedBytes, quota }, 'over quota but every remaining segment is kept');
        break;
      }
      const batch: Candidate[] = [];
      for (const row of rows) {
        cursor = { start: row.start, id: row.id };
        if (need <= 0) break;
        if (covered(row, kept.get(row.camera_id) ?? [], pad) || isHeld(row, this.held.get(row.camera_id))) continue;
        batch.push(row);
        need -= row.bytes;
        frontier.set(row.camera_id, Math.max(frontier.get(row.camera_id) ?? 0, row.end));
      }
      await this.deleteRows(batch, reason, result);
      await yieldToLoop();
    }
    // events wholly before the deleted footage have nothing left to show: they go too
    for (const [cam, upTo] of frontier) {
      for (;;) {
        const rows = this.deps.events.unkeptBefore(cam, upTo, BATCH);
        const before = rows.filter((e) => eventReach(e) + pad.post <= upTo);
        const gone = await this.expireEvents(before, result);
        // the rest straddle the frontier (or are held): they keep footage and stay
        if (rows.length < BATCH || gone === 0) break;
      }
    }
  }

  private async pass(now: number): Promise<RetentionResult> {
    const t0 = performance.now();
    const result: RetentionResult = { deleted: 0, freedBytes: 0, reasons: { age: 0, no_event: 0, quota: 0, disk: 0 }, expiredEvents: 0, durationMs: 0 };
    if (this.deps.mediaPresent && !this.deps.mediaPresent()) {
      log.warn('recordings folder missing: retention waits until it is back');
      return result;
    }
    const cfg = this.deps.storage();
    const pad = { pre: cfg.eventPrePaddingS * 1000, post: cfg.eventPostPaddingS * 1000 };
    this.held = this.deps.holds?.windows(pad) ?? new Map();
    for (const cam of this.deps.cameras()) {
      await this.perCamera(cam, now, pad, result);
      await yieldToLoop();
    }
    await this.quotaAndFloor(now, result);
    this.addedAtLastPass = this.deps.index.addedBytes;
    // alerts whose event was deleted by hand: gone after the longest event days any camera has
    const longest = Math.max(cfg.eventDays, ...this.deps.cameras().map((c) => c.eventDays ?? 0));
    this.deps.events.expireOrphanAlerts(now - longest * DAY, BATCH);
    this.deps.afterPass?.();
    result.durationMs = performance.now() - t0;
    if (result.deleted > 0 || result.expiredEvents > 0) {
      log.info(
        { deleted: result.deleted, freedMb: Math.round(result.freedBytes / 1e6), reasons: result.reasons, expiredEvents: result.expiredEvents, durationMs: Math.round(result.durationMs) },
        'retention deleted segments',
      );
    }
    return result;
  }
}
