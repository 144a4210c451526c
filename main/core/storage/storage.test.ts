// Migrations on real SQLite files: fresh, upgrade with data kept, refusal of a newer schema.
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { Database } from './database.js';
import { checkOrder, SchemaTooNewError } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { sql } from './sql.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.cleanup());

function tables(db: Database): Map<string, string> {
  const rows = db.all<{ name: string; sql: string }>(sql`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
  return new Map(rows.map((r) => [r.name, r.sql]));
}

describe('migrations', () => {
  it('creates every table STRICT on a fresh database, with WAL and foreign keys on', () => {
    const db = Database.open(join(tmp.dir, 'p.db'));
    expect(db.schemaVersion).toBe(MIGRATIONS.length);
    const t = tables(db);
    for (const name of ['cameras', 'camera_streams', 'segments', 'events', 'alert_rules', 'alerts', 'exports', 'settings', 'users', 'sessions', 'audit_log', 'recording_spans']) {
      expect(t.get(name), name).toMatch(/\)\s*STRICT$/);
    }
    expect(db.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.raw.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.integrityCheck()).toBe('ok');
    db.close();
  });

  it('upgrades a database at schema 1 and keeps its data', () => {
    const file = join(tmp.dir, 'old.db');
    const v1 = Database.open(file, { migrations: MIGRATIONS.slice(0, 1) });
    expect(v1.schemaVersion).toBe(1);
    v1.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES ('front', 'Front door', 1, 1)`);
    v1.run(sql`INSERT INTO segments (camera_id, start, end, duration_ms, path, bytes) VALUES ('front', 1000, 11000, 10000, 'a.mp4', 42)`);
    v1.close();

    const db = Database.open(file);
    expect(db.schemaVersion).toBe(MIGRATIONS.length);
    expect(db.get(sql`SELECT name, config FROM cameras WHERE id = 'front'`)).toEqual({ name: 'Front door', config: '{}' });
    expect(db.get(sql`SELECT bytes FROM segments WHERE path = 'a.mp4'`)).toEqual({ bytes: 42 });
    db.close();
  });

  it('refuses a database from a newer version with a clear message and leaves it untouched', () => {
    const file = join(tmp.dir, 'future.db');
    const raw = new BetterSqlite3(file);
    raw.exec('CREATE TABLE future_thing (x INTEGER) STRICT');
    raw.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    raw.close();

    expect(() => Database.open(file)).toThrow(SchemaTooNewError);
    expect(() => Database.open(file)).toThrow(/newer Porchlight.*Update Porchlight/);
    const after = new BetterSqlite3(file);
    expect(after.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 5);
    after.close();
  });

  it('rolls back every migration of a run when one fails', () => {
    const file = join(tmp.dir, 'broken.db');
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', up: (db: BetterSqlite3.Database) => db.exec('CREATE TABLE nope (') }];
    expect(() => Database.open(file, { migrations: broken })).toThrow();
    const raw = new BetterSqlite3(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    expect(raw.prepare("SELECT count(*) n FROM sqlite_master WHERE name = 'cameras'").get()).toEqual({ n: 0 });
    raw.close();
  });

  it('checks that migrations are numbered without gaps', () => {
    expect(() => checkOrder([MIGRATIONS[0]!, { ...MIGRATIONS[2]!, version: 3 }])).toThrow(/expected 2/);
    expect(() => checkOrder(MIGRATIONS)).not.toThrow();
  });
});

describe('sql tagged template', () => {
  it('binds every value and composes fragments', () => {
    const where = sql.join([sql`camera_id = ${'a'}`, sql`label IN ${sql.list(['person', 'dog'])}`], ' AND ');
    const q = sql`SELECT * FROM events WHERE ${where} LIMIT ${50}`;
    expect(q.text).toBe('SELECT * FROM events WHERE camera_id = ? AND label IN (?, ?) LIMIT ?');
    expect(q.values).toEqual(['a', 'person', 'dog', 50]);
  });

  it('treats hostile strings as data', () => {
    const db = Database.open(':memory:');
    const evil = "x'); DROP TABLE settings;--";
    db.run(sql`INSERT INTO settings (section, value, updated_at) VALUES (${evil}, ${'{}'}, ${1})`);
    expect(db.get(sql`SELECT section FROM settings WHERE section = ${evil}`)).toEqual({ section: evil });
    expect(tables(db).has('settings')).toBe(true);
    db.close();
  });
});
