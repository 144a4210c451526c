// The owner's examples go out with the settings backup and come back with it, on real SQLite files of two installations.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Camera } from '../../common/contract/index.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import { EMBEDDING_LENGTH } from './appearance.js';

type Harness = Awaited<ReturnType<typeof withEngine>>;

async function addCamera(h: Harness, name: string, id?: string): Promise<Camera> {
  const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', { ...(id ? { id } : {}), name, streams: [{ name: 'main', url: `rtsp://127.0.0.1:9/${name}`, roles: ['record', 'detect'] }] });
  if (!res.ok) throw new Error(res.error.message);
  return res.value as Camera;
}

describe('learned examples in the backup', () => {
  let a: Harness;
  let b: Harness;
  let porch: Camera;
  let shed: Camera;
  const look = Float32Array.from({ length: EMBEDDING_LENGTH }, (_, i) => (i % 7) / 10);
  let crop: Buffer;

  beforeAll(async () => {
    crop = await sharp({ create: { width: 24, height: 40, channels: 3, background: '#7a6040' } }).jpeg({ quality: 80 }).toBuffer();
    a = await withEngine();
    b = await withEngine();
    porch = await addCamera(a, 'Porch');
    shed = await addCamera(a, 'Shed');
    const add = (cameraId: string, verdict: 'correct' | 'false_alarm', score: number, time: number, withCrop = true): number =>
      a.engine.learned.add({ cameraId, eventId: null, verdict, label: 'person', score, box: [0.1, 0.2, 0.3, 0.6], embedding: look, crop: withCrop ? crop : null, time }).id;
    add(porch.id, 'correct', 0.8, 1000);
    add(porch.id, 'false_alarm', 0.55, 2000, false);
    const undoMe = add(porch.id, 'false_alarm', 0.6, 3000);
    a.engine.learned.undo(undoMe);
    add(porch.id, 'false_alarm', 0.5, 5000);
    add(shed.id, 'false_alarm', 0.5, 4000);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('exports every example with its crop and look, and imports them into another installation once', async () => {
    const file = join(a.dataDir, 'backup.yaml');
    a.engine.settings.exportToFile(file);
    expect(readFileSync(file, 'utf8')).toMatch(/^learned:/m);

    // the other installation has the porch (same id) but no shed
    await addCamera(b, 'Porch', porch.id);
    const imported = b.engine.settings.importFromFile(file);
    expect(imported.parts?.learned).toEqual({ added: 4, present: 0, skippedCameras: { [shed.id]: 1 } });

    const all = b.engine.learned.list({ cameraId: porch.id, includeUndone: true }).examples;
    expect(all.map((e) => [e.verdict, e.score, e.time, e.undone]).sort()).toEqual([
      ['correct', 0.8, 1000, false],
      ['false_alarm', 0.55, 2000, false],
      ['false_alarm', 0.6, 3000, true],
      ['false_alarm', 0.5, 5000, false],
    ].sort());
    // what the camera does with them comes back too: the calibrated threshold
    expect(b.engine.learned.threshold(porch.id, 'person')).toBe(a.engine.learned.threshold(porch.id, 'person'));
    expect(b.engine.learned.threshold(porch.id, 'person')).toBeDefined();
    // crops and appearance vectors byte for byte
    const back = b.engine.learned.exportBackup();
    const there = a.engine.learned.exportBackup().filter((e) => e.cameraId === porch.id);
    expect(back.map((e) => [e.time, e.crop, e.embedding])).toEqual(there.map((e) => [e.time, e.crop, e.embedding]));
    expect(Buffer.from(back.find((e) => e.time === 1000)?.crop ?? '', 'base64').equals(crop)).toBe(true);

    // the same backup again adds nothing
    expect(b.engine.settings.importFromFile(file).parts?.learned).toMatchObject({ added: 0, present: 4 });
    expect(b.engine.learned.list({ includeUndone: true }).examples).toHaveLength(4);
  });

  it('round-trips through JSON as well, and a backup of settings alone still imports', () => {
    const json = join(a.dataDir, 'backup.json');
    a.engine.settings.exportToFile(json);
    const data = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
    expect(Array.isArray(data.learned)).toBe(true);
    delete data.learned;
    const old = join(a.dataDir, 'old.json');
    writeFileSync(old, JSON.stringify(data));
    const r = b.engine.settings.importFromFile(old);
    expect(r.parts).toBeUndefined();
    expect(b.engine.learned.list({ includeUndone: true }).examples).toHaveLength(4);
  });

  it('refuses a backup with a broken example and stores nothing of it, settings included', () => {
    const json = join(a.dataDir, 'backup.json');
    const data = JSON.parse(readFileSync(json, 'utf8')) as { general: { theme: string }; learned: { score: number; embedding: string }[] };
    data.general.theme = 'dark';
    (data.learned[0] as { score: number }).score = 7;
    (data.learned[1] as { embedding: string }).embedding = 'AAA';
    const bad = join(a.dataDir, 'bad.json');
    writeFileSync(bad, JSON.stringify(data));
    const before = b.engine.settings.get('general').theme;
    expect(() => b.engine.settings.importFromFile(bad)).toThrow(/learned\.0\.score/);
    expect(b.engine.settings.get('general').theme).toBe(before);
    expect(b.engine.learned.list({ includeUndone: true }).examples).toHaveLength(4);
  });
});
