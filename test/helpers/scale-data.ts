// A big, realistic data directory for scale tests, written with the engine's own storage code: cameras, events, a recorded busy day.
import { linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CameraRepository } from '../../main/core/cameras/repository.js';
import { EventRepository } from '../../main/core/events/repository.js';
import { SegmentIndex } from '../../main/core/recordings/index.js';
import { MediaStore } from '../../main/core/media/index.js';
import { sql } from '../../main/core/storage/sql.js';
import { keyFileSource, Vault } from '../../main/core/vault/index.js';
import { openEngineDatabase } from './engine-db.js';
import { prng } from './prng.js';

const DAY = 86_400_000;
const SEGMENT_MS = 10_000;

export interface ScaleOptions {
  cameras?: number;
  events?: number;
  /** Days of history, ending with the busy day (yesterday) and today so far. */
  days?: number;
  /** Events on the busy day, across all cameras. */
  busyEvents?: number;
  /** The newest events that get a (shared) snapshot file; older ones have none. */
  withSnapshots?: number;
  /** A small JPEG used for every snapshot and thumbnail (hard-linked, so each event has its own URL). */
  jpeg?: Buffer;
  now?: number;
}

export interface ScaleSeed {
  cameraIds: string[];
  events: number;
  busyDay: { date: string; start: number; end: number; events: number; segments: number };
  newestEventStart: number;
  seedMs: number;
}

const LABELS: [string, number][] = [
  ['person', 0.5],
  ['car', 0.25],
  ['truck', 0.05],
  ['bicycle', 0.05],
  ['dog', 0.06],
  ['cat', 0.05],
  ['bird', 0.04],
];

function pickLabel(r: number): string {
  let acc = 0;
  for (const [label, p] of LABELS) {
    acc += p;
    if (r < acc) return label;
  }
  return 'person';
}

function localMidnight(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function localDate(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Writes the database (and a few snapshot files) under dataDir; the server is started on it afterwards. */
export function seedScaleData(dataDir: string, opts: ScaleOptions = {}): ScaleSeed {
  const t0 = performance.now();
  const nCameras = opts.cameras ?? 16;
  const nEvents = opts.events ?? 100_000;
  const days = opts.days ?? 21;
  const busyEvents = opts.busyEvents ?? 12_000;
  const now = opts.now ?? Date.now();
  const rand = prng(7);
  const today = localMidnight(now);
  const busyStart = localMidnight(today - DAY / 2);
  const busyEnd = today;
  const historyStart = localMidnight(busyStart - (days - 2) * DAY + DAY / 2);

  const db = openEngineDatabase(dataDir);
  const media = new MediaStore(dataDir);
  // the segments below are index rows without files: mark the folder as ours, so it does not read as an unmounted disk
  media.mediaPresent(false);
  const cameras = new CameraRepository(db);
  const events = new EventRepository(db);
  const segments = new SegmentIndex(db, media);

  const cameraIds: string[] = [];
  db.transaction(() => {
    for (let i = 1; i <= nCameras; i++) {
      const id = `cam-${String(i).padStart(2, '0')}`;
      // disabled and unreachable: the engine never tries to pull them, the UI lists them all
      cameras.upsert({ id, name: `Camera ${i}`, enabled: false, recordMode: 'continuous', streams: [{ name: 'main', url: `rtsp://127.0.0.1:9/none-${i}`, roles: ['record', 'detect', 'live'] }] });
      cameraIds.push(id);
    }
  });

  // event start times: the busy day gets busyEvents, the rest spread over the other days up to now
  const starts: number[] = [];
  for (let i = 0; i < busyEvents; i++) starts.push(busyStart + Math.floor(rand() * (busyEnd - busyStart)));
  const quietSpan = busyStart - historyStart + (now - 60_000 - today);
  for (let i = busyEvents; i < nEvents; i++) {
    const t = Math.floor(rand() * quietSpan);
    starts.push(t < busyStart - historyStart ? historyStart + t : today + (t - (busyStart - historyStart)));
  }
  starts.sort((a, b) => a - b);

  const snapshotFrom = Math.max(0, starts.length - (opts.withSnapshots ?? 0));
  let shared: { full: string; thumb: string } | undefined;
  if (opts.jpeg && snapshotFrom < starts.length) {
    const dir = join(dataDir, 'snapshots', '.shared');
    mkdirSync(dir, { recursive: true });
    shared = { full: join(dir, 'shared.jpg'), thumb: join(dir, 'shared.thumb.jpg') };
    writeFileSync(shared.full, opts.jpeg);
    writeFileSync(shared.thumb, opts.jpeg);
    for (const id of cameraIds) mkdirSync(join(dataDir, 'snapshots', id), { recursive: true });
  }

  db.transaction(() => {
    starts.forEach((start, i) => {
      const cameraId = cameraIds[Math.floor(rand() * nCameras)]!;
      const id = `${cameraId}-${start.toString(36)}-${i.toString(36)}`;
      const long = rand() < 0.02;
      const duration = long ? 300_000 + Math.floor(rand() * 1_500_000) : 4_000 + Math.floor(rand() * 90_000);
      const x = rand() * 0.7;
      const y = rand() * 0.6;
      let snapshot: string | null = null;
      if (shared && i >= snapshotFrom) {
        snapshot = `${cameraId}/${id}.jpg`;
        linkSync(shared.full, join(dataDir, 'snapshots', snapshot));
        linkSync(shared.thumb, join(dataDir, 'snapshots', `${cameraId}/${id}.thumb.jpg`));
      }
      events.upsert({
        id,
        cameraId,
        label: pickLabel(rand()),
        start,
        end: Math.min(start + duration, now - 1000),
        topScore: 0.5 + rand() * 0.49,
        box: [x, y, x + 0.1 + rand() * 0.2, y + 0.2 + rand() * 0.2],
        zones: rand() < 0.3 ? ['driveway'] : [],
        snapshot,
      });
    });
  });

  // the busy day is recorded in 10 s segments on every camera, with an outage or two each
  let nSegments = 0;
  db.transaction(() => {
    for (const cameraId of cameraIds) {
      const outages = Array.from({ length: 1 + Math.floor(rand() * 2) }, () => {
        const s = busyStart + Math.floor(rand() * (DAY - 3600_000));
        return { start: s, end: s + 300_000 + Math.floor(rand() * 1_500_000) };
      });
      for (let s = busyStart; s < busyEnd; s += SEGMENT_MS) {
        if (outages.some((o) => s >= o.start && s < o.end)) continue;
        const d = new Date(s);
        const path = `${cameraId}/${d.toISOString().slice(0, 10)}/${d.toISOString().slice(11, 19).replaceAll(':', '-')}.mp4`;
        segments.add({ cameraId, path, start: s, end: s + SEGMENT_MS, durationMs: SEGMENT_MS, bytes: 400_000 });
        nSegments++;
      }
    }
  });
  db.close();

  return {
    cameraIds,
    events: starts.length,
    busyDay: { date: localDate(busyStart), start: busyStart, end: busyEnd, events: busyEvents, segments: nSegments },
    newestEventStart: starts.at(-1) ?? 0,
    seedMs: Math.round(performance.now() - t0),
  };
}

/**
 * Gives the newest `count` events without a snapshot one, written through the media store as the engine writes them:
 * encrypted when the data directory's vault is on (with its own key file, as `porchlight serve` keeps it by default).
 * Run it on a data directory the server made and is not running on.
 */
export async function seedSnapshots(dataDir: string, jpeg: Buffer, count: number): Promise<number> {
  const db = openEngineDatabase(dataDir);
  try {
    const vault = new Vault(db, { encryption: 'off', source: keyFileSource(join(dataDir, 'vault.key')) });
    const status = await vault.open();
    if (status.state === 'locked') throw new Error(status.message ?? 'the vault is locked');
    const media = new MediaStore(dataDir, { vault });
    const rows = db.all<{ id: string; camera_id: string }>(sql`SELECT id, camera_id FROM events WHERE snapshot IS NULL ORDER BY start DESC LIMIT ${count}`);
    for (const r of rows) {
      const rel = `${r.camera_id}/${r.id}.jpg`;
      const bytes = await media.writeSnapshot(rel, jpeg, jpeg);
      db.run(sql`UPDATE events SET snapshot = ${rel}, snapshot_bytes = ${bytes} WHERE id = ${r.id}`);
    }
    return rows.length;
  } finally {
    db.close();
  }
}
