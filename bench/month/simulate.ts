// A time-compressed month through the engine's own storage code: segments, events, snapshots, alerts, retention on a clock.
import { closeSync, ftruncateSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordMode } from '../../main/common/contract/index.js';
import { StorageSettings } from '../../main/common/settings/index.js';
import { CameraRepository } from '../../main/core/cameras/repository.js';
import { EventRepository } from '../../main/core/events/repository.js';
import { utcDay } from '../../main/core/ingest/segments.js';
import { SegmentIndex } from '../../main/core/recordings/index.js';
import { MediaStore } from '../../main/core/media/index.js';
import { PERIOD_MS, Retention, type RetentionResult } from '../../main/core/recordings/retention.js';
import type { Database } from '../../main/core/storage/database.js';
import { sql } from '../../main/core/storage/sql.js';

export const DAY = 86_400_000;
const GB = 1024 ** 3;

export interface MonthOptions {
  cameras: number;
  days: number;
  segmentS: number;
  /** Logical bytes per segment (files are sparse: the quota counts what the index says). */
  segmentBytes: number;
  eventsPerDay: number;
  /** The quota as a share of what the whole month would take. */
  quotaShare: number;
  snapshotBytes: number;
}

export interface MonthResult {
  passes: number[];
  segmentsWritten: number;
  eventsWritten: number;
  alertsWritten: number;
  kept: { segments: string[]; events: string[] };
  maxOverQuotaBytes: number;
  /** The slowest pass: when, and what it did. */
  slowest: { ms: number; day: number; deleted: number; expiredEvents: number; reasons: RetentionResult['reasons'] };
  quotaBytes: number;
  deleted: number;
  expiredEvents: number;
  simulatedEnd: number;
}

/** A deterministic generator so every run builds the same month. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Per-camera policies: a few keep 7 days, a few record only around events, the rest follow the global 14 / 30. */
export function cameraPlan(i: number): { mode: RecordMode; continuousDays: number | null; eventDays: number | null } {
  if (i % 4 === 1) return { mode: 'continuous', continuousDays: 7, eventDays: 10 };
  if (i % 4 === 3) return { mode: 'events', continuousDays: null, eventDays: 20 };
  return { mode: 'continuous', continuousDays: null, eventDays: null };
}

export async function simulateMonth(db: Database, dataDir: string, opts: MonthOptions, start: number): Promise<MonthResult> {
  const media = new MediaStore(dataDir);
  const index = new SegmentIndex(db, media);
  const events = new EventRepository(db);
  const cameras = new CameraRepository(db);
  const rand = rng(7);
  const perDay = (DAY / (opts.segmentS * 1000)) * opts.cameras * opts.segmentBytes;
  const storage = StorageSettings.parse({ quotaGb: (perDay * opts.days * opts.quotaShare) / GB, minFreeGb: 0, continuousDays: 14, eventDays: 30 });
  const quota = storage.quotaGb * GB;
  const retention = new Retention({
    db,
    index,
    events,
    media,
    storage: () => storage,
    cameras: () => cameras.retentionPolicies(),
    diskFree: async () => ({ free: 1e15, total: 2e15 }),
    dataDir,
    afterPass: () => void cameras.purgeRetired(),
  });

  const ids: string[] = [];
  for (let c = 0; c < opts.cameras; c++) {
    const plan = cameraPlan(c);
    const cam = cameras.upsert({
      id: `cam-${pad2(c)}`,
      name: `Camera ${c}`,
      recordMode: plan.mode,
      streams: [{ name: 'main', url: `rtsp://127.0.0.1:9/cam${c}`, roles: ['record', 'detect', 'live'] }],
      retention: { continuousDays: plan.continuousDays, eventDays: plan.eventDays },
    });
    ids.push(cam.id);
  }
  db.run(sql`INSERT INTO alert_rules (id, name, config, created_at, updated_at) VALUES ('r-bench', 'Anyone', '{}', ${start}, ${start})`);

  const passes: number[] = [];
  const result: MonthResult = {
    passes,
    segmentsWritten: 0,
    eventsWritten: 0,
    alertsWritten: 0,
    kept: { segments: [], events: [] },
    maxOverQuotaBytes: 0,
    slowest: { ms: 0, day: 0, deleted: 0, expiredEvents: 0, reasons: { age: 0, no_event: 0, quota: 0, disk: 0 } },
    quotaBytes: quota,
    deleted: 0,
    expiredEvents: 0,
    simulatedEnd: start,
  };
  const runPass = async (t: number): Promise<RetentionResult> => {
    const r = await retention.run(t);
    passes.push(r.durationMs);
    if (r.durationMs > result.slowest.ms) {
      result.slowest = { ms: Math.round(r.durationMs), day: Math.round(((t - start) / DAY) * 100) / 100, deleted: r.deleted, expiredEvents: r.expiredEvents, reasons: r.reasons };
    }
    result.deleted += r.deleted;
    result.expiredEvents += r.expiredEvents;
    return r;
  };

  const segMs = opts.segmentS * 1000;
  const end = start + opts.days * DAY;
  const eventP = opts.eventsPerDay / (DAY / segMs);
  let nextPeriod = start + PERIOD_MS;
  let eventNo = 0;
  const snapshot = Buffer.alloc(opts.snapshotBytes - 400, 0xab);
  const thumb = Buffer.alloc(400, 0xcd);
  for (let t = start; t < end; t += segMs) {
    for (const cameraId of ids) {
      const dir = join(media.root('recordings'), cameraId, utcDay(t));
      const d = new Date(t);
      const name = `${pad2(d.getUTCHours())}-${pad2(d.getUTCMinutes())}-${pad2(d.getUTCSeconds())}.mp4`;
      const path = join(dir, name);
      // the index keeps paths relative to the recordings root
      const rel = `${cameraId}/${utcDay(t)}/${name}`;
      let fd: number;
      try {
        fd = openSync(path, 'w');
      } catch {
        mkdirSync(dir, { recursive: true });
        fd = openSync(path, 'w');
      }
      ftruncateSync(fd, opts.segmentBytes);
      closeSync(fd);
      const r = await index.addOrDiscard({ cameraId, path: rel, start: t, end: t + segMs, durationMs: segMs, bytes: opts.segmentBytes });
      if (!r.ok) throw new Error(r.message);
      result.segmentsWritten++;
      // one segment in 20,000 is kept by hand
      if (rand() < 1 / 20_000) {
        index.setKeep([db.get<{ id: number }>(sql`SELECT id FROM segments WHERE path = ${rel}`)!.id], true);
        result.kept.segments.push(path);
      }
      // the engine asks for a pass at once when a segment takes usage over the quota: it may exceed it by this one
      const over = retention.usedBytes - quota;
      result.maxOverQuotaBytes = Math.max(result.maxOverQuotaBytes, over);
      if (over > 0) await runPass(t + segMs);

      if (rand() < eventP) {
        const id = `ev-${(eventNo++).toString(36).padStart(7, '0')}`;
        const evStart = t + Math.floor(rand() * segMs);
        const rel = `${cameraId}/${id}.jpg`;
        mkdirSync(join(media.root('snapshots'), cameraId), { recursive: true });
        writeFileSync(join(media.root('snapshots'), rel), snapshot);
        writeFileSync(join(media.root('snapshots'), `${cameraId}/${id}.thumb.jpg`), thumb);
        const base = { id, cameraId, label: rand() < 0.7 ? 'person' : 'car', start: evStart, topScore: 0.8, box: [0.1, 0.1, 0.3, 0.5] as [number, number, number, number], zones: [], snapshot: rel };
        events.upsert({ ...base, end: null, seenAt: evStart, snapshotBytes: opts.snapshotBytes });
        // one event in 50 is never closed (the process died while it was open); the rest last 5–60 s
        if (rand() >= 0.02) events.upsert({ ...base, end: evStart + 5000 + Math.floor(rand() * 55_000) });
        else events.upsert({ ...base, end: null, seenAt: evStart + 20_000 });
        result.eventsWritten++;
        if (rand() < 0.2) {
          db.run(sql`INSERT INTO alerts (rule_id, event_id, camera_id, label, time) VALUES ('r-bench', ${id}, ${cameraId}, ${base.label}, ${evStart})`);
          result.alertsWritten++;
        }
        if (rand() < 0.005) {
          events.setFlags(id, { keep: true });
          result.kept.events.push(id);
        }
      }
    }
    // the periodic pass, as the engine's timer runs it
    if (t + segMs >= nextPeriod) {
      await runPass(t + segMs);
      nextPeriod += PERIOD_MS * Math.max(1, Math.round(segMs / PERIOD_MS));
    }
  }
  result.simulatedEnd = end;
  await runPass(end);
  await retention.stop();
  return result;
}
