// The audit log: who did what, when, from where; each entry chained to the last by an HMAC whose key the database does not hold.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
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
/** Head files of keyed logs carry this version; older (unkeyed) logs are re-chained once, after their chain verified. */
const HEAD_VERSION = 2;
/** The same read by the same person from the same place is logged once per this window (a player asks for many ranges). */
export const READ_COALESCE_MS = 60_000;
const PRUNE_ACTION = 'audit.pruned';

/** A row of audit_log as stored. */
export interface AuditRow {
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

interface Head {
  v?: number;
  count: number;
  hash: string;
  mac?: string;
}

export interface AuditRecord {
  actor: string;
  action: string;
  target?: string;
  origin: string;
  ok: boolean;
  details?: unknown;
}

type RowFields = Omit<AuditRow, 'hash' | 'prev_hash'>;

const canonical = (r: RowFields): string => JSON.stringify([r.id, r.time, r.actor, r.action, r.target, r.ip, r.details, r.ok]);

/** The unkeyed SHA-256 chain of logs written before the key existed (read only to re-chain them). */
function legacyHash(prev: string, r: RowFields): string {
  return createHash('sha256').update(prev).update('\n').update(canonical(r)).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export class AuditLog implements AuditSink {
  private readonly recentReads = new Map<string, number>();

  /**
   * @param key      the HMAC key (derived from the OS keychain's key on the desktop, the 0600 key file on the server);
   *                 whoever can rewrite the table cannot recompute the chain without it
   * @param headFile where the newest MAC and count are also kept (MAC'd too), so cutting entries off the end is detectable
   */
  constructor(
    private readonly db: Database,
    private readonly key: Buffer,
    private readonly headFile?: string,
  ) {
    if (key.length < 32) throw new Error('the audit key must be at least 32 bytes');
  }

  private mac(prev: string, r: RowFields): string {
    return createHmac('sha256', this.key).update(prev).update('\n').update(canonical(r)).digest('hex');
  }

  private headMac(count: number, hash: string): string {
    return createHmac('sha256', this.key).update(`head\n${count}\n${hash}`).digest('hex');
  }

  /** Logs written before the key existed are verified by their old chain and, if intact, chained again under the key. */
  upgrade(): void {
    const head = this.readHead();
    if (head.state === 'ok' && head.head.v === HEAD_VERSION) return;
    const rows = this.db.all<AuditRow>(sql`SELECT * FROM audit_log ORDER BY id`);
    if (rows.length === 0) return;
    let prev = GENESIS;
    for (const row of rows) {
      if (row.prev_hash !== prev || legacyHash(prev, row) !== row.hash) {
        log.error({ entry: row.id }, 'the audit log was altered before it was keyed: left as it is, verification will report it');
        return;
      }
      prev = row.hash;
    }
    this.db.transaction(() => {
      let p = GENESIS;
      for (const row of rows) {
        const h = this.mac(p, row);
        this.db.run(sql`UPDATE audit_log SET prev_hash = ${p}, hash = ${h} WHERE id = ${row.id}`);
        p = h;
      }
      const last = rows.at(-1)!;
      this.writeHead(last.id, p);
    });
    this.record({ actor: 'porchlight', action: 'audit.keyed', origin: 'engine', ok: true, details: { entries: rows.length, unkeyedHead: prev } });
  }

  record(entry: AuditRecord): void {
    try {
      this.db.transaction(() => this.append(entry));
    } catch (err) {
      // the action itself already happened; losing its audit line must be loud, not fatal
      log.error({ err, action: entry.action }, 'audit entry not written');
    }
  }

  /** A read of footage: logged, but the same read by the same caller from the same place once a minute at most. */
  recordRead(entry: Omit<AuditRecord, 'ok'>, now = Date.now()): void {
    const key = JSON.stringify([entry.actor, entry.origin, entry.action, entry.target ?? '']);
    const last = this.recentReads.get(key);
    if (last !== undefined && now - last < READ_COALESCE_MS) return;
    if (this.recentReads.size > 10_000) this.recentReads.clear();
    this.recentReads.set(key, now);
    this.record({ ...entry, ok: true });
  }

  private append(entry: AuditRecord): void {
    const last = this.db.get<{ id: number; hash: string }>(sql`SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`);
    const head = last ? undefined : this.readHead();
    const prev = last?.hash ?? (head?.state === 'ok' ? head.head.hash : GENESIS);
    const row = {
      id: (last?.id ?? this.lastPrunedId()) + 1,
      time: Date.now(),
      actor: entry.actor.slice(0, 200),
      action: entry.action.slice(0, 100),
      target: (entry.target ?? '').slice(0, 500),
      ip: entry.origin.slice(0, 100),
      details: JSON.stringify(redactDeep(entry.details ?? null)).slice(0, 4000),
      ok: entry.ok ? 1 : 0,
    };
    const hash = this.mac(prev, row);
    this.db.run(sql`INSERT INTO audit_log (id, time, actor, action, target, ip, details, ok, prev_hash, hash)
      VALUES (${row.id}, ${row.time}, ${row.actor}, ${row.action}, ${row.target}, ${row.ip}, ${row.details}, ${row.ok}, ${prev}, ${hash})`);
    this.writeHead(row.id, hash);
  }

  /** With an empty table after a prune, numbering and chaining go on from the head file. */
  private lastPrunedId(): number {
    const h = this.readHead();
    return h.state === 'ok' ? h.head.count : 0;
  }

  /**
   * Removes entries older than `before`, itself as a chained entry: it names the last removed entry and its MAC, so
   * verification can start from there and nobody can cut the start of the log unnoticed.
   */
  prune(before: number): number {
    try {
      return this.db.transaction(() => {
        const cut = this.db.get<{ id: number; hash: string }>(sql`SELECT id, hash FROM audit_log WHERE time < ${before} ORDER BY id DESC LIMIT 1`);
        if (!cut) return 0;
        // the newest prune entry must survive: it anchors what is left
        const removed = this.db.run(sql`DELETE FROM audit_log WHERE id <= ${cut.id}`).changes;
        this.append({ actor: 'porchlight', action: PRUNE_ACTION, origin: 'engine', ok: true, details: { throughId: cut.id, lastHash: cut.hash, removed, before } });
        return removed;
      });
    } catch (err) {
      log.error({ err }, 'audit log not pruned');
      return 0;
    }
  }

  private writeHead(count: number, hash: string): void {
    if (!this.headFile) return;
    const tmp = `${this.headFile}.tmp`;
    const head: Head = { v: HEAD_VERSION, count, hash, mac: this.headMac(count, hash) };
    writeFileSync(tmp, JSON.stringify(head), { mode: 0o600 });
    renameSync(tmp, this.headFile);
  }

  private readHead(): { state: 'none' } | { state: 'missing' } | { state: 'ok'; head: Head } {
    if (!this.headFile) return { state: 'none' };
    try {
      const head = JSON.parse(readFileSync(this.headFile, 'utf8')) as Head;
      return { state: 'ok', head };
    } catch {
      return { state: 'missing' };
    }
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

  /** The anchor a pruned log starts from: the newest prune entry that names the entry just before the first one kept. */
  private anchorFor(firstId: number): string | undefined {
    const rows = this.db.all<AuditRow>(sql`SELECT * FROM audit_log WHERE action = ${PRUNE_ACTION} ORDER BY id DESC`);
    for (const r of rows) {
      try {
        const d = JSON.parse(r.details) as { throughId?: unknown; lastHash?: unknown };
        if (d.throughId === firstId - 1 && typeof d.lastHash === 'string') return d.lastHash;
      } catch {
        // a damaged prune entry anchors nothing; the walk reports it
      }
    }
    return undefined;
  }

  /** Walks the whole chain; reports the first entry that was edited, inserted, or follows a removed one. */
  verify(): AuditVerify {
    const first = this.db.get<{ id: number }>(sql`SELECT min(id) AS id FROM audit_log`)?.id ?? null;
    let prev = GENESIS;
    let expectedId = 1;
    if (first !== null && first > 1) {
      const anchor = this.anchorFor(first);
      if (!anchor) return { ok: false, entries: 0, brokenAt: first, problem: `entries before ${first} are missing and no pruning of them was recorded` };
      prev = anchor;
      expectedId = first;
    }
    let count = 0;
    for (const row of this.db.raw.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as IterableIterator<AuditRow>) {
      count++;
      if (row.id !== expectedId) return { ok: false, entries: count, brokenAt: row.id, problem: `entry ${expectedId} is missing` };
      if (row.prev_hash !== prev) return { ok: false, entries: count, brokenAt: row.id, problem: `entry ${row.id} does not follow the entry before it` };
      if (!sameHex(this.mac(prev, row), row.hash)) return { ok: false, entries: count, brokenAt: row.id, problem: `entry ${row.id} was changed after it was written` };
      prev = row.hash;
      expectedId++;
    }
    const lastId = expectedId - 1;
    const h = this.readHead();
    if (h.state === 'missing' && (count > 0 || lastId > 0)) return { ok: false, entries: count, brokenAt: null, problem: 'the audit head file is missing' };
    if (h.state === 'ok') {
      const { head } = h;
      if (!head.mac || !sameHex(head.mac, this.headMac(head.count, head.hash))) {
        return { ok: false, entries: count, brokenAt: null, problem: 'the audit head file was changed or was not written with this key' };
      }
      if (count === 0 && head.count > 0) return { ok: false, entries: 0, brokenAt: 1, problem: `every entry was removed (entry ${head.count} was written)` };
      if (head.count !== lastId || head.hash !== prev) {
        return { ok: false, entries: count, brokenAt: lastId + 1, problem: `the log ends at entry ${lastId} but entry ${head.count} was written: entries were removed from the end` };
      }
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

export { ViewLog, VIEW_SESSION_IDLE_MS, type View } from './views.js';
