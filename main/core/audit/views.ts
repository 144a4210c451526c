// Who watched what: each viewing session goes to the audit log once when it begins, and once more with its whole range if it grew.
import { randomBytes } from 'node:crypto';
import { ViewQuery, type ViewEntry, type ViewKind } from '../../common/contract/index.js';
import type { Database } from '../storage/database.js';
import { sql, type SqlFragment } from '../storage/sql.js';
import type { AuditLog } from './index.js';

/** Requests of one session come closer than this (a player's Range requests, segment after segment, seeks, hover frames). */
export const VIEW_SESSION_IDLE_MS = 60_000;
const ACTION_PREFIX = 'view.';
/** Sessions open at once; beyond it the oldest is closed (written) first, so memory stays bounded. */
const MAX_OPEN = 2000;

export interface View {
  actor: string;
  origin: string;
  kind: ViewKind;
  cameraId: string;
  start: number;
  end: number;
}

interface Session extends View {
  id: string;
  time: number;
  /** The range the log already holds for it. */
  logged: { start: number; end: number };
  timer?: NodeJS.Timeout;
}

export class ViewLog {
  private readonly open = new Map<string, Session>();

  constructor(
    private readonly audit: AuditLog,
    private readonly db: Database,
    private readonly idleMs = VIEW_SESSION_IDLE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A view of footage. The first of a session is written at once; later ones from the same person, place, kind and
   * camera only widen its range, written when the session goes idle (or ends). Returns the session's end, for
   * views that know when they stop (a live socket closing).
   */
  view(v: View): () => void {
    const key = JSON.stringify([v.actor, v.origin, v.kind, v.cameraId]);
    let s = this.open.get(key);
    if (s) {
      s.start = Math.min(s.start, v.start);
      s.end = Math.max(s.end, v.end);
    } else {
      if (this.open.size >= MAX_OPEN) this.close(this.open.keys().next().value!);
      s = { ...v, id: randomBytes(8).toString('hex'), time: this.now(), logged: { start: v.start, end: v.end } };
      this.open.set(key, s);
      this.write(s);
    }
    this.arm(key, s);
    const session = s;
    return () => {
      if (this.open.get(key) !== session) return;
      session.end = Math.max(session.end, this.now());
      this.close(key);
    };
  }

  private arm(key: string, s: Session): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => this.close(key), this.idleMs);
    s.timer.unref();
  }

  private write(s: Session): void {
    this.audit.record({ actor: s.actor, action: `${ACTION_PREFIX}${s.kind}`, target: s.cameraId, origin: s.origin, ok: true, details: { session: s.id, start: s.start, end: s.end } });
    s.logged = { start: s.start, end: s.end };
  }

  private close(key: string): void {
    const s = this.open.get(key);
    if (!s) return;
    this.open.delete(key);
    if (s.timer) clearTimeout(s.timer);
    if (s.start < s.logged.start || s.end > s.logged.end) this.write(s);
  }

  /** Writes every open session's range (the engine is stopping). */
  flush(): void {
    for (const key of [...this.open.keys()]) this.close(key);
  }

  /** Sessions, newest first, each once with the widest range the log holds for it. */
  query(input: ViewQuery): ViewEntry[] {
    const q = ViewQuery.parse(input);
    const where: SqlFragment[] = [sql`action LIKE ${`${ACTION_PREFIX}%`}`];
    if (q.user) where.push(sql`actor = ${q.user}`);
    if (q.cameraId) where.push(sql`target = ${q.cameraId}`);
    if (q.after !== undefined) where.push(sql`time >= ${q.after}`);
    if (q.before !== undefined) where.push(sql`time < ${q.before}`);
    // the rows of more sessions than asked for: a session has at most two
    const rows = this.db.all<{ time: number; actor: string; action: string; target: string; ip: string; details: string }>(
      sql`SELECT time, actor, action, target, ip, details FROM audit_log WHERE ${sql.join(where, ' AND ')} ORDER BY id DESC LIMIT ${q.limit * 2}`,
    );
    const sessions = new Map<string, ViewEntry>();
    for (const r of rows) {
      let d: { session?: unknown; start?: unknown; end?: unknown };
      try {
        d = JSON.parse(r.details) as typeof d;
      } catch {
        continue;
      }
      if (typeof d.session !== 'string' || typeof d.start !== 'number' || typeof d.end !== 'number') continue;
      const kind = r.action.slice(ACTION_PREFIX.length) as ViewKind;
      const seen = sessions.get(d.session);
      if (seen) {
        seen.time = Math.min(seen.time, r.time);
        seen.start = Math.min(seen.start, d.start);
        seen.end = Math.max(seen.end, d.end);
      } else {
        sessions.set(d.session, { session: d.session, time: r.time, user: r.actor, origin: r.ip, kind, cameraId: r.target, start: d.start, end: d.end });
      }
    }
    return [...sessions.values()].sort((a, b) => b.time - a.time).slice(0, q.limit);
  }
}
