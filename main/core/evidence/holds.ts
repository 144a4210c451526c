// Evidence holds: events and per-camera time ranges whose footage, snapshots and event rows nothing automatic may delete.
import { ApiFailure, type EvidenceHold } from '../../common/contract/index.js';
import { eventReach } from '../events/repository.js';
import { createLogger } from '../log/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';

const log = createLogger('evidence');

/** Footage [start, end] of one camera that is held. */
export interface HeldWindow {
  start: number;
  end: number;
}

/** What retention asks once per pass: the held windows of every camera, sorted by start (a handful of rows). */
export interface HoldSource {
  windows(pad: { pre: number; post: number }): Map<string, HeldWindow[]>;
}

interface HoldRow {
  id: number;
  camera_id: string;
  event_id: string | null;
  start: number | null;
  end: number | null;
  reason: string;
  created_by: string;
  created_at: number;
  released_by: string | null;
  released_at: number | null;
}

function toDto(r: HoldRow): EvidenceHold {
  return {
    id: r.id,
    cameraId: r.camera_id,
    eventId: r.event_id,
    start: r.start,
    end: r.end,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
    releasedBy: r.released_by,
    releasedAt: r.released_at,
  };
}

/** Whether [s.start, s.end) overlaps any window (sorted by start); touching at an edge is not overlapping. */
export function isHeld(s: { start: number; end: number }, windows: readonly HeldWindow[] | undefined): boolean {
  if (!windows) return false;
  const end = Math.max(s.end, s.start + 1);
  for (const w of windows) {
    if (w.start >= end) return false;
    if (w.end > s.start) return true;
  }
  return false;
}

/** Longer than any event padding (300 s at most): released footage is looked at again from this far before the hold. */
const REVISIT_SLACK_MS = 600_000;

export class EvidenceHolds implements HoldSource {
  private readonly releaseListeners = new Set<(cameraId: string, from: number) => void>();

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  list(q: { cameraId?: string; eventId?: string; includeReleased?: boolean } = {}): EvidenceHold[] {
    const rows = this.db.all<HoldRow>(sql`SELECT * FROM evidence_holds
      WHERE (${q.cameraId ?? null} IS NULL OR camera_id = ${q.cameraId ?? null})
        AND (${q.eventId ?? null} IS NULL OR event_id = ${q.eventId ?? null})
        AND (${q.includeReleased ?? false} OR released_at IS NULL)
      ORDER BY created_at DESC, id DESC LIMIT 1000`);
    return rows.map(toDto);
  }

  /** Holds an event; holding one already held returns the hold in force. */
  holdEvent(eventId: string, reason: string, by: string): EvidenceHold {
    return this.db.transaction(() => {
      const ev = this.db.get<{ camera_id: string }>(sql`SELECT camera_id FROM events WHERE id = ${eventId}`);
      if (!ev) throw new ApiFailure('not_found', `There is no event with id ${JSON.stringify(eventId)}`);
      const existing = this.db.get<HoldRow>(sql`SELECT * FROM evidence_holds WHERE event_id = ${eventId} AND released_at IS NULL`);
      if (existing) return toDto(existing);
      const row = this.db.get<HoldRow>(sql`INSERT INTO evidence_holds (camera_id, event_id, reason, created_by, created_at)
        VALUES (${ev.camera_id}, ${eventId}, ${reason}, ${by}, ${this.now()}) RETURNING *`)!;
      log.info({ camera: ev.camera_id, event: eventId, hold: row.id }, 'event held as evidence');
      return toDto(row);
    });
  }

  holdRange(cameraId: string, start: number, end: number, reason: string, by: string): EvidenceHold {
    if (!(end > start)) throw new ApiFailure('invalid_input', 'end must be after start');
    const known = this.db.get<{ n: number }>(sql`SELECT (SELECT count(*) FROM cameras WHERE id = ${cameraId})
      + (SELECT count(*) FROM segments WHERE camera_id = ${cameraId} LIMIT 1) AS n`);
    if (!known?.n) throw new ApiFailure('not_found', `There is no camera with id ${JSON.stringify(cameraId)}`);
    const row = this.db.get<HoldRow>(sql`INSERT INTO evidence_holds (camera_id, start, end, reason, created_by, created_at)
      VALUES (${cameraId}, ${start}, ${end}, ${reason}, ${by}, ${this.now()}) RETURNING *`)!;
    log.info({ camera: cameraId, start, end, hold: row.id }, 'range held as evidence');
    return toDto(row);
  }

  release(id: number, by: string): EvidenceHold {
    const row = this.db.get<HoldRow>(sql`UPDATE evidence_holds SET released_by = ${by}, released_at = ${this.now()}
      WHERE id = ${id} AND released_at IS NULL RETURNING *`);
    if (row) {
      log.info({ camera: row.camera_id, hold: id }, 'evidence hold released');
      const from = row.start ?? this.db.get<{ start: number }>(sql`SELECT start FROM events WHERE id = ${row.event_id}`)?.start;
      if (from !== undefined) for (const cb of this.releaseListeners) cb(row.camera_id, from - REVISIT_SLACK_MS);
      return toDto(row);
    }
    const gone = this.db.get<HoldRow>(sql`SELECT * FROM evidence_holds WHERE id = ${id}`);
    if (!gone) throw new ApiFailure('not_found', `There is no evidence hold ${id}`);
    return toDto(gone);
  }

  /** Told when a hold ends, with where its footage starts: retention's marks have passed it, so it looks again from there. */
  onRelease(cb: (cameraId: string, from: number) => void): () => void {
    this.releaseListeners.add(cb);
    return () => this.releaseListeners.delete(cb);
  }

  /** Whether anything of the camera is held (a camera with held footage cannot be deleted). */
  cameraHolds(cameraId: string): number {
    return this.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM evidence_holds WHERE camera_id = ${cameraId} AND released_at IS NULL`)?.n ?? 0;
  }

  /** Whether an event is held: its own hold, or its time inside a held range of its camera. */
  eventHeld(eventId: string): boolean {
    const ev = this.db.get<{ camera_id: string; start: number; end: number | null; last_seen: number | null }>(
      sql`SELECT camera_id, start, end, last_seen FROM events WHERE id = ${eventId}`,
    );
    if (!ev) return false;
    if (this.db.get(sql`SELECT 1 FROM evidence_holds WHERE event_id = ${eventId} AND released_at IS NULL`)) return true;
    return isHeld({ start: ev.start, end: eventReach(ev) }, this.windows({ pre: 0, post: 0 }).get(ev.camera_id));
  }

  /**
   * Every active hold as footage windows per camera, sorted. A range is itself; an event is its span (to its reach while
   * still open) padded as retention pads events, read now so an event still growing is held to where it has got.
   */
  windows(pad: { pre: number; post: number }): Map<string, HeldWindow[]> {
    const rows = this.db.all<{ camera_id: string; start: number; end: number; is_event: number; last_seen: number | null; ev_end: number | null }>(sql`
      SELECT h.camera_id, h.start, h.end, 0 AS is_event, NULL AS last_seen, NULL AS ev_end FROM evidence_holds h
        WHERE h.released_at IS NULL AND h.event_id IS NULL
      UNION ALL
      SELECT h.camera_id, e.start, e.start AS end, 1 AS is_event, e.last_seen, e.end AS ev_end FROM evidence_holds h
        JOIN events e ON e.id = h.event_id
        WHERE h.released_at IS NULL`);
    const out = new Map<string, HeldWindow[]>();
    for (const r of rows) {
      const w = r.is_event ? { start: r.start - pad.pre, end: eventReach({ start: r.start, end: r.ev_end, last_seen: r.last_seen }) + pad.post } : { start: r.start, end: r.end };
      out.set(r.camera_id, [...(out.get(r.camera_id) ?? []), w]);
    }
    for (const list of out.values()) list.sort((a, b) => a.start - b.start);
    return out;
  }
}
