// The audit log: who did what, when, from where; each entry chained to the last by SHA-256.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AuditEntry, AuditVerify } from '../../common/contract/index.js';
import { AuditQuery } from '../../common/contract/index.js';
import type { z } from 'zod';
import { redactDeep } from '../../common/redact.js';
import type { AuditSink } from '../api/router.js';
import { createLogger } from '../log/index.js';
import type { Database } from '../storage/database.js';
import { sql, type SqlFragment } from '../storage/sql.js';

const log = createLogger('audit');
const GENESIS = '0'.repeat(64);

interface AuditRow {
  id: number;
  time: number;
  actor: string;
  action: string;
  target: string;
  ip: string;
  details: string;
  ok: number;
  prev_hash: string;
  hash: string;
}

export interface AuditRecord {
  actor: string;
  action: string;
  target?: string;
  origin: string;
  ok: boolean;
  details?: unknown;
}

/** The hash covers every field and the previous hash, so editing, inserting or removing a row breaks the chain. */
function entryHash(prev: string, r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  const canonical = JSON.stringify([r.id, r.time, r.actor, r.action, r.target, r.ip, r.details, r.ok]);
  return createHash('sha256').update(prev).update('\n').update(canonical).digest('hex');
}

export class AuditLog implements AuditSink {
  /**
   * @param headFile where the newest hash and count are also kept, so that cutting entries off the end
   *                 of the table is detectable too
   */
  constructor(
    private readonly db: Database,
    private readonly headFile?: string,
  ) {}

  record(entry: AuditRecord): void {
    try {
      this.db.transaction(() => {
        const last = this.db.get<{ id: number; hash: string }>(sql`SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`);
        const prev = last?.hash ?? GENESIS;
        const row = {
          id: (last?.id ?? 0) + 1,
          time: Date.now(),
          actor: entry.actor.slice(0, 200),
          action: entry.action.slice(0, 100),
          target: (entry.target ?? '').slice(0, 500),
          ip: entry.origin.slice(0, 100),
          details: JSON.stringify(redactDeep(entry.details ?? null)).slice(0, 4000),
          ok: entry.ok ? 1 : 0,
        };
        const hash = entryHash(prev, row);
        this.db.run(sql`INSERT INTO audit_log (id, time, actor, action, target, ip, details, ok, prev_hash, hash)
          VALUES (${row.id}, ${row.time}, ${row.actor}, ${row.action}, ${row.target}, ${row.ip}, ${row.details}, ${row.ok}, ${prev}, ${hash})`);
        this.writeHead(row.id, hash);
      });
    } catch (err) {
      // the action itself already happened; losing its audit line must be loud, not fatal
      log.error({ err, action: entry.action }, 'audit entry not written');
    }
  }

  private writeHead(count: number, hash: string): void {
    if (!this.headFile) return;
    const tmp = `${this.headFile}.tmp`;
    writeFileSync(tmp, JSON.stringify({ count, hash }), { mode: 0o600 });
    renameSync(tmp, this.headFile);
  }

  query(input: z.input<typeof AuditQuery>): AuditEntry[] {
    const q = AuditQuery.parse(input);
    const where: SqlFragment[] = [];
    if (q.after !== undefined) where.push(sql`time >= ${q.after}`);
    if (q.before !== undefined) where.push(sql`time < ${q.before}`);
    if (q.actor) where.push(sql`actor = ${q.actor}`);
    if (q.action) where.push(sql`action = ${q.action}`);
    if (q.beforeId !== undefined) where.push(sql`id < ${q.beforeId}`);
    const whereSql = where.length ? sql`WHERE ${sql.join(where, ' AND ')}` : sql.empty;
    return this.db.all<AuditRow>(sql`SELECT * FROM audit_log ${whereSql} ORDER BY id DESC LIMIT ${q.limit}`).map((r) => ({
      id: r.id,
      time: r.time,
      actor: r.actor,
      action: r.action,
      target: r.target,
      origin: r.ip,
      ok: r.ok === 1,
      details: JSON.parse(r.details) as unknown,
    }));
  }

  /** Walks the whole chain; reports the first entry that was edited, inserted, or follows a removed one. */
  verify(): AuditVerify {
    let prev = GENESIS;
    let expectedId = 1;
    let count = 0;
    for (const row of this.db.raw.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as IterableIterator<AuditRow>) {
      count++;
      if (row.id !== expectedId) return { ok: false, entries: count, brokenAt: row.id, problem: `entry ${expectedId} is missing` };
      if (row.prev_hash !== prev) return { ok: false, entries: count, brokenAt: row.id, problem: `entry ${row.id} does not follow the entry before it` };
      if (entryHash(prev, row) !== row.hash) return { ok: false, entries: count, brokenAt: row.id, problem: `entry ${row.id} was changed after it was written` };
      prev = row.hash;
      expectedId++;
    }
    if (this.headFile) {
      let head: { count: number; hash: string } | undefined;
      try {
        head = JSON.parse(readFileSync(this.headFile, 'utf8')) as { count: number; hash: string };
      } catch {
        head = undefined;
      }
      if (head && (head.count !== count || head.hash !== prev)) {
        return { ok: false, entries: count, brokenAt: count + 1, problem: `the log ends at entry ${count} but entry ${head.count} was written: entries were removed from the end` };
      }
      if (!head && count > 0) return { ok: false, entries: count, brokenAt: null, problem: 'the audit head file is missing' };
    }
    return { ok: true, entries: count, brokenAt: null, problem: null };
  }

  /** CSV for an admin to keep or hand over. */
  exportCsv(): string {
    const esc = (v: unknown): string => {
      const s = String(v);
      // a leading = + - @ would be a formula in a spreadsheet
      const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
      return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    };
    const lines = ['id,time,actor,action,target,origin,ok,details,hash'];
    for (const r of this.db.raw.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as IterableIterator<AuditRow>) {
      lines.push([r.id, new Date(r.time).toISOString(), r.actor, r.action, r.target, r.ip, r.ok ? 'ok' : 'failed', r.details, r.hash].map(esc).join(','));
    }
    return `${lines.join('\n')}\n`;
  }
}
