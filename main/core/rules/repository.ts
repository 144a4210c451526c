// Rule rows (alert_rules: name and enabled as columns, the rest as validated JSON) and alert rows.
import { randomBytes } from 'node:crypto';
import { ApiFailure } from '../../common/contract/index.js';
import { Rule, RuleInput, type Alert, type AlertPage } from '../../common/contract/rules.js';
import { createLogger } from '../log/index.js';
import type { Database } from '../storage/database.js';
import { sql, type SqlFragment } from '../storage/sql.js';

const log = createLogger('rules');

interface RuleRow {
  id: string;
  name: string;
  enabled: number;
  config: string;
}

interface AlertRow {
  id: number;
  rule_id: string;
  rule_name: string | null;
  event_id: string | null;
  camera_id: string;
  label: string;
  time: number;
  seen: number;
}

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    ruleId: r.rule_id,
    ruleName: r.rule_name ?? r.rule_id,
    eventId: r.event_id,
    cameraId: r.camera_id,
    label: r.label,
    time: r.time,
    seen: r.seen === 1,
  };
}

export class RuleRepository {
  constructor(private readonly db: Database) {}

  list(): Rule[] {
    const out: Rule[] = [];
    for (const r of this.db.all<RuleRow>(sql`SELECT id, name, enabled, config FROM alert_rules ORDER BY created_at, id`)) {
      const parsed = Rule.safeParse({ ...(JSON.parse(r.config) as object), id: r.id, name: r.name, enabled: r.enabled === 1 });
      if (parsed.success) out.push(parsed.data);
      else log.warn({ rule: r.id }, 'stored rule invalid, skipped');
    }
    return out;
  }

  get(id: string): Rule | undefined {
    return this.list().find((r) => r.id === id);
  }

  upsert(input: RuleInput): Rule {
    const p = RuleInput.parse(input);
    const rule: Rule = { ...p, id: p.id ?? `rule-${randomBytes(4).toString('hex')}` };
    const { id, name, enabled, ...config } = rule;
    const now = Date.now();
    this.db.run(sql`
      INSERT INTO alert_rules (id, name, enabled, config, created_at, updated_at)
      VALUES (${id}, ${name}, ${enabled}, ${JSON.stringify(config)}, ${now}, ${now})
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, config = excluded.config, updated_at = excluded.updated_at`);
    return rule;
  }

  delete(id: string): boolean {
    return this.db.run(sql`DELETE FROM alert_rules WHERE id = ${id}`).changes > 0;
  }

  insertAlert(a: Omit<Alert, 'id' | 'seen' | 'ruleName'>): number {
    const r = this.db.run(sql`
      INSERT INTO alerts (rule_id, event_id, camera_id, label, time) VALUES (${a.ruleId}, ${a.eventId}, ${a.cameraId}, ${a.label}, ${a.time})`);
    return Number(r.lastInsertRowid);
  }

  /** The last alert of a rule on a camera: cooldowns survive a restart. Uses alerts_rule_camera_time. */
  lastAlertTime(ruleId: string, cameraId: string): number | undefined {
    const row = this.db.get<{ t: number | null }>(sql`SELECT MAX(time) AS t FROM alerts WHERE rule_id = ${ruleId} AND camera_id = ${cameraId}`);
    return row?.t ?? undefined;
  }

  /** Newest first; the cursor is the last alert id of the previous page. */
  /** Newest first; `cameras` limits them to those cameras' alerts. */
  alerts(q: { limit: number; cursor?: string; unseenOnly: boolean; cameras?: readonly string[] | undefined }): AlertPage {
    const where: SqlFragment[] = [];
    if (q.cameras) where.push(sql`alerts.camera_id IN ${sql.list(q.cameras)}`);
    if (q.cursor !== undefined) {
      const before = Number(q.cursor);
      if (!Number.isSafeInteger(before)) throw new ApiFailure('invalid_input', 'cursor: not a cursor this server gave out');
      where.push(sql`alerts.id < ${before}`);
    }
    if (q.unseenOnly) where.push(sql`alerts.seen = 0`);
    const whereSql = where.length ? sql`WHERE ${sql.join(where, ' AND ')}` : sql.empty;
    const rows = this.db.all<AlertRow>(sql`
      SELECT alerts.*, alert_rules.name AS rule_name FROM alerts LEFT JOIN alert_rules ON alert_rules.id = alerts.rule_id
      ${whereSql} ORDER BY alerts.id DESC LIMIT ${q.limit + 1}`);
    const items = rows.slice(0, q.limit).map(toAlert);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > q.limit && last ? String(last.id) : null };
  }

  /** ids omitted: every alert; `cameras` limits it to those cameras' alerts. */
  markSeen(ids?: readonly number[], cameras?: readonly string[]): number {
    const only = cameras ? sql`AND camera_id IN ${sql.list(cameras)}` : sql.empty;
    if (ids === undefined) return this.db.run(sql`UPDATE alerts SET seen = 1 WHERE seen = 0 ${only}`).changes;
    if (ids.length === 0) return 0;
    return this.db.run(sql`UPDATE alerts SET seen = 1 WHERE seen = 0 AND id IN ${sql.list(ids)} ${only}`).changes;
  }
}
