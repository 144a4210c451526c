// What must hold after the month: nothing kept deleted, nothing orphaned on disk or in the database, counts true.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eventReach } from '../../main/core/events/repository.js';
import type { Database } from '../../main/core/storage/database.js';
import { sql } from '../../main/core/storage/sql.js';

export interface Findings {
  keptSegmentsMissing: number;
  keptEventsMissing: number;
  keptEventFootageMissing: number;
  rowsWithoutFile: number;
  filesWithoutRow: number;
  snapshotsWithoutFile: number;
  snapshotFilesWithoutEvent: number;
  alertsWithoutEvent: number;
  eventsWithoutFootage: number;
  countsMatch: boolean;
}

function files(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(ext))
    .map((d) => join(d.parentPath, d.name));
}

export function dirBytes(dir: string): number {
  return files(dir, '').reduce((n, f) => n + statSync(f).size, 0);
}

export function check(db: Database, dataDir: string, kept: { segments: string[]; events: string[] }, pad: { pre: number; post: number }, counted: { segments: number; snapshots: number }): Findings {
  const rows = db.all<{ path: string }>(sql`SELECT path FROM segments`);
  const rowPaths = new Set(rows.map((r) => r.path));
  const onDisk = files(join(dataDir, 'recordings'), '.mp4');
  const diskSet = new Set(onDisk);
  const events = db.all<{ id: string; camera_id: string; start: number; end: number | null; last_seen: number | null; snapshot: string | null; keep: number }>(
    sql`SELECT id, camera_id, start, end, last_seen, snapshot, keep FROM events`,
  );
  const eventIds = new Set(events.map((e) => e.id));
  const snapRoot = join(dataDir, 'snapshots');
  const snapFiles = files(snapRoot, '.jpg');
  const wanted = new Set(events.flatMap((e) => (e.snapshot ? [join(snapRoot, e.snapshot), join(snapRoot, e.snapshot.replace(/\.jpg$/, '.thumb.jpg'))] : [])));

  let keptEventFootageMissing = 0;
  let eventsWithoutFootage = 0;
  for (const e of events) {
    const lo = e.start - pad.pre;
    const hi = eventReach(e) + pad.post;
    const n = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM segments WHERE camera_id = ${e.camera_id} AND start >= ${lo - 3600_000} AND start <= ${hi} AND end >= ${lo}`)!.n;
    if (n === 0 && e.keep === 1) keptEventFootageMissing++;
    if (n === 0) eventsWithoutFootage++;
  }
  const sums = db.get<{ s: number | null; p: number | null }>(sql`SELECT (SELECT sum(bytes) FROM segments) AS s, (SELECT sum(snapshot_bytes) FROM events) AS p`)!;
  return {
    keptSegmentsMissing: kept.segments.filter((p) => !rowPaths.has(p) || !diskSet.has(p)).length,
    keptEventsMissing: kept.events.filter((id) => !eventIds.has(id)).length,
    keptEventFootageMissing,
    rowsWithoutFile: rows.filter((r) => !diskSet.has(r.path)).length,
    filesWithoutRow: onDisk.filter((p) => !rowPaths.has(p)).length,
    snapshotsWithoutFile: [...wanted].filter((p) => !existsSync(p)).length,
    snapshotFilesWithoutEvent: snapFiles.filter((p) => !wanted.has(p)).length,
    alertsWithoutEvent: db.get<{ n: number }>(sql`SELECT count(*) AS n FROM alerts WHERE event_id IS NULL OR event_id NOT IN (SELECT id FROM events)`)!.n,
    eventsWithoutFootage,
    countsMatch: (sums.s ?? 0) === counted.segments && (sums.p ?? 0) === counted.snapshots,
  };
}
