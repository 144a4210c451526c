// bench/vault: CPU of recording 8 cameras and of a 5-minute export with encryption at rest on vs off, in one run.
//
// Recording: each camera's ffmpeg cost (a -c copy segmenter over the same 720p clip, measured here) plus what the media
// store does with every closed segment: a rename when plain, an AES-256-GCM pass when encrypted. Export: ExportManager
// over the same segments stored plain and stored encrypted (ffmpeg reads them through the store's loopback reader).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { EventRepository } from '../../main/core/events/repository.js';
import { encodeSegments, indexSegments } from '../../main/core/export/fixtures.js';
import { ExportManager } from '../../main/core/export/manager.js';
import { locateFfmpeg } from '../../main/core/ffmpeg/locate.js';
import { MediaStore } from '../../main/core/media/index.js';
import { SegmentIndex } from '../../main/core/recordings/index.js';
import { Database } from '../../main/core/storage/database.js';
import { sql } from '../../main/core/storage/sql.js';
import { keyFileSource, Vault } from '../../main/core/vault/index.js';
import { round } from '../_lib/stats.js';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const SEG_S = 10;
const CAMERAS = 8;

/** CPU seconds of this process and of its children that have exited (Linux /proc clock ticks for the children). */
function cpuNow(): number {
  const self = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const children = (Number(fields[13]) + Number(fields[14])) / 100;
  return (self.user + self.system) / 1e6 + children;
}

async function cpuOf(fn: () => Promise<void>): Promise<number> {
  const c0 = cpuNow();
  await fn();
  return cpuNow() - c0;
}

function ffmpegSegmenter(ffmpeg: string, input: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  return new Promise((resolve, reject) => {
    const p = spawn(ffmpeg, ['-v', 'error', '-i', input, '-map', '0:v:0', '-c', 'copy', '-f', 'segment', '-segment_time', String(SEG_S), '-segment_format', 'mp4', '-reset_timestamps', '1', join(dir, '%04d.mp4')], { stdio: 'ignore' });
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exit ${code}`))));
  });
}

async function store(dir: string, encrypted: boolean): Promise<{ db: Database; media: MediaStore; segments: SegmentIndex }> {
  mkdirSync(dir, { recursive: true });
  const db = Database.open(join(dir, 'porchlight.db'));
  const vault = new Vault(db, { encryption: encrypted ? 'on' : 'off', source: keyFileSource(join(dir, '..', `${encrypted ? 'enc' : 'plain'}.key`)) });
  await vault.open();
  const media = new MediaStore(dir, { vault, stagingDir: join(dir, '..', `${encrypted ? 'enc' : 'plain'}-staging`) });
  await media.start();
  for (let i = 0; i < CAMERAS; i++) db.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES (${`cam${i}`}, ${`cam${i}`}, 0, 0)`);
  return { db, media, segments: new SegmentIndex(db, media) };
}

/** args[0]: minutes of footage per camera and of the export (default 5; `npm run bench -- vault 1` is the short mode). */
export default async function run(args: string[]): Promise<Record<string, unknown>> {
  const minutes = Math.max(1, Number(args[0] ?? 5));
  const seconds = minutes * 60;
  const bins = locateFfmpeg();
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-bench-vault-'));
  const opened: { db: Database; media: MediaStore }[] = [];
  try {
    const files = await encodeSegments(bins.ffmpeg, join(dir, 'source'), { seconds, width: 1280, height: 720, fps: 15, segmentS: SEG_S, bitrate: '4M', grain: true, audio: false });
    const clip = join(dir, 'clip.mp4');
    await new Promise<void>((resolve, reject) => {
      const list = join(dir, 'list.txt');
      writeFileSync(list, files.map((f) => `file '${f}'`).join('\n'));
      const p = spawn(bins.ffmpeg, ['-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', clip], { stdio: ['ignore', 'ignore', 'inherit'] });
      p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exit ${code}`))));
    });
    // one camera's ffmpeg: the copy segmenter over the clip (what ingest does for recording, without the network)
    const ffmpegCpu = await cpuOf(() => ffmpegSegmenter(bins.ffmpeg, clip, join(dir, 'seg-probe')));

    const plain = await store(join(dir, 'plain'), false);
    const enc = await store(join(dir, 'enc'), true);
    opened.push(plain, enc);
    // the store's side: every camera's every closed segment handed over (the copy into staging stands for ffmpeg's write)
    const handOver = async (s: MediaStore): Promise<number> => {
      let cpu = 0;
      for (let c = 0; c < CAMERAS; c++) {
        const sink = s.segmentSink(`cam${c}`);
        sink.prepare(T0);
        for (const [i, f] of files.entries()) {
          const start = T0 + i * SEG_S * 1000;
          const iso = new Date(start).toISOString();
          const name = `${iso.slice(11, 19).replaceAll(':', '-')}.mp4`;
          copyFileSync(f, join(sink.dir, iso.slice(0, 10), name));
          cpu += await cpuOf(async () => void (await sink.finish(name, start)));
        }
      }
      return cpu;
    };
    const storePlain = await handOver(plain.media);
    const storeEnc = await handOver(enc.media);
    const recPlain = CAMERAS * ffmpegCpu + storePlain;
    const recEnc = CAMERAS * ffmpegCpu + storeEnc;

    // the export: the same minutes of cam0, stored plain and stored encrypted
    const exportCpu = async (s: { db: Database; media: MediaStore; segments: SegmentIndex }, encrypted: boolean): Promise<number> => {
      if (!encrypted) indexSegments(s.media, s.segments, 'cam0', files, T0, SEG_S * 1000);
      else {
        // the encrypted store already holds cam0's segments from the hand-over: index them
        for (const [i] of files.entries()) {
          const start = T0 + i * SEG_S * 1000;
          const iso = new Date(start).toISOString();
          const rel = `cam0/${iso.slice(0, 10)}/${iso.slice(11, 19).replaceAll(':', '-')}.mp4`;
          s.segments.add({ cameraId: 'cam0', path: rel, start, end: start + SEG_S * 1000, durationMs: SEG_S * 1000, bytes: s.media.storedSize('recordings', rel) });
        }
      }
      const manager = new ExportManager({ db: s.db, media: s.media, segments: s.segments, events: new EventRepository(s.db), ffmpeg: bins });
      await manager.start();
      let cpu: number;
      try {
        cpu = await cpuOf(async () => {
          const job = await manager.wait(manager.create({ cameras: ['cam0'], start: T0, end: T0 + seconds * 1000 }, { name: 'bench', origin: 'bench' }).id);
          if (job.status !== 'done') throw new Error(`export ${job.status}: ${job.error ?? ''}`);
        });
      } finally {
        await manager.stop();
      }
      return cpu;
    };
    // the plain store's hand-over moved cam0's files in too: a fresh plain store for its export
    const plainExport = await store(join(dir, 'plain-export'), false);
    opened.push(plainExport);
    const exportPlain = await exportCpu(plainExport, false);
    const exportEnc = await exportCpu(enc, true);

    console.log(`footage: ${files.length} segments of 10 s per camera (${seconds} s of 1280x720 @ 15 fps, 4 Mbit/s), ${CAMERAS} cameras`);
    console.log(`recording CPU: ffmpeg ${round(ffmpegCpu, 3)} s per camera; store hand-over plain ${round(storePlain, 3)} s, encrypted ${round(storeEnc, 3)} s for all cameras`);
    console.log(`export of ${seconds} s: CPU plain ${round(exportPlain, 3)} s, encrypted ${round(exportEnc, 3)} s`);
    return {
      minutes,
      cameras: CAMERAS,
      recording_cpu_s_plain: round(recPlain, 3),
      recording_cpu_s_encrypted: round(recEnc, 3),
      recording_ratio: round(recEnc / recPlain, 3),
      export_cpu_s_plain: round(exportPlain, 3),
      export_cpu_s_encrypted: round(exportEnc, 3),
      export_ratio: round(exportEnc / exportPlain, 3),
      target_recording_ratio: 1.1,
      pass: recEnc / recPlain <= 1.1,
    };
  } finally {
    for (const o of opened) {
      await o.media.stop();
      o.db.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
