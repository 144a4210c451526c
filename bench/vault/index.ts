// bench/vault: what encryption at rest costs, measured in one run with the media store plain and encrypted.
//
// 1. Recording: 8 cameras from the real gst-rtsp-server test camera (a pre-encoded 720p15 clip relayed, no encoding on
//    the server side) recorded by the whole engine for a fixed window; CPU = user+sys of this process (the engine runs
//    in it) and of its ffmpeg/ffprobe children, from /proc. Plain and encrypted alternate, two windows each.
// 2. Export: a 5-minute export of one camera through the engine's ExportManager, footage stored plain vs encrypted
//    (encrypted: ffmpeg reads through the tap and writes into the pipe the export area encrypts). CPU and wall.
// 3. Seek: a Range read of a stored segment at a random offset (time to first byte), and a playback started at a random
//    time (time to the first byte and to the first whole fragment, i.e. the first decodable frame), plain vs encrypted.
// 4. The cipher path alone: encrypting a closed file and decrypting it as a stream, MB/s of CPU.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Readable } from 'node:stream';
import { ADMIN } from '../../test/helpers/engine.js';
import { startRtspCamera, type RtspCamera } from '../../test/fixtures/rtsp-camera.js';
import { startEngine, type Engine } from '../../main/core/app.js';
import { encodeSegments, indexSegments } from '../../main/core/export/fixtures.js';
import { locateFfmpeg } from '../../main/core/ffmpeg/locate.js';
import { encryptFile, openDecrypted } from '../../main/core/media/encrypted-files.js';
import { openPlayback } from '../../main/core/recordings/recorded-media.js';
import { sql } from '../../main/core/storage/sql.js';
import { keyFileSource } from '../../main/core/vault/index.js';
import { childrenNamed, CpuSampler, numberArg, wait, waitUntil } from '../_lib/proc.js';
import { round, summarize } from '../_lib/stats.js';

const median = (v: readonly number[]): number => summarize(v).p50;

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const SEG_S = 10;

type Mode = 'plain' | 'encrypted';

/** CPU seconds of this process's children that have exited and been waited for (cutime + cstime). */
function exitedChildrenCpu(): number {
  const rest = readFileSync('/proc/self/stat', 'latin1');
  const f = rest.slice(rest.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

const selfCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function engineFor(dir: string, mode: Mode, startCameras: boolean): Promise<Engine> {
  mkdirSync(dir, { recursive: true });
  return startEngine({
    dataDir: join(dir, 'data'),
    host: 'server',
    startCameras,
    repairMinAgeMs: 0,
    vault: { encryption: mode === 'encrypted' ? 'on' : 'off', source: keyFileSource(join(dir, 'vault.key')) },
  });
}

/** One recording window: 8 cameras on a fresh engine, warmed up, then `seconds` of CPU counted. */
async function recordWindow(root: string, mode: Mode, cam: RtspCamera, cameras: number, seconds: number, warmupS: number): Promise<{ cpu: number; wall: number; segments: number }> {
  const engine = await engineFor(join(root, `${mode}-${randomBytes(3).toString('hex')}`), mode, true);
  try {
    for (let i = 0; i < cameras; i++) {
      const res = await engine.router.dispatch(ADMIN, 'cameras.upsert', { id: `cam${i}`, name: `Camera ${i}`, streams: [{ name: 'main', url: cam.url('/rec'), roles: ['record'] }], detect: { enabled: false }, recordMode: 'continuous' });
      if (!res.ok) throw new Error(res.error.message);
    }
    const online = await waitUntil(() => engine.runtime.health().cameras().filter((c) => c.fpsIn > 0).length === cameras, 60_000);
    if (!online) throw new Error(`${mode}: not every camera came online`);
    await wait(warmupS * 1000);
    const count = (): number => engine.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM segments`)?.n ?? 0;
    const seg0 = count();
    const sampler = new CpuSampler(() => childrenNamed('ffmpeg', 'ffprobe'));
    const s0 = selfCpu();
    const c0 = exitedChildrenCpu();
    const t0 = performance.now();
    await sampler.runFor(seconds * 1000);
    const wall = (performance.now() - t0) / 1000;
    const cpu = selfCpu() - s0 + sampler.cpuSeconds + (exitedChildrenCpu() - c0);
    return { cpu, wall, segments: count() - seg0 };
  } finally {
    await engine.stop();
  }
}

/** Stores the footage into an engine's media store as recording does (staging, then adopted: encrypted when on). */
async function storeFootage(engine: Engine, files: string[], cameraId: string): Promise<void> {
  if (!engine.media.encrypted) {
    indexSegments(engine.media, engine.segments, cameraId, files, T0, SEG_S * 1000);
    return;
  }
  const sink = engine.media.segmentSink(cameraId);
  sink.prepare(T0);
  for (const [i, f] of files.entries()) {
    const start = T0 + i * SEG_S * 1000;
    const iso = new Date(start).toISOString();
    const name = `${iso.slice(11, 19).replaceAll(':', '-')}.mp4`;
    copyFileSync(f, join(sink.dir, iso.slice(0, 10), name));
    const done = await sink.finish(name, start);
    if (!done) throw new Error('segment not adopted');
    engine.segments.add({ cameraId, path: done.path, start, end: start + SEG_S * 1000, durationMs: SEG_S * 1000, bytes: done.bytes });
  }
}

async function exportOnce(engine: Engine, seconds: number): Promise<{ cpu: number; wall: number; bytes: number }> {
  const s0 = selfCpu();
  const c0 = exitedChildrenCpu();
  const t0 = performance.now();
  const res = await engine.router.dispatch(ADMIN, 'exports.create', { cameras: ['cam0'], start: T0, end: T0 + seconds * 1000 });
  if (!res.ok) throw new Error(res.error.message);
  const job = await engine.exports.wait((res.value as { id: string }).id);
  if (job.status !== 'done') throw new Error(`export ${job.status}: ${job.error ?? ''}`);
  const wall = (performance.now() - t0) / 1000;
  const cpu = selfCpu() - s0 + (exitedChildrenCpu() - c0);
  const verified = await engine.exports.verify(job.id);
  if (!verified.ok) throw new Error(`export does not verify: ${verified.problem}`);
  await engine.exports.delete(job.id);
  return { cpu, wall, bytes: job.bytes ?? 0 };
}

/** Time to the first byte of a stream, and to the end of its first `mdat` box (the first fragment: a decodable frame). */
async function firstBytes(stream: Readable, t0: number, wantFragment: boolean): Promise<{ ttfb: number; frame: number }> {
  let ttfb = -1;
  let buf = Buffer.alloc(0);
  let frame = -1;
  for await (const c of stream) {
    if (ttfb < 0) ttfb = performance.now() - t0;
    if (!wantFragment) break;
    buf = Buffer.concat([buf, c as Buffer]);
    // walk the top-level boxes: done once an mdat is whole
    let at = 0;
    while (at + 8 <= buf.length) {
      const size = buf.readUInt32BE(at);
      const type = buf.toString('latin1', at + 4, at + 8);
      if (size < 8) break;
      if (type === 'mdat' && at + size <= buf.length) {
        frame = performance.now() - t0;
        break;
      }
      at += size;
    }
    if (frame >= 0) break;
  }
  stream.destroy();
  return { ttfb, frame };
}

/** Seek latencies, plain and encrypted alternating: Range reads of stored segments, and playbacks from random times. */
async function seeks(engines: Record<Mode, Engine>, seconds: number, rounds: number): Promise<Record<string, number>> {
  const out: Record<string, number[]> = { range_plain: [], range_enc: [], play_ttfb_plain: [], play_ttfb_enc: [], play_frame_plain: [], play_frame_enc: [] };
  const segs = Math.floor(seconds / SEG_S);
  for (let r = 0; r < rounds; r++) {
    const seg = Math.floor(Math.random() * segs);
    const at = T0 + seg * SEG_S * 1000 + Math.floor(Math.random() * (SEG_S - 1) * 1000);
    const modes: Mode[] = r % 2 ? ['encrypted', 'plain'] : ['plain', 'encrypted'];
    for (const mode of modes) {
      const e = engines[mode];
      const tag = mode === 'plain' ? 'plain' : 'enc';
      const rel = e.segments.segments('cam0', at, at + 1)[0]!.url;
      const size = e.media.size('recordings', rel);
      const from = Math.floor(Math.random() * (size - 70_000));
      let t0 = performance.now();
      const range = e.media.openRead('recordings', rel, { start: from, end: Math.min(size - 1, from + 65_535) })!;
      out[`range_${tag}`]!.push((await firstBytes(range, t0, false)).ttfb);
      t0 = performance.now();
      const play = await openPlayback(e, 'cam0', { start: String(at), end: String(at + 20_000) });
      if (!play.ok) throw new Error(play.message);
      const f = await firstBytes(play.play.stream, t0, true);
      play.play.stop();
      // the next measurement starts once this playback's ffmpeg (and the tap serving it) are gone
      await waitUntil(() => childrenNamed('ffmpeg', 'ffprobe').length === 0, 5000);
      out[`play_ttfb_${tag}`]!.push(f.ttfb);
      out[`play_frame_${tag}`]!.push(f.frame);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, round(median(v), 2)]));
}

/** The cipher path alone on one file: encrypt a closed file, decrypt it as a stream; MB of plaintext per CPU second. */
async function cipherSpeed(dir: string, mb: number): Promise<{ encrypt: number; decrypt: number }> {
  const src = join(dir, 'cipher.bin');
  const dst = join(dir, 'cipher.vault');
  writeFileSync(src, randomBytes(mb << 20));
  const k = { id: randomBytes(16), key: randomBytes(32) };
  const enc: number[] = [];
  const dec: number[] = [];
  for (let r = 0; r < 3; r++) {
    let c0 = selfCpu();
    await encryptFile(src, dst, k);
    enc.push((mb * 1.048576) / (selfCpu() - c0));
    c0 = selfCpu();
    for await (const c of openDecrypted(dst, () => k.key)) void c;
    dec.push((mb * 1.048576) / (selfCpu() - c0));
    rmSync(dst);
  }
  rmSync(src);
  return { encrypt: round(median(enc), 0), decrypt: round(median(dec), 0) };
}

/** `npm run bench -- vault [--minutes 5] [--record 40] [--rounds 2] [--cameras 8] [--seeks 40]`. */
export default async function run(args: string[]): Promise<Record<string, unknown>> {
  const minutes = numberArg(args, 'minutes', 5);
  const recordS = numberArg(args, 'record', 40);
  const rounds = numberArg(args, 'rounds', 2);
  const cameras = numberArg(args, 'cameras', 8);
  const seekRounds = numberArg(args, 'seeks', 40);
  const seconds = minutes * 60;
  const bins = locateFfmpeg();
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-bench-vault-'));
  const load0 = loadavg()[0]!;
  let cam: RtspCamera | undefined;
  const engines: Partial<Record<Mode, Engine>> = {};
  try {
    const cipher = await cipherSpeed(dir, 64);
    console.log(`cipher path: encrypt ${cipher.encrypt} MB/s, decrypt ${cipher.decrypt} MB/s of one core`);

    // a camera's stream: 720p15 H.264 at about 4 Mbit/s with a 1 s GOP, pre-encoded so the server only relays it
    const clip = join(dir, 'rec.mp4');
    const enc = spawnSync(bins.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=15', '-t', '30', '-vf', 'noise=alls=12:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '15', '-bf', '0', '-b:v', '4M', '-maxrate', '4M', '-bufsize', '4M', '-pix_fmt', 'yuv420p', '-an', '-y', clip]);
    if (enc.status !== 0) throw new Error(`clip encode failed: ${enc.stderr.toString().slice(-300)}`);
    cam = await startRtspCamera({ clips: { rec: clip }, vtest: false, hevc: false });
    const rec: Record<Mode, { cpu: number; wall: number; segments: number }[]> = { plain: [], encrypted: [] };
    for (let r = 0; r < rounds; r++) {
      for (const mode of (r % 2 ? ['encrypted', 'plain'] : ['plain', 'encrypted']) as Mode[]) {
        const w = await recordWindow(dir, mode, cam, cameras, recordS, 12);
        rec[mode].push(w);
        console.log(`recording ${cameras} cameras, ${mode}: ${round(w.cpu, 2)} s CPU in ${round(w.wall, 1)} s (${round((w.cpu / w.wall) * 100, 1)} % of a core), ${w.segments} segments closed`);
      }
    }
    await cam.stop();
    cam = undefined;
    const recPlain = median(rec.plain.map((w) => w.cpu / w.wall));
    const recEnc = median(rec.encrypted.map((w) => w.cpu / w.wall));

    // the export and the seeks: the same footage stored plain and encrypted, one engine each
    const files = await encodeSegments(bins.ffmpeg, join(dir, 'source'), { seconds, width: 1280, height: 720, fps: 15, segmentS: SEG_S, bitrate: '4M', grain: true, audio: false });
    for (const mode of ['plain', 'encrypted'] as Mode[]) {
      const e = await engineFor(join(dir, `store-${mode}`), mode, false);
      engines[mode] = e;
      e.cameras.upsert({ id: 'cam0', name: 'cam0', streams: [{ name: 'main', url: 'rtsp://127.0.0.1:1/x', roles: ['record'] }] });
      await storeFootage(e, files, 'cam0');
    }
    const ex: Record<Mode, { cpu: number; wall: number; bytes: number }[]> = { plain: [], encrypted: [] };
    for (let r = 0; r < rounds; r++) {
      for (const mode of (r % 2 ? ['encrypted', 'plain'] : ['plain', 'encrypted']) as Mode[]) {
        const x = await exportOnce(engines[mode]!, seconds);
        ex[mode].push(x);
        console.log(`export of ${seconds} s, ${mode}: ${round(x.cpu, 2)} s CPU, ${round(x.wall, 2)} s wall, ${round(x.bytes / 1e6, 1)} MB`);
      }
    }
    const exCpu = (m: Mode): number => median(ex[m].map((x) => x.cpu));
    const exWall = (m: Mode): number => median(ex[m].map((x) => x.wall));
    const seek = await seeks(engines as Record<Mode, Engine>, seconds, seekRounds);
    console.log(`seek (median of ${seekRounds}): Range first byte plain ${seek.range_plain} ms, encrypted ${seek.range_enc} ms; playback first byte ${seek.play_ttfb_plain} / ${seek.play_ttfb_enc} ms, first fragment ${seek.play_frame_plain} / ${seek.play_frame_enc} ms`);
    const load1 = loadavg()[0]!;
    console.log(`machine: ${cpus().length} cores, load average ${round(load0, 1)} at the start, ${round(load1, 1)} at the end`);
    const recordingRatio = recEnc / recPlain;
    const seekRatio = seek.play_frame_enc! / seek.play_frame_plain!;
    return {
      cameras,
      record_window_s: recordS,
      rounds,
      recording_cpu_pct_plain: round(recPlain * 100, 1),
      recording_cpu_pct_encrypted: round(recEnc * 100, 1),
      recording_ratio: round(recordingRatio, 3),
      export_minutes: minutes,
      export_cpu_s_plain: round(exCpu('plain'), 3),
      export_cpu_s_encrypted: round(exCpu('encrypted'), 3),
      export_cpu_ratio: round(exCpu('encrypted') / exCpu('plain'), 3),
      export_wall_s_plain: round(exWall('plain'), 3),
      export_wall_s_encrypted: round(exWall('encrypted'), 3),
      export_wall_ratio: round(exWall('encrypted') / exWall('plain'), 3),
      seek_range_ttfb_ms_plain: seek.range_plain,
      seek_range_ttfb_ms_encrypted: seek.range_enc,
      seek_play_ttfb_ms_plain: seek.play_ttfb_plain,
      seek_play_ttfb_ms_encrypted: seek.play_ttfb_enc,
      seek_play_first_fragment_ms_plain: seek.play_frame_plain,
      seek_play_first_fragment_ms_encrypted: seek.play_frame_enc,
      seek_ratio: round(seekRatio, 3),
      cipher_encrypt_mb_s: cipher.encrypt,
      cipher_decrypt_mb_s: cipher.decrypt,
      load_avg_start: round(load0, 1),
      load_avg_end: round(load1, 1),
      target_recording_ratio: 1.1,
      target_seek_ratio: 1.2,
      pass: recordingRatio <= 1.1 && seekRatio <= 1.2,
    };
  } finally {
    await cam?.stop();
    for (const e of Object.values(engines)) await e?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
