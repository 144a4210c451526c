// bench/motion-scan: the motion scan's CPU per decoded minute of footage against bare ffmpeg doing the same decode into
// /dev/null, alternated in one run (rounds, medians), so the ratio is what our reading, diffing and merging add.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSegments, indexSegments } from '../../main/core/export/fixtures.js';
import { locateFfmpeg } from '../../main/core/ffmpeg/locate.js';
import { MediaStore } from '../../main/core/media/index.js';
import { MotionActivity } from '../../main/core/motion/activity.js';
import { scanArgs, scanGeometry } from '../../main/core/motion/decode.js';
import { MotionScans } from '../../main/core/motion/scan.js';
import { SegmentIndex } from '../../main/core/recordings/index.js';
import { Database } from '../../main/core/storage/database.js';
import { sql } from '../../main/core/storage/sql.js';
import { round } from '../_lib/stats.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const SEG_S = 10;
// the lower half of the picture, where a porch camera sees people walk
const REGION: Array<[number, number]> = [[0.05, 0.45], [0.95, 0.45], [0.95, 0.95], [0.05, 0.95]];

/** CPU seconds of this process and of its children that have exited (Linux /proc clock ticks for the children). */
function cpuNow(): number {
  const self = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const children = (Number(fields[13]) + Number(fields[14])) / 100;
  return (self.user + self.system) / 1e6 + children;
}

async function measure(fn: () => Promise<void>): Promise<{ cpu: number; wall: number }> {
  const c0 = cpuNow();
  const t0 = performance.now();
  await fn();
  return { cpu: cpuNow() - c0, wall: (performance.now() - t0) / 1000 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** args[0]: minutes of footage (default 2); args[1]: rounds of each (default 3). */
export default async function run(args: string[]): Promise<Record<string, unknown>> {
  const minutes = Math.max(1, Number(args[0] ?? 2));
  const rounds = Math.max(1, Number(args[1] ?? 3));
  const ffmpeg = locateFfmpeg().ffmpeg;
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-bench-motion-'));
  const db = Database.open(join(dir, 'data', 'porchlight.db'));
  const media = new MediaStore(join(dir, 'data'));
  try {
    // a 720p 15 fps camera's recording, with moving grain so the encoder spends its bitrate as a real scene makes it
    const files = await encodeSegments(ffmpeg, join(dir, 'source'), { seconds: minutes * 60, width: 1280, height: 720, fps: 15, segmentS: SEG_S, bitrate: '2M', grain: true, audio: false });
    db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES ('porch', 'porch', 0, 0)`);
    const segments = new SegmentIndex(db, media);
    indexSegments(media, segments, 'porch', files, T0, SEG_S * 1000);
    const end = T0 + files.length * SEG_S * 1000;
    const scans = new MotionScans({ segments, media, activity: new MotionActivity(db), ffmpeg: () => ffmpeg });
    const geometry = scanGeometry(REGION);
    const urls = segments.segments('porch', T0, end).map((s) => s.url);

    // the same decode, argument for argument, into /dev/null: ffmpeg's own cost, one segment after the other
    const bare = async (): Promise<void> => {
      for (const url of urls) {
        const input = media.ffmpegInput('recordings', url)!;
        // -y: /dev/null exists, and ffmpeg asks before writing over a file
        const a = ['-y', ...scanArgs(input, geometry)];
        a[a.length - 1] = '/dev/null';
        await new Promise<void>((resolve, reject) => {
          const p = spawn(ffmpeg, a, { stdio: 'ignore', env: { ...process.env, ...input.env } });
          p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exit ${code}`))));
        });
      }
    };
    let moments = 0;
    const ours = async (): Promise<void> => {
      const s = scans.start('bench', { cameraId: 'porch', region: REGION, after: T0, before: end, confirm: true });
      const done = await scans.wait(s.id);
      if (done?.state !== 'done' || done.decoded !== urls.length) throw new Error(`the scan ended ${done?.state} with ${done?.decoded} of ${urls.length} decoded`);
      moments = done.moments.length;
    };
    const bareRuns: Array<{ cpu: number; wall: number }> = [];
    const ourRuns: Array<{ cpu: number; wall: number }> = [];
    for (let r = 0; r < rounds; r++) {
      // alternate the order so neither always runs on a warmer cache
      if (r % 2 === 0) {
        bareRuns.push(await measure(bare));
        ourRuns.push(await measure(ours));
      } else {
        ourRuns.push(await measure(ours));
        bareRuns.push(await measure(bare));
      }
    }
    const bareCpu = median(bareRuns.map((x) => x.cpu)) / minutes;
    const ourCpu = median(ourRuns.map((x) => x.cpu)) / minutes;
    return {
      minutes,
      rounds,
      segments: urls.length,
      source: '1280x720 15 fps 2 Mbit/s H.264, 10 s segments',
      decode: `${geometry.width}x${geometry.height} gray at 2 fps`,
      moments,
      bare_cpu_s_per_minute: round(bareCpu, 3),
      scan_cpu_s_per_minute: round(ourCpu, 3),
      ratio: round(ourCpu / bareCpu, 3),
      bare_wall_s_per_minute: round(median(bareRuns.map((x) => x.wall)) / minutes, 3),
      scan_wall_s_per_minute: round(median(ourRuns.map((x) => x.wall)) / minutes, 3),
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
