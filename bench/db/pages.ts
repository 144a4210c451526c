// bench/db pages: the events page query on 1,000,000 events across 16 cameras (a real, encrypted SQLite file).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventRepository } from '../../main/core/events/repository.js';
import { Database } from '../../main/core/storage/database.js';
import { sql } from '../../main/core/storage/sql.js';
import { round, summarize } from '../_lib/stats.js';

const LABELS = ['person', 'person', 'person', 'person', 'car', 'car', 'truck', 'dog', 'cat', 'bird', 'bicycle', 'bus'];
const DAY = 86_400_000;

/** A deterministic generator so every run builds the same database. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function pages(args: string[]): Promise<Record<string, unknown>> {
  const total = Number(args[0] ?? 1_000_000);
  const cameras = 16;
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-bench-db-'));
  try {
    // `plain` after the count: the same without a key, for a comparison
    const db = Database.open(join(dir, 'porchlight.db'), args[1] === 'plain' ? {} : { key: randomBytes(32) });
    const now = Date.now();
    const span = 90 * DAY;
    const rand = rng(42);
    const t0 = performance.now();
    db.transaction(() => {
      for (let c = 0; c < cameras; c++) {
        db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES (${`cam-${c}`}, ${`Camera ${c}`}, ${now}, ${now})`);
      }
      const insert = db.raw.prepare(
        'INSERT INTO events (id, camera_id, label, start, end, top_score, box, zones, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (let i = 0; i < total; i++) {
        const start = Math.floor(now - span + rand() * span);
        insert.run(
          `ev-${i.toString(36).padStart(6, '0')}`,
          `cam-${Math.floor(rand() * cameras)}`,
          LABELS[Math.floor(rand() * LABELS.length)],
          start,
          start + 5000 + Math.floor(rand() * 60_000),
          0.5 + rand() * 0.5,
          '[0.1,0.2,0.3,0.4]',
          rand() < 0.3 ? '["driveway"]' : '[]',
          `snapshots/${i}.jpg`,
        );
      }
    });
    const loadMs = performance.now() - t0;
    db.raw.pragma('optimize');

    const repo = new EventRepository(db);
    const samples: number[] = [];
    let rows = 0;
    const runs = 1000;
    for (let i = 0; i < runs + 50; i++) {
      const camera = `cam-${Math.floor(rand() * cameras)}`;
      const label = LABELS[Math.floor(rand() * LABELS.length)] ?? 'person';
      const windowDays = 1 + Math.floor(rand() * 14);
      const before = Math.floor(now - rand() * (span - windowDays * DAY));
      const q0 = performance.now();
      const page = repo.query({ cameras: [camera], labels: [label], after: before - windowDays * DAY, before, limit: 50 });
      const ms = performance.now() - q0;
      if (i >= 50) {
        samples.push(ms);
        rows += page.items.length;
      }
    }
    // the second page through the cursor, and a broader multi-camera, multi-label page
    const first = repo.query({ cameras: ['cam-1'], labels: ['person'], limit: 50 });
    const c0 = performance.now();
    repo.query({ cameras: ['cam-1'], labels: ['person'], limit: 50, cursor: first.nextCursor ?? undefined });
    const cursorMs = performance.now() - c0;
    const broad: number[] = [];
    for (let i = 0; i < 100; i++) {
      const b0 = performance.now();
      repo.query({ cameras: ['cam-1', 'cam-2', 'cam-3', 'cam-4'], labels: ['person', 'car', 'dog'], after: now - 7 * DAY, before: now, limit: 50 });
      broad.push(performance.now() - b0);
    }
    const plan = db.raw
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM events WHERE camera_id IN (?) AND label IN (?) AND start >= ? AND start < ? ORDER BY start DESC, id DESC LIMIT 51")
      .all('cam-1', 'person', 0, now) as { detail: string }[];
    db.close();

    const s = summarize(samples);
    const b = summarize(broad);
    console.log(`events: ${total.toLocaleString()} across ${cameras} cameras, loaded in ${round(loadMs / 1000, 1)} s`);
    console.log(`plan: ${plan.map((p) => p.detail).join(' | ')}`);
    console.log(`page query (camera + label + time range, 50 rows, newest first): p50 ${round(s.p50)} ms, p95 ${round(s.p95)} ms over ${runs} runs`);
    console.log(`4 cameras × 3 labels, last 7 days: p50 ${round(b.p50)} ms, p95 ${round(b.p95)} ms`);
    return {
      events: total,
      cameras,
      p50_ms: round(s.p50),
      p95_ms: round(s.p95),
      p99_ms: round(s.p99),
      avg_rows: round(rows / runs, 1),
      cursor_page_ms: round(cursorMs),
      broad_p95_ms: round(b.p95),
      load_s: round(loadMs / 1000, 1),
      encrypted: args[1] !== 'plain',
      target_p95_ms: 5,
      pass: s.p95 <= 5,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
