// Exports end to end on a real engine: real segments made by ffmpeg, real SQLite, ffprobe on the results.
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventsExportRequest, ExportJob, ExportRequest, type ExportProgress } from '../../common/contract/exports.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { withEngine } from '../../../test/helpers/engine.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { sql } from '../storage/sql.js';
import { encodeSegments, indexSegments } from './fixtures.js';
import { ExportManager, type Actor } from './manager.js';
import { Manifest, digestFile, verifyExport } from './manifest.js';
import { planCamera } from './plan.js';
import { probeDuration } from './run.js';
import { readZipDirectory } from './zip.js';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const SEG_MS = 10_000;
const ACTOR: Actor = { name: 'test-admin', origin: 'test' };
const bins = locateFfmpeg();
const hasX265 = / libx265 /.test(spawnSync(bins.ffmpeg, ['-hide_banner', '-encoders'], { encoding: 'utf8' }).stdout ?? '');

let fixtureDir: ReturnType<typeof makeTempDir>;
let files: string[];
let h: Awaited<ReturnType<typeof withEngine>>;
let manager: ExportManager;
const progress: ExportProgress[] = [];
/** Source files of the extra cameras: video only, HEVC, H.264 with B-frames. */
let mute: string[];
let hevc: string[];
let bframes: string[];
/** While set, every ffmpeg run starts half a second late (a wrapper script), so a test can cancel between steps. */
let slowFfmpeg = false;

function addCamera(engine: typeof h.engine, id: string): void {
  engine.cameras.upsert({ id, name: id, streams: [{ name: 'main', url: `rtsp://127.0.0.1:8554/${id}`, roles: ['record'] }] });
}

function exportsRoot(): string {
  return h.engine.media.root('exports');
}

/** Every file under the exports root, relative, to prove nothing partial is left behind. */
function exportFiles(): string[] {
  return readdirSync(exportsRoot(), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

function decodes(file: string): boolean {
  const r = spawnSync(bins.ffmpeg, ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  return r.status === 0 && r.stderr.trim() === '';
}

/** MD5 of each video packet, parameter sets, delimiters and (HEVC) prefix SEI left out: the exact cut repeats the source's in-band. */
function packetHashes(file: string, codec: 'h264' | 'hevc' = 'h264'): string[] {
  // x265 keeps its version SEI (39) in hvcC beside VPS/SPS/PPS, so converting to Annex B repeats it at each keyframe
  const types = codec === 'hevc' ? '32|33|34|35|39' : '7|8|9';
  const args = ['-v', 'error', '-i', file, '-map', '0:v:0', '-c', 'copy', '-bsf:v', `filter_units=remove_types=${types}`, '-f', 'framemd5', '-'];
  const r = spawnSync(bins.ffmpeg, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').at(-1)!.trim());
}

function videoFrames(file: string): number {
  const r = spawnSync(bins.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=nb_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

function streams(file: string): string[] {
  const r = spawnSync(bins.ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_name,codec_tag_string', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return r.stdout.trim().split('\n');
}

/** Progress values published for a job, in order. */
function progressOf(id: string): number[] {
  return progress.filter((p) => p.id === id).map((p) => p.progress);
}

async function exportTimed(req: { cameras: string[]; start: number; end: number; exact?: boolean }): Promise<{ job: ExportJob; seconds: number; file: string }> {
  const t0 = performance.now();
  const job = await manager.wait(manager.create(req, ACTOR).id);
  expect(job.status, job.error).toBe('done');
  return { job, seconds: (performance.now() - t0) / 1000, file: join(exportsRoot(), job.url!) };
}

function manifestOf(job: ExportJob): Manifest {
  return Manifest.parse(JSON.parse(readFileSync(join(exportsRoot(), job.manifestUrl!), 'utf8')));
}

beforeAll(async () => {
  fixtureDir = makeTempDir('porchlight-export-fixture-');
  // 5 minutes in 30 ten-second segments, keyframe every second, with audio like a camera's main stream
  files = await encodeSegments(bins.ffmpeg, fixtureDir.dir, { seconds: 300, width: 640, height: 360, fps: 15, segmentS: 10 });
  // what the ingest records (video only), an HEVC camera, and one whose encoder uses B-frames
  const source = { width: 640, height: 360, fps: 15, segmentS: 10, audio: false };
  [mute, hevc, bframes] = await Promise.all([
    encodeSegments(bins.ffmpeg, join(fixtureDir.dir, 'mute'), { ...source, seconds: 30 }),
    hasX265 ? encodeSegments(bins.ffmpeg, join(fixtureDir.dir, 'hevc'), { ...source, seconds: 30, codec: 'hevc' }) : Promise.resolve([]),
    encodeSegments(bins.ffmpeg, join(fixtureDir.dir, 'bframes'), { ...source, seconds: 30, bframes: 2 }),
  ]);
  h = await withEngine();
  for (const [cam, camFiles] of [['front', files], ['side', files], ['back', files], ['mute', mute], ['hevc', hevc], ['bframes', bframes]] as const) {
    addCamera(h.engine, cam);
    indexSegments(h.engine.media, h.engine.segments, cam, camFiles, T0, SEG_MS);
  }
  const slow = join(fixtureDir.dir, 'slow-ffmpeg');
  writeFileSync(slow, `#!/bin/sh\nsleep 0.5\nexec '${bins.ffmpeg}' "$@"\n`, { mode: 0o755 });
  // the side camera lost one segment in the middle (12:02:30–12:02:40)
  const lost = h.engine.segments.segments('side', T0 + 150_000, T0 + 151_000)[0]!;
  unlinkSync(join(h.engine.media.root('recordings'), lost.url));
  manager = new ExportManager({
    db: h.engine.db,
    media: h.engine.media,
    segments: h.engine.segments,
    events: h.engine.events,
    audit: h.engine.audit,
    publish: (_topic, p) => progress.push(p),
    ffmpeg: () => (slowFfmpeg ? { ffmpeg: slow, ffprobe: bins.ffprobe } : bins),
  });
  await manager.start();
}, 120_000);

afterAll(async () => {
  await manager?.stop();
  await h?.close();
  fixtureDir?.cleanup();
});

describe('the export contract', () => {
  it('bounds requests: 1..16 cameras, end after start, at most 24 h', () => {
    expect(ExportRequest.safeParse({ cameras: ['a'], start: 0, end: 1000 }).success).toBe(true);
    expect(ExportRequest.safeParse({ cameras: [], start: 0, end: 1000 }).success).toBe(false);
    expect(ExportRequest.safeParse({ cameras: ['a'], start: 1000, end: 1000 }).success).toBe(false);
    expect(ExportRequest.safeParse({ cameras: ['a'], start: 0, end: 86_400_001 }).success).toBe(false);
    expect(ExportRequest.safeParse({ cameras: ['a', 'a'], start: 0, end: 1000 }).success).toBe(false);
    expect(EventsExportRequest.safeParse({ labels: ['person'], limit: 501 }).success).toBe(false);
    expect(EventsExportRequest.safeParse({ labels: ['person'], cursor: 'x' }).success).toBe(false);
  });

  it('finds gaps between segments and at the edges, within a 1.5 s tolerance', () => {
    const seg = (start: number, end: number, exists = true) => ({ cameraId: 'c', abs: `/r/${start}.mp4`, rel: `c/${start}.mp4`, start, end, exists });
    const p = planCamera('c', 0, 60_000, [seg(5_000, 15_000), seg(16_000, 26_000), seg(26_000, 36_000, false), seg(36_000, 46_000)]);
    expect(p.gaps).toEqual([
      { cameraId: 'c', start: 0, end: 5_000 },
      { cameraId: 'c', start: 26_000, end: 36_000 },
      { cameraId: 'c', start: 46_000, end: 60_000 },
    ]);
    expect(p.segments).toHaveLength(3);
    expect(p.coveredMs).toBe(30_000);
  });
});

describe('range export', () => {
  let job: ExportJob;

  it('exports 5 minutes across 30 segments by stream copy: plays, 300 ± 1 s, manifest and audit written', async () => {
    const created = manager.create({ cameras: ['front'], start: T0, end: T0 + 300_000 }, ACTOR);
    expect(created.status).toBe('queued');
    job = await manager.wait(created.id);
    expect(job).toMatchObject({ status: 'done', progress: 1, cameras: ['front'], createdBy: 'test-admin', kind: 'range' });
    expect(ExportJob.parse(job)).toBeTruthy();
    const file = join(exportsRoot(), job.url!);
    expect(job.url).toBe(`${job.id}/front_20261129T120000Z.mp4`);
    const duration = await probeDuration(bins.ffprobe, file);
    expect(Math.abs(duration! - 300)).toBeLessThanOrEqual(1);
    expect(decodes(file)).toBe(true);

    const m = manifestOf(job);
    expect(job.manifestUrl).toBe(`${job.url}.manifest.json`);
    expect(m.segments).toHaveLength(30);
    expect(m.segments[0]).toMatchObject({ cameraId: 'front', path: 'front/2026-11-29/12-00-00.mp4', start: T0 });
    expect(m).toMatchObject({ kind: 'range', cameras: ['front'], exact: false, gaps: [], exportedBy: 'test-admin', range: { startIso: '2026-11-29T12:00:00.000Z' } });
    const digest = await digestFile(file);
    expect(m.files[0]).toMatchObject({ path: 'front_20261129T120000Z.mp4', sha256: digest.sha256, bytes: digest.bytes });
    expect(job.sha256).toBe(digest.sha256);

    const row = h.engine.db.get<{ status: string; progress: number; sha256: string }>(sql`SELECT status, progress, sha256 FROM exports WHERE id = ${job.id}`);
    expect(row).toEqual({ status: 'done', progress: 1, sha256: digest.sha256 });
    const mine = progress.filter((p) => p.id === job.id);
    expect(mine.at(0)?.status).toBe('running');
    expect(mine.at(-1)).toEqual({ id: job.id, status: 'done', progress: 1 });
    expect(h.engine.audit.query({ action: 'exports.create' })[0]).toMatchObject({ actor: 'test-admin', target: job.id, ok: true });
    expect(exportFiles().filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('verifies against the manifest, and a flipped byte fails verification', async () => {
    expect(await manager.verify(job.id)).toMatchObject({ ok: true, problem: null });
    const file = join(exportsRoot(), job.url!);
    const buf = readFileSync(file);
    const at = Math.floor(buf.length / 2);
    buf[at] = buf[at]! ^ 0x01;
    writeFileSync(file, buf);
    const res = await verifyExport(join(exportsRoot(), job.manifestUrl!));
    expect(res.ok).toBe(false);
    expect(res.files[0]).toMatchObject({ ok: false, expected: job.sha256 });
    expect(res.files[0]!.actual).not.toBe(job.sha256);
    expect(res.problem).toMatch(/does not match/);
    unlinkSync(file);
    expect((await verifyExport(join(exportsRoot(), job.manifestUrl!))).problem).toMatch(/is missing/);
  });

  it('cuts at the keyframe by default and exactly (re-encoded) when asked', async () => {
    const start = T0 + 12_500;
    const end = T0 + 47_200;
    const copy = await manager.wait(manager.create({ cameras: ['front'], start, end }, ACTOR).id);
    const exact = await manager.wait(manager.create({ cameras: ['front'], start, end, exact: true }, ACTOR).id);
    const dCopy = await probeDuration(bins.ffprobe, join(exportsRoot(), copy.url!));
    const dExact = await probeDuration(bins.ffprobe, join(exportsRoot(), exact.url!));
    expect(Math.abs(dCopy! - 34.7)).toBeLessThanOrEqual(1);
    expect(Math.abs(dExact! - 34.7)).toBeLessThanOrEqual(0.1);
    expect(exact.exact).toBe(true);
    expect(decodes(join(exportsRoot(), exact.url!))).toBe(true);

    // only the edges are re-encoded: the 7 frames before the keyframe at 12:00:13 and the 3 from the one at 12:00:47;
    // the 510 between are the recording's own packets (segments 12:00:10-12:00:50, from their frame 45)
    const out = packetHashes(join(exportsRoot(), exact.url!));
    const src = files.slice(1, 5).flatMap((f) => packetHashes(f));
    expect(out).toHaveLength(7 + 510 + 3);
    expect(out.slice(7, 517)).toEqual(src.slice(45, 555));
    expect([...out.slice(0, 7), ...out.slice(517)].filter((x) => src.includes(x))).toEqual([]);
    expect(streams(join(exportsRoot(), exact.url!))).toEqual(['h264,avc1', 'aac,mp4a']);
    // one bar across the pieces: never backwards, ends at 1
    const bar = progressOf(exact.id);
    expect(bar).toEqual([...bar].sort((a, b) => a - b));
    expect(bar.at(-1)).toBe(1);
    expect(exportFiles().filter((f) => f.includes(exact.id) && f.endsWith('.partial'))).toEqual([]);
  });

  it('an exact cut of 5 minutes holds every frame of the range and decodes (its speed is bench/export\u2019s)', async () => {
    const range = { cameras: ['front'], start: T0 + 500, end: T0 + 299_500 };
    const copy = await exportTimed(range);
    const exact = await exportTimed({ ...range, exact: true });
    // every frame from 0.5 s to 299.5 s, no other: the first is 0.5333 (frame 8), the last 299.4667 (frame 4492)
    expect(videoFrames(exact.file)).toBe(4485);
    // the copy starts at the keyframe at 0 s, half a second earlier. (These segments each hold ~30 ms more audio than video,
    // which the concat demuxer lays end to end, so both exports run ~0.7 s past the range; the ingest records video only.)
    const dCopy = (await probeDuration(bins.ffprobe, copy.file))!;
    expect(Math.abs((await probeDuration(bins.ffprobe, exact.file))! - (dCopy - 0.5))).toBeLessThanOrEqual(0.1);
    expect(decodes(exact.file)).toBe(true);
    console.log(`export: stream copy ${copy.seconds} s, exact ${exact.seconds} s for 5 minutes`);
  });

  it('exact from a keyframe, video only (as the ingest records): no head, no audio track, first packet the recording\'s', async () => {
    const { job, file } = await exportTimed({ cameras: ['mute'], start: T0 + 3_000, end: T0 + 25_400, exact: true });
    expect(Math.abs((await probeDuration(bins.ffprobe, file))! - 22.4)).toBeLessThanOrEqual(0.1);
    expect(decodes(file)).toBe(true);
    expect(streams(file)).toEqual(['h264,avc1']);
    const out = packetHashes(file);
    const src = mute.slice(0, 3).flatMap((f) => packetHashes(f));
    // 22 s copied from the keyframe at 3 s, then 6 re-encoded frames to 25.4 s
    expect(out).toHaveLength(330 + 6);
    expect(out.slice(0, 330)).toEqual(src.slice(45, 375));
    expect(out.slice(330).filter((x) => src.includes(x))).toEqual([]);
    expect(job.exact).toBe(true);
  });

  it('exact inside one GOP: the half second is re-encoded on its own', async () => {
    const { file } = await exportTimed({ cameras: ['mute'], start: T0 + 20_200, end: T0 + 20_700, exact: true });
    expect(Math.abs((await probeDuration(bins.ffprobe, file))! - 0.5)).toBeLessThanOrEqual(0.1);
    expect(decodes(file)).toBe(true);
    const src = packetHashes(mute[2]!);
    expect(packetHashes(file).filter((x) => src.includes(x))).toEqual([]);
  });

  it.skipIf(!hasX265)('exact on HEVC: edges re-encoded with libx265, the middle copied, hvc1 kept', async () => {
    const { file } = await exportTimed({ cameras: ['hevc'], start: T0 + 2_500, end: T0 + 27_200, exact: true });
    expect(Math.abs((await probeDuration(bins.ffprobe, file))! - 24.7)).toBeLessThanOrEqual(0.1);
    expect(decodes(file)).toBe(true);
    expect(streams(file)).toEqual(['hevc,hvc1']);
    const out = packetHashes(file, 'hevc');
    const src = hevc.flatMap((f) => packetHashes(f, 'hevc'));
    expect(out).toHaveLength(7 + 360 + 3);
    expect(out.slice(7, 367)).toEqual(src.slice(45, 405));
  });

  it('exact with B-frames in the source: the whole range is re-encoded instead, still exact', async () => {
    const { file } = await exportTimed({ cameras: ['bframes'], start: T0 + 2_500, end: T0 + 12_200, exact: true });
    expect(Math.abs((await probeDuration(bins.ffprobe, file))! - 9.7)).toBeLessThanOrEqual(0.1);
    expect(decodes(file)).toBe(true);
    const src = bframes.slice(0, 2).flatMap((f) => packetHashes(f));
    expect(packetHashes(file).filter((x) => src.includes(x))).toEqual([]);
  });

  it('exports several cameras as one MP4 each in the job folder, under one manifest', async () => {
    const job2 = await manager.wait(manager.create({ cameras: ['front', 'back'], start: T0 + 60_000, end: T0 + 90_000 }, ACTOR).id);
    expect(job2.status).toBe('done');
    expect(job2.files?.map((f) => f.url)).toEqual([`${job2.id}/front_20261129T120100Z.mp4`, `${job2.id}/back_20261129T120100Z.mp4`]);
    expect(job2.manifestUrl).toBe(`${job2.id}/${job2.id}.manifest.json`);
    expect(job2.sha256).toBeUndefined();
    expect(manifestOf(job2).files.map((f) => Math.round(f.duration!))).toEqual([30, 30]);
    expect((await manager.verify(job2.id)).ok).toBe(true);
  });
});

describe('gaps', () => {
  it('fails with the gap listed (UTC times) when a segment is missing, leaving nothing behind', async () => {
    const job = await manager.wait(manager.create({ cameras: ['side'], start: T0, end: T0 + 300_000 }, ACTOR).id);
    expect(job.status).toBe('failed');
    expect(job.gaps).toEqual([{ cameraId: 'side', start: T0 + 150_000, end: T0 + 160_000 }]);
    expect(job.error).toContain('side 12:02:30–12:02:40 UTC (10 s)');
    expect(existsSync(join(exportsRoot(), job.id))).toBe(false);
    expect(h.engine.audit.query({ action: 'exports.create' })[0]).toMatchObject({ target: job.id, ok: false });
  });

  it('with gaps allowed, exports what exists and lists the gap in the manifest', async () => {
    const job = await manager.wait(manager.create({ cameras: ['side'], start: T0, end: T0 + 300_000, allowGaps: true }, ACTOR).id);
    expect(job.status).toBe('done');
    expect(job.gaps).toEqual([{ cameraId: 'side', start: T0 + 150_000, end: T0 + 160_000 }]);
    const m = manifestOf(job);
    expect(m.gaps).toEqual(job.gaps);
    expect(m.segments).toHaveLength(29);
    expect(Math.abs(m.files[0]!.duration! - 290)).toBeLessThanOrEqual(1);
  });

  it('fails clearly when nothing was recorded at all', async () => {
    const job = await manager.wait(manager.create({ cameras: ['front'], start: T0 - 3600_000, end: T0 - 1800_000, allowGaps: true }, ACTOR).id);
    expect(job).toMatchObject({ status: 'failed', error: 'Nothing was recorded in this range' });
  });
});

describe('cancel', () => {
  it('kills ffmpeg mid-job: status cancelled, no partial, piece or final file left; a queued job cancels at once', async () => {
    slowFfmpeg = true;
    try {
      const running = manager.create({ cameras: ['front'], start: T0 + 500, end: T0 + 299_500, exact: true }, ACTOR);
      const queued = manager.create({ cameras: ['front'], start: T0, end: T0 + 10_000 }, ACTOR);
      // wait for the first re-encoded edge to be on disk: ffmpeg is writing it, two more steps are to come
      const dir = join(exportsRoot(), running.id);
      const pieces = () => (existsSync(dir) ? readdirSync(dir).filter((n) => n.includes('.piece')) : []);
      for (let i = 0; i < 1000 && pieces().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(pieces()).not.toEqual([]);
      const q = await manager.cancel(queued.id);
      expect(q.status).toBe('cancelled');
      const c = await manager.cancel(running.id);
      expect(c.status).toBe('cancelled');
      expect(c.url).toBeUndefined();
      expect(existsSync(dir)).toBe(false);
      expect(exportFiles().filter((f) => f.includes(running.id) || f.endsWith('.partial'))).toEqual([]);
      expect(progress.filter((p) => p.id === running.id).at(-1)?.status).toBe('cancelled');
      expect(h.engine.db.get(sql`SELECT status FROM exports WHERE id = ${running.id}`)).toEqual({ status: 'cancelled' });
    } finally {
      slowFfmpeg = false;
    }
  });

  it('deletes a finished export: files and row gone', async () => {
    const job = await manager.wait(manager.create({ cameras: ['back'], start: T0, end: T0 + 20_000 }, ACTOR).id);
    expect(existsSync(join(exportsRoot(), job.url!))).toBe(true);
    expect(await manager.delete(job.id)).toEqual({ deleted: true });
    expect(existsSync(join(exportsRoot(), job.id))).toBe(false);
    expect(() => manager.get(job.id)).toThrow(/no export/);
    expect(manager.list().some((j) => j.id === job.id)).toBe(false);
  });
});

describe('events export', () => {
  it('zips one clip per matching event plus manifest.json, with a sidecar manifest that verifies', async () => {
    const ev = (id: string, cameraId: string, label: string, startS: number, endS: number) =>
      h.engine.events.upsert({ id, cameraId, label, start: T0 + startS * 1000, end: T0 + endS * 1000, topScore: 0.9, box: [0, 0, 1, 1], zones: [], snapshot: null });
    ev('ev-1', 'front', 'person', 20, 24);
    ev('ev-2', 'back', 'person', 100, 112);
    ev('ev-3', 'front', 'person', 200, 203);
    ev('ev-4', 'front', 'dog', 150, 160);
    const job = await manager.wait(manager.createFromEvents({ labels: ['person'], after: T0, before: T0 + 300_000 }, ACTOR).id);
    expect(job).toMatchObject({ status: 'done', kind: 'events', cameras: ['back', 'front'] });
    expect(job.url).toBe(`${job.id}/events_20261129T120015Z.zip`);
    const zipPath = join(exportsRoot(), job.url!);
    const buf = readFileSync(zipPath);
    const entries = readZipDirectory(buf);
    expect(entries.map((e) => e.name)).toEqual([
      '20261129T120015Z_front_person_ev-1.mp4',
      '20261129T120135Z_back_person_ev-2.mp4',
      '20261129T120315Z_front_person_ev-3.mp4',
      'manifest.json',
    ]);
    const inner = Manifest.parse(JSON.parse(extract(buf, 'manifest.json').toString('utf8')));
    expect(inner.clips?.map((c) => c.eventId)).toEqual(['ev-1', 'ev-2', 'ev-3']);
    expect(inner.files.map((f) => f.path)).toEqual(entries.slice(0, 3).map((e) => e.name));
    // each clip is the event ± 5 s, cut at keyframes (1 s GOP)
    expect(inner.clips!.map((c) => Math.round(c.duration!))).toEqual([14, 22, 13]);
    for (const f of inner.files) expect((await digestFileBuffer(extract(buf, f.path)))).toBe(f.sha256);

    const m = manifestOf(job);
    expect(job.manifestUrl).toBe(`${job.url}.manifest.json`);
    expect(m.files).toEqual([{ path: `events_20261129T120015Z.zip`, sha256: job.sha256, bytes: buf.length, duration: null }]);
    expect((await manager.verify(job.id)).ok).toBe(true);
    const unzip = spawnSync('unzip', ['-tq', zipPath], { encoding: 'utf8' });
    if (!unzip.error) expect(unzip.status, unzip.stdout + unzip.stderr).toBe(0);
    expect(existsSync(join(exportsRoot(), job.id, '.work'))).toBe(false);
    expect(h.engine.audit.query({ action: 'exports.createFromEvents' })[0]).toMatchObject({ target: job.id, ok: true });
  });

  it('refuses a query that matches no event', () => {
    expect(() => manager.createFromEvents({ labels: ['unicorn'] }, ACTOR)).toThrow(/No event matches/);
  });
});

describe('retention', () => {
  it('never removes exports: a tiny quota deletes the segments, the export survives and verifies', async () => {
    const job = await manager.wait(manager.create({ cameras: ['back'], start: T0 + 200_000, end: T0 + 260_000 }, ACTOR).id);
    expect(job.status).toBe('done');
    h.engine.settings.set('storage', { quotaGb: 0.0001 });
    const res = await h.engine.retention.run();
    expect(res.deleted).toBeGreaterThan(50);
    expect(h.engine.segments.segments('back', T0 + 200_000, T0 + 260_000)).toEqual([]);
    expect(existsSync(join(exportsRoot(), job.url!))).toBe(true);
    expect(await manager.verify(job.id)).toMatchObject({ ok: true });
  });
});

describe('restart', () => {
  it('marks jobs a previous run left running as failed and clears their folder', async () => {
    const now = Date.now();
    h.engine.db.run(sql`INSERT INTO exports (id, camera_ids, start, end, status, progress, created_by, created_at) VALUES ('stale-1', '["front"]', 0, 1000, 'running', 0.4, 'x', ${now})`);
    const dir = join(exportsRoot(), 'stale-1');
    mkdirSync(dir);
    writeFileSync(join(dir, 'front_x.mp4.partial'), 'half');
    await manager.start();
    expect(manager.get('stale-1')).toMatchObject({ status: 'failed', error: 'The engine stopped before this export finished' });
    expect(existsSync(dir)).toBe(false);
  });
});

/** A STORE entry's bytes, found through its local header. */
function extract(zip: Buffer, name: string): Buffer {
  const e = readZipDirectory(zip).find((x) => x.name === name);
  if (!e) throw new Error(`${name} not in zip`);
  const nameLen = zip.readUInt16LE(e.offset + 26);
  const extraLen = zip.readUInt16LE(e.offset + 28);
  const at = e.offset + 30 + nameLen + extraLen;
  return zip.subarray(at, at + e.size);
}

async function digestFileBuffer(b: Buffer): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(b).digest('hex');
}
