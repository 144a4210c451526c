// Event rows: written rarely (start, meaningful change, end), read by the events page with filters.
import { ApiFailure } from '../../common/contract/index.js';
import { EventQuery, type Box, type EventDto, type EventPage } from '../../common/contract/events.js';
import { AdjacentEventQuery, MarkersQuery, type MarkerBucket, type MarkerEvent, type TimelineMarkers } from '../../common/contract/timeline.js';
import type { Database } from '../storage/database.js';
import { sql, type SqlFragment } from '../storage/sql.js';
import { EventTracks } from './track.js';

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
  quiet: 'stationary' | 'learned' | null;
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
  /** Bytes of the snapshot and its thumbnail on disk (they count in the quota); left out keeps the stored figure. */
  snapshotBytes?: number;
  /** When this write saw the object (default now): an open event protects footage up to here, never up to now. */
  seenAt?: number;
  /** Why its alerts are held (null: they are not). */
  quiet?: 'stationary' | 'learned' | null;
}

/** An event as retention sees it: its window, and whether it is kept. */
export interface EventSpan {
  id: string;
  camera_id: string;
  start: number;
  end: number | null;
  last_seen: number | null;
  keep: number;
  snapshot: string | null;
  snapshot_bytes: number;
}

/**
 * An event protects footage from start - pre to its reach + post. The reach is its end, or for one still open the last
 * time it was seen, and never more than MAX_EVENT_MS after its start: an event nobody closed cannot hold footage forever.
 */
export const MAX_EVENT_MS = 6 * 3600_000;

export function eventReach(e: Pick<EventSpan, 'start' | 'end' | 'last_seen'>): number {
  return Math.min(e.end ?? e.last_seen ?? e.start, e.start + MAX_EVENT_MS);
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
    quiet: r.quiet,
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
  private snapshotBytesTotal: number;
  /** Each event's detections, frame by frame (deleted with the event). */
  readonly tracks: EventTracks;

  constructor(private readonly db: Database) {
    this.tracks = new EventTracks(db);
    this.snapshotBytesTotal = db.get<{ b: number | null }>(sql`SELECT sum(snapshot_bytes) AS b FROM events`)?.b ?? 0;
  }

  /** Bytes of every stored snapshot and thumbnail: part of the quota. */
  get snapshotBytes(): number {
    return this.snapshotBytesTotal;
  }

  upsert(e: EventWrite): void {
    // the last sighting the pipeline reports; else the end, else when this write happened
    const seen = e.lastSeen ?? e.end ?? e.seenAt ?? Date.now();
    const before = e.snapshotBytes === undefined ? undefined : (this.db.get<{ b: number }>(sql`SELECT snapshot_bytes AS b FROM events WHERE id = ${e.id}`)?.b ?? 0);
    this.db.run(sql`
      INSERT INTO events (id, camera_id, label, start, end, top_score, box, zones, current_zones, last_seen, snapshot, snapshot_bytes, quiet)
      VALUES (${e.id}, ${e.cameraId}, ${e.label}, ${e.start}, ${e.end}, ${e.topScore}, ${JSON.stringify(e.box)}, ${JSON.stringify(e.zones)},
        ${JSON.stringify(e.currentZones ?? e.zones)}, ${seen}, ${e.snapshot}, ${e.snapshotBytes ?? 0}, ${e.quiet ?? null})
      ON CONFLICT (id) DO UPDATE SET label = excluded.label, end = excluded.end, top_score = excluded.top_score, quiet = excluded.quiet,
        box = excluded.box, zones = excluded.zones, current_zones = excluded.current_zones,
        last_seen = max(COALESCE(events.last_seen, 0), excluded.last_seen), snapshot = COALESCE(excluded.snapshot, events.snapshot),
        snapshot_bytes = ${e.snapshotBytes === undefined ? sql`events.snapshot_bytes` : sql`excluded.snapshot_bytes`}`);
    if (before !== undefined && e.snapshotBytes !== undefined) this.snapshotBytesTotal += e.snapshotBytes - before;
  }

  /** An open event's object is still there (one small write every few seconds per object). */
  touch(id: string, lastSeen: number): void {
    this.db.run(sql`UPDATE events SET last_seen = ${lastSeen} WHERE id = ${id} AND end IS NULL AND COALESCE(last_seen, 0) < ${lastSeen}`);
  }

  /** At start-up: events a crash left open end where their object was last seen. Returns how many. */
  closeOpen(): number {
    return this.db.run(sql`UPDATE events SET end = max(start, COALESCE(last_seen, start)) WHERE end IS NULL`).changes;
  }

  /**
   * The events that may protect footage of one camera in [lo, hi] (segment starts and ends): their start lies within a
   * bounded range before hi, so this is one index range on events_camera_start, never the whole table.
   */
  windowsNear(cameraId: string, lo: number, hi: number, pad: { pre: number; post: number }, protectFrom: number): EventSpan[] {
    return this.db.all<EventSpan>(sql`
      SELECT id, camera_id, start, end, last_seen, keep, snapshot, snapshot_bytes FROM events
      WHERE camera_id = ${cameraId} AND start >= ${lo - pad.post - MAX_EVENT_MS} AND start <= ${hi + pad.pre}
        AND (keep = 1 OR start >= ${protectFrom})
      ORDER BY start`);
  }

  /** Every kept event (a handful, chosen by hand): the quota never deletes their footage. */
  keptWindows(): EventSpan[] {
    return this.db.all<EventSpan>(sql`
      SELECT id, camera_id, start, end, last_seen, keep, snapshot, snapshot_bytes FROM events WHERE keep = 1 ORDER BY camera_id, start`);
  }

  /** One camera's oldest unkept events starting before t (events_camera_unkept_start). */
  unkeptBefore(cameraId: string, t: number, limit: number): EventSpan[] {
    return this.db.all<EventSpan>(sql`
      SELECT id, camera_id, start, end, last_seen, keep, snapshot, snapshot_bytes FROM events
      WHERE camera_id = ${cameraId} AND keep = 0 AND start < ${t} ORDER BY start LIMIT ${limit}`);
  }

  /** Deletes events and the alerts they raised, in one transaction; the caller removes their snapshot files. */
  expire(rows: readonly Pick<EventSpan, 'id' | 'snapshot_bytes'>[]): number {
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    const gone = this.db.transaction(() => {
      this.db.run(sql`DELETE FROM alerts WHERE event_id IN ${sql.list(ids)}`);
      return this.db.all<{ b: number }>(sql`DELETE FROM events WHERE id IN ${sql.list(ids)} AND keep = 0 RETURNING snapshot_bytes AS b`);
    });
    for (const g of gone) this.snapshotBytesTotal -= g.b;
    return gone.length;
  }

  /** Alerts whose event is gone (deleted by hand), older than t; bounded by alerts_time. */
  expireOrphanAlerts(before: number, limit: number): number {
    return this.db.run(sql`
      DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE time < ${before} AND event_id IS NULL ORDER BY time LIMIT ${limit})`).changes;
  }

  /** Bytes of one camera's snapshots (a camera about to be deleted). */
  cameraSnapshotBytes(cameraId: string): number {
    return this.db.get<{ b: number | null }>(sql`SELECT sum(snapshot_bytes) AS b FROM events WHERE camera_id = ${cameraId}`)?.b ?? 0;
  }

  /** Rows removed by a cascade (a camera deleted) leave the quota at once. */
  discount(bytes: number): void {
    this.snapshotBytesTotal -= bytes;
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
    const row = this.db.get<{ snapshot: string | null; b: number }>(sql`SELECT snapshot, snapshot_bytes AS b FROM events WHERE id = ${id}`);
    const deleted = this.db.run(sql`DELETE FROM events WHERE id = ${id}`).changes > 0;
    if (deleted && row) this.snapshotBytesTotal -= row.b;
    return { deleted, snapshot: row?.snapshot ?? null };
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
