// Retention: age limits per recording kind, a disk quota and a free-space floor; oldest first, "keep" never.
import { statfs } from 'node:fs/promises';
import type { RecordMode } from '../../common/contract/index.js';
import type { SettingsOf } from '../../common/settings/index.js';
import { createLogger } from '../log/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import type { SegmentIndex } from './index.js';

const log = createLogger('retention');
const DAY = 86_400_000;
const GB = 1024 ** 3;
/** Segments of an events-only camera wait this long for an event to claim them. */
const EVENT_GRACE_MS = 120_000;
const BATCH = 200;

export interface RetentionResult {
  deleted: number;
  freedBytes: number;
  reasons: Record<'age' | 'no_event' | 'quota' | 'disk', number>;
}

interface Candidate {
  id: number;
  camera_id: string;
  path: string;
  bytes: number;
  start: number;
  end: number;
}

export class Retention {
  private running: Promise<RetentionResult> | undefined;
  deletedTotal = 0;

  constructor(
    private readonly db: Database,
    private readonly index: SegmentIndex,
    private readonly storage: () => SettingsOf<'storage'>,
    private readonly recordModes: () => Map<string, RecordMode>,
    private readonly diskFree: (path: string) => Promise<{ free: number; total: number }> = defaultDiskFree,
    private readonly dataDir = '.',
  ) {}

  /** One pass; concurrent callers share the pass in flight. */
  run(now = Date.now()): Promise<RetentionResult> {
    this.running ??= this.pass(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** A segment is protected while it overlaps an event window that is kept or still within eventDays. */
  private protectedByEvent(cfg: SettingsOf<'storage'>, now: number) {
    const pre = cfg.eventPrePaddingS * 1000;
    const post = cfg.eventPostPaddingS * 1000;
    const eventCutoff = now - cfg.eventDays * DAY;
    return sql`EXISTS (SELECT 1 FROM events e WHERE e.camera_id = s.camera_id
      AND e.start - ${pre} <= s.end AND COALESCE(e.end, ${now}) + ${post} >= s.start
      AND (e.keep = 1 OR e.start >= ${eventCutoff}))`;
  }

  private keptByEvent(cfg: SettingsOf<'storage'>, now: number) {
    const pre = cfg.eventPrePaddingS * 1000;
    const post = cfg.eventPostPaddingS * 1000;
    return sql`EXISTS (SELECT 1 FROM events e WHERE e.camera_id = s.camera_id AND e.keep = 1
      AND e.start - ${pre} <= s.end AND COALESCE(e.end, ${now}) + ${post} >= s.start)`;
  }

  private async deleteRows(rows: Candidate[], reason: keyof RetentionResult['reasons'], result: RetentionResult): Promise<void> {
    for (const row of rows) {
      await this.index.remove(row);
      result.deleted++;
      result.freedBytes += row.bytes;
      result.reasons[reason]++;
      this.deletedTotal++;
    }
  }

  private async pass(now: number): Promise<RetentionResult> {
    const cfg = this.storage();
    const result: RetentionResult = { deleted: 0, freedBytes: 0, reasons: { age: 0, no_event: 0, quota: 0, disk: 0 } };
    const modes = this.recordModes();

    // 1. age: continuous recordings older than continuousDays, unless an event still claims them
    const ageCutoff = now - cfg.continuousDays * DAY;
    const aged = this.db.all<Candidate>(sql`
      SELECT s.id, s.camera_id, s.path, s.bytes, s.start, s.end FROM segments s
      WHERE s.keep = 0 AND s.end < ${ageCutoff} AND NOT ${this.protectedByEvent(cfg, now)} ORDER BY s.start LIMIT ${BATCH * 10}`);
    await this.deleteRows(aged, 'age', result);

    // 2. events-only cameras: segments no event claimed once the grace period is over
    const eventsOnly = [...modes].filter(([, m]) => m === 'events').map(([id]) => id);
    if (eventsOnly.length) {
      const unclaimed = this.db.all<Candidate>(sql`
        SELECT s.id, s.camera_id, s.path, s.bytes, s.start, s.end FROM segments s
        WHERE s.keep = 0 AND s.camera_id IN ${sql.list(eventsOnly)} AND s.end < ${now - EVENT_GRACE_MS - cfg.eventPostPaddingS * 1000}
          AND NOT ${this.protectedByEvent(cfg, now)} ORDER BY s.start LIMIT ${BATCH * 10}`);
      await this.deleteRows(unclaimed, 'no_event', result);
    }

    // 3. quota and free space: oldest first across cameras, whatever their kind; keep flags always survive
    const quota = cfg.quotaGb * GB;
    const minFree = cfg.minFreeGb * GB;
    for (let round = 0; round < 1000; round++) {
      const overQuota = this.index.totalBytes - quota;
      const disk = await this.diskFree(this.dataDir);
      const underFree = minFree - disk.free;
      if (overQuota <= 0 && underFree <= 0) break;
      const oldest = this.db.all<Candidate>(sql`
        SELECT s.id, s.camera_id, s.path, s.bytes, s.start, s.end FROM segments s
        WHERE s.keep = 0 AND NOT ${this.keptByEvent(cfg, now)} ORDER BY s.start LIMIT ${BATCH}`);
      if (oldest.length === 0) {
        log.warn({ usedBytes: this.index.totalBytes, quota }, 'over quota but every remaining segment is kept');
        break;
      }
      let need = Math.max(overQuota, underFree);
      const batch: Candidate[] = [];
      for (const row of oldest) {
        if (need <= 0) break;
        batch.push(row);
        need -= row.bytes;
      }
      await this.deleteRows(batch, overQuota > 0 ? 'quota' : 'disk', result);
    }

    if (result.deleted > 0) {
      log.info({ deleted: result.deleted, freedMb: Math.round(result.freedBytes / 1e6), reasons: result.reasons }, 'retention deleted segments');
    }
    return result;
  }
}

async function defaultDiskFree(path: string): Promise<{ free: number; total: number }> {
  const s = await statfs(path);
  return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
}
