// bench/export: stream-copy and exact-cut export speed through ExportManager on ≥ 5 minutes of 720p segments (target ≥ 100× real time).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventRepository } from '../../main/core/events/repository.js';
import { encodeSegments, indexSegments } from '../../main/core/export/fixtures.js';
import { ExportManager } from '../../main/core/export/manager.js';
import { locateFfmpeg } from '../../main/core/ffmpeg/locate.js';
import { SegmentIndex } from '../../main/core/recordings/index.js';
import { MediaStore } from '../../main/core/media/index.js';
import { Database } from '../../main/core/storage/database.js';
import { sql } from '../../main/core/storage/sql.js';
import { round } from '../_lib/stats.js';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const SEG_S = 10;

/** args[0]: minutes of recording (default 5); args[1]: runs (default 3, the median is reported). */
export default async function run(args: string[]): Promise<Record<string, unknown>> {
  const minutes = Math.max(5, Number(args[0] ?? 5));
  const runs = Math.max(1, Number(args[1] ?? 3));
  const seconds = minutes * 60;
  const bins = locateFfmpeg();
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-bench-export-'));
  const db = Database.open(join(dir, 'porchlight.db'));
  let manager: ExportManager | undefined;
  try {
    // a 720p camera's main stream: 15 fps, up to 4 Mbit/s (grain keeps it near that), keyframe every second, 10 s segments
    const b0 = performance.now();
    const files = await encodeSegments(bins.ffmpeg, join(dir, 'source'), { seconds, width: 1280, height: 720, fps: 15, segmentS: SEG_S, bitrate: '4M', grain: true });
    const buildS = (performance.now() - b0) / 1000;
    const media = new MediaStore(dir);
    const segments = new SegmentIndex(db, media);
    db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES ('bench', 'bench', 0, 0)`);
    indexSegments(media, segments, 'bench', files, T0, SEG_S * 1000);
    manager = new ExportManager({ db, media, segments, events: new EventRepository(db), ffmpeg: bins });
    await manager.start();

    const actor = { name: 'bench', origin: 'bench' };
    /** Median seconds of `runs` exports of [start, end), each verified and deleted after. */
    const timeExports = async (start: number, end: number, exact: boolean): Promise<{ times: number[]; median: number; bytes: number; verified: boolean }> => {
      const times: number[] = [];
      let bytes = 0;
      let verified = true;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const job = await manager!.wait(manager!.create({ cameras: ['bench'], start, end, exact }, actor).id);
        times.push((performance.now() - t0) / 1000);
        if (job.status !== 'done') throw new Error(`export ${job.status}: ${job.error ?? ''}`);
        bytes = job.bytes ?? 0;
        verified &&= (await manager!.verify(job.id)).ok;
        await manager!.delete(job.id);
      }
      const sorted = [...times].sort((a, b) => a - b);
      return { times: sorted, median: sorted[Math.floor(sorted.length / 2)] ?? 0, bytes, verified };
    };

    const copy = await timeExports(T0, T0 + seconds * 1000, false);
    // exact: half a second in from each end, so both edges are re-encoded (1 s GOPs: about 0.5 s each)
    const exactS = seconds - 1;
    const exact = await timeExports(T0 + 500, T0 + (seconds - 0.5) * 1000, true);
    const speed = seconds / copy.median;
    const exactSpeed = exactS / exact.median;
    console.log(`source: ${files.length} segments, ${seconds} s of 1280x720 @ 15 fps, built in ${round(buildS, 1)} s`);
    console.log(`stream-copy export (concat, faststart, sha256, ffprobe, manifest): ${copy.times.map((t) => round(t, 3)).join(' / ')} s → ${round(speed, 1)}× real time`);
    console.log(`exact-cut export (edges re-encoded, the rest copied): ${exact.times.map((t) => round(t, 3)).join(' / ')} s → ${round(exactSpeed, 1)}× real time`);
    return {
      segments: files.length,
      recorded_s: seconds,
      runs,
      seconds: round(copy.median, 3),
      bytes: copy.bytes,
      mb_per_s: round(copy.bytes / 1e6 / copy.median, 1),
      speed_x_realtime: round(speed, 1),
      exact_seconds: round(exact.median, 3),
      exact_x_realtime: round(exactSpeed, 1),
      verified: copy.verified && exact.verified,
      target_x_realtime: 100,
      pass: speed >= 100,
    };
  } finally {
    await manager?.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
