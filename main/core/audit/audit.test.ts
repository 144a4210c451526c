// The audit chain is keyed: whoever rewrites the table without the key is caught; pruning and old logs keep the chain whole.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withEngine } from '../../../test/helpers/engine.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { AUDIT_HEAD_FILE } from '../app.js';
import { keyFileBox } from '../secrets/index.js';
import { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { AuditLog, type AuditRow } from './index.js';

const verifyCli = (data: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'main/server/cli.ts', 'audit-verify', '--data', data], { encoding: 'utf8', env: { ...process.env, PORCHLIGHT_LOG_LEVEL: 'error' } });

type Row = AuditRow;

/** What an attacker without the key can compute: the plain SHA-256 chain of the old format. */
function unkeyed(prev: string, r: Row): string {
  return createHash('sha256').update(prev).update('\n').update(JSON.stringify([r.id, r.time, r.actor, r.action, r.target, r.ip, r.details, r.ok])).digest('hex');
}

function rechainWithoutKey(db: Database, headFile: string): void {
  let prev = '0'.repeat(64);
  let last = 0;
  for (const r of db.all<Row>(sql`SELECT * FROM audit_log ORDER BY id`)) {
    const h = unkeyed(prev, r);
    db.run(sql`UPDATE audit_log SET prev_hash = ${prev}, hash = ${h} WHERE id = ${r.id}`);
    prev = h;
    last = r.id;
  }
  writeFileSync(headFile, JSON.stringify({ v: 2, count: last, hash: prev, mac: createHash('sha256').update(prev).digest('hex') }));
}

describe('keyed audit chain', () => {
  it('catches a row rewritten with its unkeyed hash recomputed (and the head file forged), in the engine and in audit-verify', async () => {
    const h = await withEngine();
    try {
      for (let i = 0; i < 6; i++) h.engine.audit.record({ actor: 'admin', action: 'cameras.delete', target: `cam-${i}`, origin: '10.0.0.2', ok: true });
      expect(h.engine.audit.verify()).toMatchObject({ ok: true, entries: 6 });
      expect(verifyCli(h.dataDir).status).toBe(0);

      // the attacker edits entry 3 and recomputes every hash after it, as the old unkeyed format allowed
      h.engine.db.run(sql`UPDATE audit_log SET target = 'nothing happened' WHERE id = 3`);
      rechainWithoutKey(h.engine.db, join(h.dataDir, AUDIT_HEAD_FILE));
      const result = h.engine.audit.verify();
      expect(result.ok).toBe(false);
      expect(result.brokenAt).toBe(1);
      const out = verifyCli(h.dataDir);
      expect(out.status).toBe(1);
      expect(out.stdout).toMatch(/TAMPERED/);
    } finally {
      await h.close();
    }
  });

  it('audit-verify exits 2 when it cannot read: no such folder, no database, no key', () => {
    const tmp = makeTempDir();
    try {
      const missing = verifyCli(join(tmp.dir, 'nope'));
      expect(missing.status).toBe(2);
      expect(missing.stderr).toMatch(/no data directory/);
      expect(existsSync(join(tmp.dir, 'nope'))).toBe(false);
      mkdirSync(join(tmp.dir, 'empty'));
      expect(verifyCli(join(tmp.dir, 'empty')).status).toBe(2);
      expect(existsSync(join(tmp.dir, 'empty', 'porchlight.db'))).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });

  it('prunes old entries as a chained entry: what is left verifies, cutting the start or the prune entry does not', async () => {
    const h = await withEngine();
    try {
      const { audit, db } = h.engine;
      for (let i = 0; i < 8; i++) audit.record({ actor: 'a', action: 'x', target: `t${i}`, origin: 'o', ok: true });
      const cutoff = Date.now() + 1;
      // backdate the first five, as if written long ago
      db.run(sql`UPDATE audit_log SET time = time - 1000 WHERE id <= 5`);
      // (the MACs cover the time: backdating is itself tampering; re-key the chain as the engine's own clock would have)
      rechainKeyed(h.dataDir, db);
      expect(audit.verify().ok).toBe(true);
      expect(audit.prune(cutoff - 500)).toBe(5);
      const v = audit.verify();
      expect(v).toMatchObject({ ok: true, entries: 5 });
      const pruned = audit.query({ action: 'audit.pruned', limit: 1 })[0]!;
      expect(pruned.details).toMatchObject({ throughId: 5, removed: 5 });
      // entries go on being chained after a prune
      audit.record({ actor: 'a', action: 'after', origin: 'o', ok: true });
      expect(audit.verify().ok).toBe(true);

      db.run(sql`DELETE FROM audit_log WHERE id = 6`);
      expect(audit.verify().ok).toBe(false);
    } finally {
      await h.close();
    }
  });

  it('keys a log written before the key existed, once its old chain checks out; an altered old log is left to fail', () => {
    const tmp = makeTempDir();
    try {
      for (const tamper of [false, true]) {
        const dir = join(tmp.dir, tamper ? 'bad' : 'good');
        mkdirSync(dir);
        const db = Database.open(join(dir, 'porchlight.db'));
        let prev = '0'.repeat(64);
        for (let id = 1; id <= 4; id++) {
          const r: Row = { id, time: 1_700_000_000_000 + id, actor: 'admin', action: 'settings.set', target: 'storage', ip: '::1', details: 'null', ok: 1, prev_hash: prev, hash: '' };
          r.hash = unkeyed(prev, r);
          db.run(sql`INSERT INTO audit_log (id, time, actor, action, target, ip, details, ok, prev_hash, hash) VALUES (${r.id}, ${r.time}, ${r.actor}, ${r.action}, ${r.target}, ${r.ip}, ${r.details}, ${r.ok}, ${r.prev_hash}, ${r.hash})`);
          prev = r.hash;
        }
        writeFileSync(join(dir, AUDIT_HEAD_FILE), JSON.stringify({ count: 4, hash: prev }));
        if (tamper) db.run(sql`UPDATE audit_log SET target = 'general' WHERE id = 2`);
        const log = new AuditLog(db, keyFileBox(dir).deriveKey('audit log'), join(dir, AUDIT_HEAD_FILE));
        log.upgrade();
        const v = log.verify();
        expect(v.ok).toBe(!tamper);
        if (!tamper) expect(log.query({ action: 'audit.keyed', limit: 1 })).toHaveLength(1);
        db.close();
      }
    } finally {
      tmp.cleanup();
    }
  });

  it('logs one line per read of the same footage by the same person from the same place per minute', async () => {
    const h = await withEngine();
    try {
      const read = { actor: 'viewer', action: 'recordings.read', target: 'cam/2026-11-29/10-00-00.mp4', origin: '192.0.2.5' };
      h.engine.audit.recordRead(read, 1_000_000);
      h.engine.audit.recordRead(read, 1_030_000);
      h.engine.audit.recordRead({ ...read, origin: '192.0.2.6' }, 1_030_000);
      h.engine.audit.recordRead(read, 1_070_000);
      expect(h.engine.audit.query({ action: 'recordings.read', limit: 10 })).toHaveLength(3);
    } finally {
      await h.close();
    }
  });
});

/** Recomputes the chain with the real key (the test's stand-in for entries written at those times). */
function rechainKeyed(dataDir: string, db: Database): void {
  rmSync(join(dataDir, AUDIT_HEAD_FILE), { force: true });
  const log = new AuditLog(db, keyFileBox(dataDir).deriveKey('audit log'), join(dataDir, AUDIT_HEAD_FILE));
  // upgrade() re-chains only a legacy chain: make the rows legacy first, then let it key them
  let prev = '0'.repeat(64);
  for (const r of db.all<Row>(sql`SELECT * FROM audit_log ORDER BY id`)) {
    const h = unkeyed(prev, r);
    db.run(sql`UPDATE audit_log SET prev_hash = ${prev}, hash = ${h} WHERE id = ${r.id}`);
    prev = h;
  }
  log.upgrade();
  // upgrade appended its own 'audit.keyed' entry: fine, it is part of the chain
}
