// bench/db: what encrypting the database costs. The engine's own event writes and timeline/review queries on real files,
// the same work on plain better-sqlite3 (what the engine used before), the fork without a key, the fork with SQLCipher 4
// (the choice) and with ChaCha20-Poly1305 (the fork's default), in rounds that alternate the drivers in one process.
import BetterSqlite3 from 'better-sqlite3';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventRepository } from '../../main/core/events/repository.js';
import { Database } from '../../main/core/storage/database.js';
import { encryptPlainDatabase } from '../../main/core/storage/encryption.js';
import { sql } from '../../main/core/storage/sql.js';
import { round } from '../_lib/stats.js';

const LABELS = ['person', 'person', 'person', 'car', 'car', 'truck', 'dog', 'cat', 'bicycle'];
const CAMERAS = 8;
const HOUR = 3_600_000;
const KEY = randomBytes(32);
const rawKey = Buffer.from(`x'${KEY.toString('hex')}'`, 'latin1');

type Variant = 'plain' | 'fork' | 'sqlcipher' | 'chacha20';
const VARIANTS: Variant[] = ['plain', 'fork', 'sqlcipher', 'chacha20'];

function open(variant: Variant, file: string): Database {
  switch (variant) {
    case 'plain':
      return Database.adopt(new BetterSqlite3(file) as unknown as Sqlite.Database);
    case 'fork':
      return Database.open(file);
    case 'sqlcipher':
      // exactly what the engine does
      return Database.open(file, { key: KEY });
    case 'chacha20': {
      const raw = new Sqlite(file);
      raw.pragma("cipher = 'chacha20'");
      raw.key(rawKey);
      return Database.adopt(raw);
    }
  }
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

interface Round {
  openMs: number;
  insertMs: number;
  queryMs: number;
}

/** One round on a fresh file: open, `events` upserts (one write each, as the pipeline makes them), then the queries. */
function once(variant: Variant, dir: string, events: number, queries: number): Round {
  const file = join(dir, `${variant}-${Date.now()}.db`);
  const o0 = performance.now();
  let db = open(variant, file);
  const now = Date.UTC(2026, 11, 1);
  for (let c = 0; c < CAMERAS; c++) db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES (${`cam-${c}`}, ${`Camera ${c}`}, ${now}, ${now})`);
  db.close();
  db = open(variant, file);
  const openMs = performance.now() - o0;
  const repo = new EventRepository(db);
  const rand = rng(7);
  const span = 7 * 24 * HOUR;
  const i0 = performance.now();
  for (let i = 0; i < events; i++) {
    const start = now - span + Math.floor((i / events) * span);
    repo.upsert({
      id: `ev-${i}`,
      cameraId: `cam-${i % CAMERAS}`,
      label: LABELS[i % LABELS.length] ?? 'person',
      start,
      end: start + 4000 + Math.floor(rand() * 30_000),
      topScore: 0.5 + rand() / 2,
      box: [0.1, 0.2, 0.3, 0.4],
      zones: rand() < 0.3 ? ['driveway'] : [],
      snapshot: `snapshots/cam-${i % CAMERAS}/${i}.jpg`,
      snapshotBytes: 24_000,
    });
  }
  const insertMs = performance.now() - i0;
  const q0 = performance.now();
  for (let i = 0; i < queries; i++) {
    const camera = `cam-${i % CAMERAS}`;
    const before = now - Math.floor(rand() * span);
    // the review page (newest first, filtered), the timeline's markers for a day of every camera, and the jump to the next event
    repo.query({ cameras: [camera], labels: ['person'], falsePositive: false, before, limit: 50 });
    repo.query({ limit: 50, after: before - 24 * HOUR, before });
    repo.markers({ after: before - 24 * HOUR, before }, now);
    repo.adjacent({ cameraId: camera, t: before, direction: 'next' });
  }
  const queryMs = performance.now() - q0;
  db.close();
  rmSync(file, { force: true });
  for (const f of [`${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  return { openMs, insertMs, queryMs };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

/** How long encrypting an existing plain database takes (the one-time migration at the first start). */
function migration(dir: string, events: number): { ms: number; mb: number } {
  const file = join(dir, 'migrate.db');
  const db = Database.open(file);
  const repo = new EventRepository(db);
  db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES ('cam-0', 'Camera 0', 0, 0)`);
  db.transaction(() => {
    for (let i = 0; i < events; i++) {
      repo.upsert({ id: `ev-${i}`, cameraId: 'cam-0', label: 'person', start: i * 1000, end: i * 1000 + 500, topScore: 0.9, box: [0, 0, 1, 1], zones: [], snapshot: `s/${i}.jpg` });
    }
  });
  db.close();
  const mb = statSync(file).size / 1e6;
  const t0 = performance.now();
  encryptPlainDatabase(file, KEY);
  return { ms: performance.now() - t0, mb };
}

export async function cipherBench(args: string[]): Promise<Record<string, unknown>> {
  const events = Number(args[0] ?? 10_000);
  const rounds = Number(args[1] ?? 5);
  const queries = 200;
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-bench-dbcipher-'));
  try {
    const results = new Map<Variant, Round[]>(VARIANTS.map((v) => [v, []]));
    once('plain', dir, 500, 20); // warm-up: module loads, page cache
    for (let r = 0; r < rounds; r++) {
      // alternate the order so a slow spell on this shared machine does not land on one driver only
      const order = r % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const v of order) results.get(v)?.push(once(v, dir, events, queries));
    }
    const med = (v: Variant, k: keyof Round): number => median((results.get(v) ?? []).map((x) => x[k]));
    const figures: Record<string, unknown> = { events, rounds, queries_per_round: queries * 4, cameras: CAMERAS };
    for (const v of VARIANTS) {
      figures[`${v}_insert_us_per_event`] = round((med(v, 'insertMs') * 1000) / events, 1);
      figures[`${v}_query_ms_per_round`] = round(med(v, 'queryMs'), 1);
      figures[`${v}_open_ms`] = round(med(v, 'openMs'), 1);
      console.log(`${v.padEnd(9)}  insert ${round((med(v, 'insertMs') * 1000) / events, 1)} µs/event   queries ${round(med(v, 'queryMs'), 1)} ms/${queries * 4}   open+reopen ${round(med(v, 'openMs'), 1)} ms`);
    }
    const ratio = (v: Variant, k: keyof Round): number => round(med(v, k) / med('plain', k), 2);
    figures.sqlcipher_vs_plain_insert = ratio('sqlcipher', 'insertMs');
    figures.sqlcipher_vs_plain_query = ratio('sqlcipher', 'queryMs');
    figures.chacha20_vs_plain_insert = ratio('chacha20', 'insertMs');
    figures.chacha20_vs_plain_query = ratio('chacha20', 'queryMs');
    figures.fork_vs_plain_insert = ratio('fork', 'insertMs');
    figures.fork_vs_plain_query = ratio('fork', 'queryMs');
    const m = migration(dir, 100_000);
    figures.migrate_100k_events_ms = round(m.ms, 0);
    figures.migrate_db_mb = round(m.mb, 1);
    console.log(`encrypting an existing plain database of 100,000 events (${round(m.mb, 1)} MB): ${round(m.ms, 0)} ms`);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
