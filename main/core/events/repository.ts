// Event rows: written rarely (start, meaningful change, end), read by the events page with filters.
import { ApiFailure } from '../../common/contract/index.js';
import { EventQuery, type Box, type EventDto, type EventPage } from '../../common/contract/events.js';
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
  snapshot: string | null;
  false_positive: number;
  keep: number;
}

export interface EventWrite {
  id: string;
  cameraId: string;
  label: string;
  start: number;
  end: number | null;
  topScore: number;
  box: Box;
  zones: string[];
  snapshot: string | null;
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
      INSERT INTO events (id, camera_id, label, start, end, top_score, box, zones, snapshot)
      VALUES (${e.id}, ${e.cameraId}, ${e.label}, ${e.start}, ${e.end}, ${e.topScore}, ${JSON.stringify(e.box)}, ${JSON.stringify(e.zones)}, ${e.snapshot})
      ON CONFLICT (id) DO UPDATE SET label = excluded.label, end = excluded.end, top_score = excluded.top_score,
        box = excluded.box, zones = excluded.zones, snapshot = COALESCE(excluded.snapshot, events.snapshot)`);
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
}
