// Event rows: written rarely (start, meaningful change, end), read by the events page with filters.
import { ApiFailure } from '../../common/contract/index.js';
import { EventQuery, type Box, type EventDto, type EventPage } from '../../common/contract/events.js';
import { AdjacentEventQuery, MarkersQuery, type MarkerBucket, type MarkerEvent, type TimelineMarkers } from '../../common/contract/timeline.js';
import type { Database } from '../storage/database.js';
import { sql, type SqlFragment } from '../storage/sql.js';

interface EventRow {
  id: string;
  camera_id: string;
  label: string;
  start: number;
  end: number | null;
  top_score: number;
  box: string;
  zones: string;
  current_zones: string;
  last_seen: number | null;
  snapshot: string | null;
  false_positive: number;
  keep: number;
}

interface MarkerRow {
  id: string;
  camera_id: string;
  label: string;
  start: number;
  end: number | null;
}

/** Markers look this far before a window for events that started earlier and still overlap it (in progress, or long). */
const MARKER_LOOKBACK_MS = 6 * 3600_000;

export interface EventWrite {
  id: string;
  cameraId: string;
  label: string;
  start: number;
  end: number | null;
  topScore: number;
  box: Box;
  /** Every zone entered. */
  zones: string[];
  /** The zones the object is in now; default: the entered ones. */
  currentZones?: string[];
  /** Default: the end, else the start. */
  lastSeen?: number;
  snapshot: string | null;
}

function toMarker(r: MarkerRow): MarkerEvent {
  return { id: r.id, cameraId: r.camera_id, label: r.label, start: r.start, end: r.end };
}

/** Folds one camera's events that start in the same bucket into one marker, coloured by the commonest label. */
function toBuckets(rows: readonly Omit<MarkerRow, 'id'>[], after: number, bucketMs: number, now: number): MarkerBucket[] {
  const byKey = new Map<string, { bucket: MarkerBucket; labels: Map<string, number> }>();
  for (const r of rows) {
    const key = `${r.camera_id}\u0000${Math.max(0, Math.floor((r.start - after) / bucketMs))}`;
    const end = r.end ?? now;
    const acc = byKey.get(key);
    if (!acc) {
      byKey.set(key, { bucket: { cameraId: r.camera_id, start: r.start, end, count: 1, label: r.label }, labels: new Map([[r.label, 1]]) });
      continue;
    }
    acc.bucket.count++;
    acc.bucket.start = Math.min(acc.bucket.start, r.start);
    acc.bucket.end = Math.max(acc.bucket.end, end);
    acc.labels.set(r.label, (acc.labels.get(r.label) ?? 0) + 1);
  }
  const out: MarkerBucket[] = [];
  for (const { bucket, labels } of byKey.values()) {
    let bestCount = 0;
    for (const [label, n] of labels) {
      if (n > bestCount || (n === bestCount && label < bucket.label)) {
        bestCount = n;
        bucket.label = label;
      }
    }
    out.push(bucket);
  }
  return out.sort((a, b) => (a.cameraId < b.cameraId ? -1 : a.cameraId > b.cameraId ? 1 : a.start - b.start));
}

function toDto(r: EventRow): EventDto {
  return {
    id: r.id,
    cameraId: r.camera_id,
    label: r.label,
    start: r.start,
    end: r.end,
    topScore: r.top_score,
    box: JSON.parse(r.box) as Box,
    zones: JSON.parse(r.zones) as string[],
    currentZones: JSON.parse(r.current_zones) as string[],
    hasSnapshot: r.snapshot !== null,
    falsePositive: r.false_positive === 1,
    keep: r.keep === 1,
  };
}

/** The cursor is the last row's (start, id): stable while new events arrive at the top. */
function encodeCursor(r: { start: number; id: string }): string {
  return `${r.start}:${r.id}`;
}

function decodeCursor(c: string): { start: number; id: string } {
  const i = c.indexOf(':');
  const start = Number(c.slice(0, i));
  if (i < 1 || !Number.isSafeInteger(start)) throw new ApiFailure('invalid_input', 'cursor: not a cursor this server gave out');
  return { start, id: c.slice(i + 1) };
}

export class EventRepository {
  constructor(private readonly db: Database) {}

  upsert(e: EventWrite): void {
    this.db.run(sql`
      INSERT INTO events (id, camera_id, label, start, end, top_score, box, zones, current_zones, last_seen, snapshot)
      VALUES (${e.id}, ${e.cameraId}, ${e.label}, ${e.start}, ${e.end}, ${e.topScore}, ${JSON.stringify(e.box)}, ${JSON.stringify(e.zones)},
        ${JSON.stringify(e.currentZones ?? e.zones)}, ${e.lastSeen ?? e.end ?? e.start}, ${e.snapshot})
      ON CONFLICT (id) DO UPDATE SET label = excluded.label, end = excluded.end, top_score = excluded.top_score,
        box = excluded.box, zones = excluded.zones, current_zones = excluded.current_zones,
        last_seen = max(COALESCE(events.last_seen, 0), excluded.last_seen), snapshot = COALESCE(excluded.snapshot, events.snapshot)`);
  }

  /** An open event's object is still there (one small write every few seconds per object). */
  touch(id: string, lastSeen: number): void {
    this.db.run(sql`UPDATE events SET last_seen = ${lastSeen} WHERE id = ${id} AND end IS NULL AND COALESCE(last_seen, 0) < ${lastSeen}`);
  }

  /** At start-up: events a crash left open end where their object was last seen. Returns how many. */
  closeOpen(): number {
    return this.db.run(sql`UPDATE events SET end = max(start, COALESCE(last_seen, start)) WHERE end IS NULL`).changes;
  }

  get(id: string): EventDto | undefined {
    const row = this.db.get<EventRow>(sql`SELECT * FROM events WHERE id = ${id}`);
    return row ? toDto(row) : undefined;
  }

  snapshotPath(id: string): string | null {
    return this.db.get<{ snapshot: string | null }>(sql`SELECT snapshot FROM events WHERE id = ${id}`)?.snapshot ?? null;
  }

  setFlags(id: string, flags: { keep?: boolean; falsePositive?: boolean }): EventDto {
    if (flags.keep !== undefined) this.db.run(sql`UPDATE events SET keep = ${flags.keep} WHERE id = ${id}`);
    if (flags.falsePositive !== undefined) this.db.run(sql`UPDATE events SET false_positive = ${flags.falsePositive} WHERE id = ${id}`);
    const dto = this.get(id);
    if (!dto) throw new ApiFailure('not_found', `There is no event with id ${JSON.stringify(id)}`);
    return dto;
  }

  delete(id: string): { deleted: boolean; snapshot: string | null } {
    const snapshot = this.snapshotPath(id);
    const deleted = this.db.run(sql`DELETE FROM events WHERE id = ${id}`).changes > 0;
    return { deleted, snapshot };
  }

  /** Newest first, filtered; uses events_camera_label_start or events_start. */
  query(input: EventQuery): EventPage {
    const q = EventQuery.parse(input);
    const where: SqlFragment[] = [];
    if (q.cameras) where.push(sql`camera_id IN ${sql.list(q.cameras)}`);
    if (q.labels) where.push(sql`label IN ${sql.list(q.labels)}`);
    if (q.after !== undefined) where.push(sql`start >= ${q.after}`);
    if (q.before !== undefined) where.push(sql`start < ${q.before}`);
    if (q.minScore !== undefined) where.push(sql`top_score >= ${q.minScore}`);
    if (q.keep !== undefined) where.push(sql`keep = ${q.keep}`);
    if (q.falsePositive !== undefined) where.push(sql`false_positive = ${q.falsePositive}`);
    if (q.zones) where.push(sql`EXISTS (SELECT 1 FROM json_each(events.zones) WHERE json_each.value IN ${sql.list(q.zones)})`);
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      where.push(sql`(start, id) < (${c.start}, ${c.id})`);
    }
    const whereSql = where.length ? sql`WHERE ${sql.join(where, ' AND ')}` : sql.empty;
    const rows = this.db.all<EventRow>(sql`SELECT * FROM events ${whereSql} ORDER BY start DESC, id DESC LIMIT ${q.limit + 1}`);
    const items = rows.slice(0, q.limit).map(toDto);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
  }

  /** Every event overlapping [after, before) for the timeline; a busy window comes back as per-camera buckets instead. */
  markers(input: MarkersQuery, now = Date.now()): TimelineMarkers {
    const q = MarkersQuery.parse(input);
    const where: SqlFragment[] = [sql`start >= ${q.after - MARKER_LOOKBACK_MS}`, sql`start < ${q.before}`, sql`COALESCE(end, ${now}) > ${q.after}`];
    if (q.cameras) where.push(sql`camera_id IN ${sql.list(q.cameras)}`);
    if (q.falsePositive !== undefined) where.push(sql`false_positive = ${q.falsePositive}`);
    const whereSql = sql`WHERE ${sql.join(where, ' AND ')}`;
    const bucketMs = Math.max(1, Math.ceil((q.before - q.after) / q.buckets));
    const total = this.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM events ${whereSql}`)?.n ?? 0;
    if (total <= q.maxEvents) {
      const rows = this.db.all<MarkerRow>(sql`SELECT id, camera_id, label, start, end FROM events ${whereSql} ORDER BY start, id`);
      return { total, events: rows.map(toMarker), buckets: [], bucketMs };
    }
    const rows = this.db.all<Omit<MarkerRow, 'id'>>(sql`SELECT camera_id, label, start, end FROM events ${whereSql}`);
    return { total, events: null, buckets: toBuckets(rows, q.after, bucketMs, now), bucketMs };
  }

  /** A camera's first event after t or last before it (false alarms left out); uses events_camera_start. */
  adjacent(input: AdjacentEventQuery): MarkerEvent | null {
    const q = AdjacentEventQuery.parse(input);
    const row =
      q.direction === 'next'
        ? this.db.get<MarkerRow>(sql`
            SELECT id, camera_id, label, start, end FROM events WHERE camera_id = ${q.cameraId} AND start > ${q.t + q.slackMs} AND false_positive = 0
            ORDER BY start, id LIMIT 1`)
        : this.db.get<MarkerRow>(sql`
            SELECT id, camera_id, label, start, end FROM events WHERE camera_id = ${q.cameraId} AND start < ${q.t - q.slackMs} AND false_positive = 0
            ORDER BY start DESC, id DESC LIMIT 1`);
    return row ? toMarker(row) : null;
  }
}
