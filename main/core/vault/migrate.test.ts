// A plain install of 1,000 real segments and 500 events moved into the vault while the engine runs: a migration killed
// mid-way (SIGKILL of the CLI running it) resumes in the engine; every file then decrypts to its original bytes, the
// database opens only with its key; rollback puts back the very same plain bytes; confirm removes them for good.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PlainSqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { ADMIN } from '../../../test/helpers/engine.js';
import { startEngine, DB_FILE, type Engine } from '../app.js';
import { CameraRepository } from '../cameras/repository.js';
import { EventRepository } from '../events/repository.js';
import { ffprobeJson } from '../ffmpeg/ffprobe.js';
import { knownName, MediaStore } from '../media/index.js';
import { SegmentIndex } from '../recordings/index.js';
import { keyFileBox } from '../secrets/index.js';
import { Database } from '../storage/database.js';
import { keepPlainPath } from '../storage/encryption.js';
import { sql } from '../storage/sql.js';
import { keyFileSource } from './index.js';

const tmp = makeTempDir('porchlight-vault-migrate-');
const dataDir = join(tmp.dir, 'data');
const keyFile = join(tmp.dir, 'key', 'vault.key');
const SEGMENTS = 1000;
const EVENTS = 500;
const CAMERAS = ['porch', 'yard'];
const T0 = Date.now() - 3 * 3600_000;

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
/** Every media file as it was, by `<kind>/<rel>`. */
const before = new Map<string, string>();
let engine: Engine | undefined;

function walk(d: string, prefix = ''): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? walk(join(d, e.name), rel) : [rel];
  });
}

const mediaOnDisk = (): string[] => ['recordings', 'snapshots'].flatMap((k) => walk(join(dataDir, k)).map((r) => `${k}/${r}`));
const split = (key: string): ['recordings' | 'snapshots', string] => [key.slice(0, key.indexOf('/')) as 'recordings' | 'snapshots', key.slice(key.indexOf('/') + 1)];
const isVault = (file: string): boolean => readFileSync(file).subarray(0, 8).toString('ascii') === 'PLVAULT1';
const start = (): Promise<Engine> =>
  startEngine({ dataDir, host: 'server', startCameras: false, vault: { encryption: 'auto', source: keyFileSource(keyFile) }, vaultMigration: { reserveBytes: 1 << 20, publishMs: 50 } });

/** An MP4 with a `free` box appended that names it: each copy's bytes differ, and each still plays. */
function uniqueMp4(base: Buffer, i: number): Buffer {
  const tag = Buffer.from(`segment ${String(i).padStart(6, '0')}`);
  const box = Buffer.alloc(8);
  box.writeUInt32BE(8 + tag.length, 0);
  box.write('free', 4, 'ascii');
  return Buffer.concat([base, box, tag]);
}

beforeAll(async () => {
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(join(tmp.dir, 'key'));
  const src = join(tmp.dir, 'one.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=10', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', '-movflags', '+faststart', src]);
  const jpgFile = join(tmp.dir, 'one.jpg');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=96x64', '-frames:v', '1', jpgFile]);
  const mp4 = readFileSync(src);
  const jpeg = readFileSync(jpgFile);

  // a plain install as an owner who chose plain left it: database plain (kept so), media plain
  keyFileBox(dataDir);
  const dbFile = join(dataDir, DB_FILE);
  const db = Database.open(dbFile);
  writeFileSync(keepPlainPath(dbFile), 'plain by choice\n');
  const media = new MediaStore(dataDir);
  const cameras = new CameraRepository(db);
  const events = new EventRepository(db);
  const index = new SegmentIndex(db, media);
  for (const id of CAMERAS) cameras.upsert({ id, name: id, enabled: false, recordMode: 'continuous', streams: [{ name: 'main', url: 'rtsp://127.0.0.1:9/none', roles: ['record'] }] });
  db.transaction(() => {
    for (let i = 0; i < SEGMENTS; i++) {
      const cameraId = CAMERAS[i % 2]!;
      const s = T0 + Math.floor(i / 2) * 10_000;
      const iso = new Date(s).toISOString();
      const rel = `${cameraId}/${iso.slice(0, 10)}/${iso.slice(11, 19).replaceAll(':', '-')}.mp4`;
      const bytes = uniqueMp4(mp4, i);
      mkdirSync(join(dataDir, 'recordings', cameraId, iso.slice(0, 10)), { recursive: true });
      writeFileSync(join(dataDir, 'recordings', rel), bytes);
      index.add({ cameraId, path: rel, start: s, end: s + 10_000, durationMs: 10_000, bytes: bytes.length });
    }
  });
  for (let i = 0; i < EVENTS; i++) {
    const cameraId = CAMERAS[i % 2]!;
    const id = `ev-${i}`;
    const snapshot = `${cameraId}/${id}.jpg`;
    // each picture its own bytes (a comment after the end marker), as real snapshots are
    await media.writeSnapshot(snapshot, Buffer.concat([jpeg, Buffer.from(`full ${i}`)]), Buffer.concat([jpeg, Buffer.from(`thumb ${i}`)]));
    events.upsert({ id, cameraId, label: 'person', start: T0 + i * 20_000, end: T0 + i * 20_000 + 5000, topScore: 0.9, box: [0.1, 0.1, 0.3, 0.5], zones: [], snapshot });
  }
  db.close();
  for (const key of mediaOnDisk()) before.set(key, sha(readFileSync(join(dataDir, key))));
  expect(before.size).toBe(SEGMENTS + 2 * EVENTS);
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  tmp.cleanup();
});

async function waitState(e: Engine, states: string[], timeout = 150_000): Promise<void> {
  await waitUntil(() => states.includes(e.vaultMigration.status().state), timeout, `migration ${states.join('/')}`);
}

describe('moving a plain install into the vault', () => {
  it('is refused with a clear error when the disk cannot hold the copies', async () => {
    engine = await start();
    expect(engine.vaultMigration.status()).toMatchObject({ state: 'none', plainInstall: true });
    engine.media.diskSpace = () => Promise.resolve({ free: 10_000_000, total: 1e9 });
    const res = await engine.router.dispatch(ADMIN, 'vault.migration.start', {});
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.message).toMatch(/Not enough free disk space .* needed .* free/);
    // nothing changed: still plain, no key made
    expect(engine.vault.status().state).toBe('off');
    expect(existsSync(keyFile)).toBe(false);
    await engine.stop();
    engine = undefined;
  });

  it('killed mid-way (SIGKILL of the CLI running it), resumes in the engine while files are read and written', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/server/cli.ts', 'vault', 'migrate', '--data', dataDir, '--vault-key', keyFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORCHLIGHT_LOG_LEVEL: 'warn' },
    });
    let out = '';
    let killedAt = -1;
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = [...out.matchAll(/migrating \(media\): (\d+)\/(\d+) files/g)].at(-1);
      if (killedAt < 0 && m && Number(m[1]) >= 300 && child.pid) {
        killedAt = Number(m[1]);
        process.kill(child.pid, 'SIGKILL');
      }
    });
    const bound = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 90_000);
    await exited;
    clearTimeout(bound);
    expect(killedAt, out).toBeGreaterThanOrEqual(300);

    // the kill left every file whole: plain, or encrypted with its original kept
    const partly = mediaOnDisk().filter((k) => isVault(join(dataDir, k)));
    expect(partly.length).toBeGreaterThan(0);
    expect(partly.length).toBeLessThan(before.size);
    for (const k of partly) expect(existsSync(join(dataDir, '.vault-originals', knownName(k))), k).toBe(true);

    engine = await start();
    const e = engine;
    expect(e.vault.status().state).toBe('unlocked');
    // the database was encrypted at the first safe point: the plain driver sees noise
    expect(() => new PlainSqlite(join(dataDir, DB_FILE), { readonly: true }).prepare('SELECT count(*) FROM events').get()).toThrow();
    // while it runs: reads give the original bytes whichever form a file is in, ffmpeg opens a plain one, new media is encrypted
    const sample = [...before.keys()].filter((_, i) => i % 37 === 0);
    let reads = 0;
    while (e.vaultMigration.status().state === 'running' && reads < sample.length) {
      const [kind, rel] = split(sample[reads++]!);
      expect(sha((await e.media.readBytes(kind, rel))!), rel).toBe(before.get(`${kind}/${rel}`));
    }
    await e.media.writeSnapshot('porch/new-during.jpg', readFileSync(join(tmp.dir, 'one.jpg')), readFileSync(join(tmp.dir, 'one.jpg')));
    expect(isVault(join(dataDir, 'snapshots', 'porch', 'new-during.jpg.vault'))).toBe(true);
    await waitState(e, ['done']);
    expect(e.vaultMigration.status()).toMatchObject({ state: 'done', phase: 'finished', canRollback: true, items: { done: before.size + 2, total: before.size + 2 } });
  }, 240_000);

  it('leaves every file encrypted, each decrypting to its original bytes, segments playing, events and snapshots readable', async () => {
    const e = engine!;
    const onDisk = mediaOnDisk();
    expect(onDisk.length).toBe(before.size + 2);
    // each under its sealed name (no media extension left for a tool to go by), no plain name beside it
    for (const k of onDisk) expect(k.endsWith('.vault') && isVault(join(dataDir, k)), k).toBe(true);
    for (const [key, hash] of before) {
      const [kind, rel] = split(key);
      expect(sha((await e.media.readBytes(kind, rel))!), key).toBe(hash);
    }
    expect(walk(dataDir).filter((f) => /partial$/.test(f))).toEqual([]);
    // ffprobe parses none of a sample of the stored files, and plays them through the store
    const segs = onDisk.filter((k) => k.startsWith('recordings/')).filter((_, i) => i % 200 === 0);
    for (const k of segs) {
      expect((await ffprobeJson(join(dataDir, k))).ok, k).toBe(false);
      const input = e.media.ffmpegInput('recordings', knownName(split(k)[1]))!;
      const probe = await ffprobeJson(input.url, { env: input.env });
      expect(probe.ok && probe.data.streams?.some((s) => s.codec_type === 'video'), k).toBe(true);
    }
    // every event reads back with its snapshot
    // the engine's own queries run on the re-keyed database
    expect(e.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM events WHERE snapshot IS NOT NULL`)?.n).toBe(EVENTS);
    const page = await e.router.dispatch(ADMIN, 'events.query', { limit: 100 });
    expect(page.ok && (page.value as { items: unknown[] }).items.length).toBe(100);
    for (let i = 0; i < EVENTS; i += 50) {
      const ev = e.events.get(`ev-${i}`)!;
      expect(ev, `ev-${i}`).toBeDefined();
      const snap = await e.media.readBytes('snapshots', e.events.snapshotPath(`ev-${i}`)!);
      expect(snap?.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).toBe(true);
    }
  }, 120_000);

  it('rolls back to the very same plain bytes, the database plain again; starts again; after confirm no rollback', async () => {
    let e = engine!;
    const res = await e.router.dispatch(ADMIN, 'vault.migration.rollback', {});
    expect(res.ok).toBe(true);
    await waitState(e, ['none']);
    expect(e.vault.status().state).toBe('off');
    for (const [key, hash] of before) expect(sha(readFileSync(join(dataDir, key))), key).toBe(hash);
    // the file written during the migration is plain now (decrypted), the originals folder empty
    expect(isVault(join(dataDir, 'snapshots', 'porch', 'new-during.jpg'))).toBe(false);
    expect(mediaOnDisk().filter((k) => k.endsWith('.vault'))).toEqual([]);
    expect(walk(join(dataDir, '.vault-originals')).length).toBe(0);
    await e.stop();
    const plain = new PlainSqlite(join(dataDir, DB_FILE), { readonly: true });
    expect((plain.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(EVENTS);
    plain.close();

    // a restart stays plain; a second migration (no kill) and a confirm
    engine = e = await start();
    expect(e.vault.status().state).toBe('off');
    expect(e.vaultMigration.status().plainInstall).toBe(true);
    const again = await e.router.dispatch(ADMIN, 'vault.migration.start', {});
    expect(again.ok).toBe(true);
    await waitState(e, ['done']);
    const confirmed = await e.router.dispatch(ADMIN, 'vault.migration.confirm', {});
    expect(confirmed.ok && confirmed.value).toMatchObject({ state: 'confirmed', canRollback: false });
    expect(existsSync(join(dataDir, '.vault-originals'))).toBe(false);
    const refused = await e.router.dispatch(ADMIN, 'vault.migration.rollback', {});
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/confirmed .* cannot be rolled back/);
    const [kind, rel] = split([...before.keys()][0]!);
    expect(sha((await e.media.readBytes(kind, rel))!)).toBe(before.get(`${kind}/${rel}`));
    expect(existsSync(join(dataDir, kind, rel))).toBe(false);
    expect(spawnSync('ffprobe', ['-v', 'error', join(dataDir, kind, `${rel}.vault`)]).status).not.toBe(0);
  }, 300_000);
});
