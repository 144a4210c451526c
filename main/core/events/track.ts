// Event tracks: each event's detections (time, box, label, score), appended as the object is tracked, bounded per event.
import { MAX_TRACK_POINTS, type TrackPoint } from '../../common/contract/events.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';

interface PointRow {
  t: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  label: string;
  score: number;
}

const round4 = (v: number): number => Math.round(v * 10_000) / 10_000;

export class EventTracks {
  constructor(
    private readonly db: Database,
    /** Points kept per event; past it, the track is thinned to about half as many, evenly over its span. */
    private readonly maxPoints = MAX_TRACK_POINTS,
  ) {}

  /** Adds points to an event's track; a point at a time already stored replaces it. Returns how many the event holds. */
  append(eventId: string, points: readonly TrackPoint[]): number {
    if (points.length === 0) return this.count(eventId);
    return this.db.transaction(() => {
      for (const p of points) {
        const [x1, y1, x2, y2] = p.box.map((v) => round4(Math.min(1, Math.max(0, v)))) as [number, number, number, number];
        this.db.run(sql`
          INSERT INTO event_tracks (event_id, t, x1, y1, x2, y2, label, score)
          VALUES (${eventId}, ${Math.round(p.t)}, ${x1}, ${y1}, ${x2}, ${y2}, ${p.label}, ${Math.round(p.score * 1000) / 1000})
          ON CONFLICT (event_id, t) DO UPDATE SET x1 = excluded.x1, y1 = excluded.y1, x2 = excluded.x2, y2 = excluded.y2,
            label = excluded.label, score = excluded.score`);
      }
      let n = this.count(eventId);
      if (n > this.maxPoints) {
        // over the bound: one point per even slice of the whole span (half the bound), the last one kept, so the track
        // stays whole end to end and evenly sparse however long the event (never denser where it was thinned least)
        const span = this.db.get<{ lo: number; hi: number }>(sql`SELECT min(t) AS lo, max(t) AS hi FROM event_tracks WHERE event_id = ${eventId}`);
        const lo = span?.lo ?? 0;
        const hi = span?.hi ?? 0;
        const slice = Math.max(1, Math.ceil((hi - lo + 1) / Math.floor(this.maxPoints / 2)));
        this.db.run(sql`
          DELETE FROM event_tracks WHERE event_id = ${eventId} AND t <> ${hi} AND t NOT IN (
            SELECT min(t) FROM event_tracks WHERE event_id = ${eventId} GROUP BY CAST((t - ${lo}) / ${slice} AS INTEGER))`);
        n = this.count(eventId);
      }
      return n;
    });
  }

  count(eventId: string): number {
    return this.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM event_tracks WHERE event_id = ${eventId}`)?.n ?? 0;
  }

  /** The track in time order (empty for an event stored before tracks were, or a motion event). */
  get(eventId: string): TrackPoint[] {
    const rows = this.db.all<PointRow>(sql`SELECT t, x1, y1, x2, y2, label, score FROM event_tracks WHERE event_id = ${eventId} ORDER BY t`);
    return rows.map((r) => ({ t: r.t, box: [r.x1, r.y1, r.x2, r.y2], label: r.label, score: r.score }));
  }
}
