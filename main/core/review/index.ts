// Review items from the events table: grouped per camera and time (common/review.ts), with each user's reviewed state.
import { ReviewFilter, ReviewQuery, type ReviewCounts, type ReviewItem } from '../../common/contract/index.js';
import { groupReview, type ReviewSource } from '../../common/review.js';
import type { Bus } from '../bus/index.js';
import type { Database } from '../storage/database.js';
import { sql, type SqlFragment } from '../storage/sql.js';

const DAY_MS = 24 * 3600_000;
/** A window holds at most this many events; `more` tells the client to narrow it. */
const MAX_EVENTS = 5000;

interface Row {
  id: string;
  camera_id: string;
  label: string;
  start: number;
  end: number | null;
  top_score: number;
  zones: string;
  has_snapshot: number;
  alerted: number;
  reviewed: number;
}

export class ReviewStore {
  constructor(
    private readonly db: Database,
    private readonly bus: Bus,
    private readonly now: () => number = Date.now,
  ) {}

  private where(f: ReviewFilter): SqlFragment {
    const now = this.now();
    const after = f.after ?? now - DAY_MS;
    const before = f.before ?? now + 1;
    // dismissed (false positive) events are not something to review
    const where: SqlFragment[] = [sql`e.start >= ${after}`, sql`e.start < ${before}`, sql`e.false_positive = 0`];
    if (f.cameras) where.push(sql`e.camera_id IN ${sql.list(f.cameras)}`);
    if (f.labels) where.push(sql`e.label IN ${sql.list(f.labels)}`);
    if (f.zones) where.push(sql`EXISTS (SELECT 1 FROM json_each(e.zones) WHERE json_each.value IN ${sql.list(f.zones)})`);
    return sql.join(where, ' AND ');
  }

  private sources(user: string, f: ReviewFilter): { sources: ReviewSource[]; more: boolean } {
    const rows = this.db.all<Row>(sql`
      SELECT e.id, e.camera_id, e.label, e.start, e.end, e.top_score, e.zones, e.snapshot IS NOT NULL AS has_snapshot,
        EXISTS (SELECT 1 FROM alerts a WHERE a.event_id = e.id) AS alerted,
        EXISTS (SELECT 1 FROM event_reviews r WHERE r.event_id = e.id AND r.username = ${user}) AS reviewed
      FROM events e WHERE ${this.where(f)} ORDER BY e.start DESC LIMIT ${MAX_EVENTS + 1}`);
    const sources = rows.slice(0, MAX_EVENTS).map((r) => ({
      id: r.id,
      cameraId: r.camera_id,
      label: r.label,
      start: r.start,
      end: r.end,
      topScore: r.top_score,
      zones: JSON.parse(r.zones) as string[],
      hasSnapshot: r.has_snapshot === 1,
      alerted: r.alerted === 1,
      reviewed: r.reviewed === 1,
    }));
    return { sources, more: rows.length > MAX_EVENTS };
  }

  list(user: string, input: ReviewQuery): { items: ReviewItem[]; more: boolean } {
    const q = ReviewQuery.parse(input);
    const { sources, more } = this.sources(user, q);
    let items = groupReview(sources, this.now());
    if (q.kinds) items = items.filter((i) => q.kinds!.includes(i.kind));
    if (q.reviewed !== undefined) items = items.filter((i) => i.reviewed === q.reviewed);
    return { items: items.slice(0, q.limit), more: more || items.length > q.limit };
  }

  /** `cameras`: only those cameras' items count (a viewer's badge counts what they may see). */
  counts(user: string, cameras?: string[]): ReviewCounts {
    const { sources } = this.sources(user, cameras ? { cameras } : {});
    const counts = { alert: 0, detection: 0, motion: 0, total: 0 };
    for (const item of groupReview(sources, this.now())) {
      if (item.reviewed) continue;
      counts[item.kind]++;
      counts.total++;
    }
    return counts;
  }

  /** `cameras`: events of other cameras are left as they are (and not counted), as if they did not exist. */
  mark(user: string, eventIds: readonly string[], reviewed: boolean, cameras?: readonly string[]): number {
    const at = this.now();
    const only = cameras ? sql`AND camera_id IN ${sql.list(cameras)}` : sql.empty;
    const changed = this.db.transaction(() => {
      let n = 0;
      for (const id of new Set(eventIds)) {
        n += reviewed
          ? this.db.run(sql`INSERT INTO event_reviews (event_id, username, reviewed_at) SELECT id, ${user}, ${at} FROM events WHERE id = ${id} ${only} ON CONFLICT DO NOTHING`).changes
          : this.db.run(sql`DELETE FROM event_reviews WHERE event_id = ${id} AND username = ${user} AND event_id IN (SELECT id FROM events WHERE id = ${id} ${only})`).changes;
      }
      return n;
    });
    if (changed) this.bus.publish('review.changed', { at });
    return changed;
  }

  markAll(user: string, input: ReviewFilter): number {
    const f = ReviewFilter.parse(input);
    const items = groupReview(this.sources(user, f).sources, this.now()).filter((i) => !i.reviewed && (!f.kinds || f.kinds.includes(i.kind)));
    const ids = items.flatMap((i) => i.eventIds);
    return ids.length ? this.mark(user, ids, true) : 0;
  }
}
