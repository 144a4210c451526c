// The contract through the router: validation, roles, hostile strings, settings with named errors.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngineDatabase } from '../../../test/helpers/engine-db.js';
import { ADMIN, VIEWER, withEngine } from '../../../test/helpers/engine.js';
import type { Engine } from '../app.js';
import { sql } from '../storage/sql.js';

let h: Awaited<ReturnType<typeof withEngine>>;
let engine: Engine;
beforeAll(async () => {
  h = await withEngine();
  engine = h.engine;
});
afterAll(() => h.close());

const T_RECORDED = Date.parse('2026-12-03T10:00:00Z');
const HOSTILE_NAME = "'); DROP TABLE cameras;--";
const HOSTILE_URL = 'rtsp://127.0.0.1:8554/$(rm -rf /)`reboot`;|&';

describe('cameras', () => {
  it('stores and reads back a hostile name and URL verbatim, in a fresh connection too', async () => {
    const res = await engine.router.dispatch(ADMIN, 'cameras.upsert', { name: HOSTILE_NAME, streams: [{ name: 'main', url: HOSTILE_URL, roles: ['record', 'detect'] }] });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const cam = res.value as { id: string; name: string; streams: { url: string }[] };
    expect(cam.name).toBe(HOSTILE_NAME);
    expect(cam.streams[0]?.url).toBe(HOSTILE_URL);

    const again = await engine.router.dispatch(VIEWER, 'cameras.get', { id: cam.id });
    expect(again).toMatchObject({ ok: true, value: { name: HOSTILE_NAME } });
    const other = openEngineDatabase(h.dataDir);
    expect(other.get(sql`SELECT name FROM cameras WHERE id = ${cam.id}`)).toEqual({ name: HOSTILE_NAME });
    expect(other.get(sql`SELECT count(*) AS n FROM sqlite_master WHERE name = 'cameras'`)).toEqual({ n: 1 });
    other.close();
  });

  it('never returns a camera password and keeps it when the masked URL comes back', async () => {
    const created = await engine.router.dispatch(ADMIN, 'cameras.upsert', {
      name: 'Garage',
      streams: [{ name: 'main', url: 'rtsp://admin:s3cret@127.0.0.1:8554/garage', roles: ['record'] }],
    });
    if (!created.ok) throw new Error(created.error.message);
    const cam = created.value as { id: string; streams: { name: 'main'; url: string; roles: string[] }[] };
    expect(JSON.stringify(cam)).not.toContain('s3cret');
    expect(cam.streams[0]?.url).toBe('rtsp://admin:***@127.0.0.1:8554/garage');

    const renamed = await engine.router.dispatch(ADMIN, 'cameras.upsert', { id: cam.id, name: 'Garage side', streams: cam.streams });
    expect(renamed.ok).toBe(true);
    expect(engine.cameras.get(cam.id)?.streams[0]?.url).toBe('rtsp://admin:s3cret@127.0.0.1:8554/garage');
  });

  it('rejects bad input with structured errors that name the field', async () => {
    const cases: [string, unknown, string][] = [
      ['cameras.upsert', { name: 42, streams: [] }, 'name'],
      ['cameras.upsert', { name: 'x', streams: [{ name: 'main', url: 'file:///etc/passwd', roles: [] }] }, 'streams.0.url'],
      ['cameras.get', { id: '../../etc' }, 'id'],
      ['cameras.list', { extra: true }, '(root)'],
    ];
    for (const [method, input, field] of cases) {
      const res = await engine.router.dispatch(ADMIN, method, input);
      expect(res.ok, method).toBe(false);
      if (res.ok) continue;
      expect(res.error.code).toBe('invalid_input');
      expect(res.error.message).toContain(field);
    }
  });

  it('keeps zones and masks drawn on a camera, keeps them when an edit leaves them out, and refuses bad ones', async () => {
    const yard = { name: 'Yard <b>&"', polygon: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]], labels: ['person'] };
    const masks = { motion: [[[0, 0], [0.3, 0], [0.3, 0.08], [0, 0.08]]], objects: [] };
    const streams = [{ name: 'main', url: 'rtsp://127.0.0.1:9/zones', roles: ['record'] }];
    const created = await engine.router.dispatch(ADMIN, 'cameras.upsert', { name: 'Zoned', enabled: false, streams, zones: [yard], masks });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const id = (created.value as { id: string }).id;
    // a later edit of the name alone leaves the drawing alone
    await engine.router.dispatch(ADMIN, 'cameras.upsert', { id, name: 'Zoned 2', enabled: false, streams });
    expect(await engine.router.dispatch(VIEWER, 'cameras.get', { id })).toMatchObject({ ok: true, value: { name: 'Zoned 2', zones: [yard], masks } });

    const bad: [unknown, string][] = [
      [{ zones: [yard, { ...yard, name: 'yard <B>&"' }] }, 'own name'],
      [{ zones: [{ ...yard, name: 'a\u0007b' }] }, 'control characters'],
      [{ zones: [{ ...yard, polygon: [[0, 0], [1, 1]] }] }, 'zones.0.polygon'],
      [{ masks: { motion: [[[0, 0], [2, 0], [0, 1]]], objects: [] } }, 'masks.motion.0.1.0'],
    ];
    for (const [change, words] of bad) {
      const res = await engine.router.dispatch(ADMIN, 'cameras.upsert', { id, name: 'Zoned 2', enabled: false, streams, ...(change as object) });
      expect(res, words).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      if (!res.ok) expect(res.error.message).toContain(words);
    }
    expect(await engine.router.dispatch(VIEWER, 'cameras.get', { id })).toMatchObject({ ok: true, value: { zones: [yard], masks } });
    // a camera that is not running has no picture to draw on, and says so
    expect(await engine.router.dispatch(VIEWER, 'cameras.still', { id })).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('Zoned 2 is not running') } });
  });

  it('shows the newest recorded picture of a camera that is off, once it recorded something', async () => {
    const res = await engine.router.dispatch(ADMIN, 'cameras.upsert', { name: 'Recorded once', enabled: false, streams: [{ name: 'main', url: 'rtsp://127.0.0.1:9/x', roles: ['record', 'detect'] }] });
    const id = (res as { ok: true; value: { id: string } }).value.id;
    expect(await engine.router.dispatch(VIEWER, 'cameras.still', { id })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    // a real 3 s recording in the store: white for the first second, then red (the picture is taken near the end)
    const rel = `${id}/2026-12-03/10-00-00.mp4`;
    mkdirSync(join(h.dataDir, 'recordings', id, '2026-12-03'), { recursive: true });
    const made = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=white:s=640x360:r=10:d=1', '-f', 'lavfi', '-i', 'color=red:s=640x360:r=10:d=2', '-filter_complex', '[0][1]concat=n=2:v=1', '-c:v', 'libx264', '-g', '5', '-pix_fmt', 'yuv420p', join(h.dataDir, 'recordings', rel)]);
    expect(made.status, made.stderr?.toString()).toBe(0);
    engine.segments.add({ cameraId: id, path: rel, start: T_RECORDED, end: T_RECORDED + 3000, durationMs: 3000, bytes: 1000 });
    const still = await engine.router.dispatch(VIEWER, 'cameras.still', { id });
    expect(still).toMatchObject({ ok: true, value: { width: 640, height: 360, time: T_RECORDED + 2000 } });
    const { data, info } = await sharp(Buffer.from((still as { ok: true; value: { jpeg: string } }).value.jpeg, 'base64')).raw().toBuffer({ resolveWithObject: true });
    const at = (info.height / 2) * info.width * info.channels + (info.width / 2) * info.channels;
    expect([data[at]! > 200, data[at + 1]! < 60, data[at + 2]! < 60]).toEqual([true, true, true]);
  });

  it('answers unknown methods, missing cameras and missing roles with their codes', async () => {
    expect(await engine.router.dispatch(ADMIN, 'cameras.explode', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await engine.router.dispatch(ADMIN, 'cameras.get', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await engine.router.dispatch(VIEWER, 'cameras.delete', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await engine.router.dispatch(ADMIN, 'cameras.delete', { id: 'nope' })).toEqual({ ok: true, value: { deleted: false, freedBytes: 0 } });
  });
});

describe('settings', () => {
  it('returns defaults, stores a change, and names the bad field', async () => {
    const got = await engine.router.dispatch(VIEWER, 'settings.get', {});
    expect(got).toMatchObject({ ok: true, value: { storage: { quotaGb: 100, minFreeGb: 2 } } });

    const set = await engine.router.dispatch(ADMIN, 'settings.set', { section: 'storage', value: { quotaGb: 3.5 } });
    expect(set).toMatchObject({ ok: true, value: { storage: { quotaGb: 3.5, minFreeGb: 2 } } });

    const bad = await engine.router.dispatch(ADMIN, 'settings.set', { section: 'storage', value: { quotaGb: -1, bogus: 1 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.message).toContain('storage.quotaGb');
      expect(bad.error.message).toContain('bogus');
    }
    expect(engine.settings.get('storage').quotaGb).toBe(3.5);
  });

  it('exports to YAML and JSON and imports them back; a bad file changes nothing', () => {
    const yamlFile = join(h.dataDir, 'backup.yaml');
    engine.settings.set('general', { theme: 'dark' });
    engine.settings.exportToFile(yamlFile);
    engine.settings.set('general', { theme: 'light' });
    expect(engine.settings.importFromFile(yamlFile).general.theme).toBe('dark');

    const bad = join(h.dataDir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ storage: { quotaGb: 'lots' }, general: { theme: 'light' } }));
    expect(() => engine.settings.importFromFile(bad)).toThrow(/storage\.quotaGb/);
    expect(engine.settings.get('general').theme).toBe('dark');

    const broken = join(h.dataDir, 'broken.json');
    writeFileSync(broken, '{"storage": ');
    expect(() => engine.settings.importFromFile(broken)).toThrow(/not valid JSON/);
  });
});

describe('bus', () => {
  it('delivers typed topics and unsubscribes', () => {
    const seen: string[] = [];
    const off = engine.bus.subscribe('camera.changed', (p) => seen.push(p.id));
    engine.bus.publish('camera.changed', { id: 'a', deleted: false });
    off();
    engine.bus.publish('camera.changed', { id: 'b', deleted: false });
    expect(seen).toEqual(['a']);
  });

  it('keeps delivering when one subscriber throws', () => {
    const seen: string[] = [];
    const off1 = engine.bus.subscribe('camera.changed', () => {
      throw new Error('boom');
    });
    const off2 = engine.bus.subscribe('camera.changed', (p) => seen.push(p.id));
    engine.bus.publish('camera.changed', { id: 'c', deleted: false });
    off1();
    off2();
    expect(seen).toEqual(['c']);
  });
});
