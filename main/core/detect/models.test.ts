// The manifest and model resolution: real files verify; missing, corrupt and unknown-family models fail with codes.
import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { createDetector } from './detector.js';
import { DetectError } from './frame.js';
import { loadManifest, parseManifest } from './manifest.js';
import { resolveModel, sha256File } from './models.js';
import { MODELS_DIR } from '../../../test/helpers/test-data.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DetectError);
    return (err as DetectError).code;
  }
  return 'resolved';
}

describe('manifest', () => {
  const manifest = loadManifest();

  it('offers the six licensed models with DEIMv2-Femto as the default (chosen by measurement)', () => {
    expect(manifest.models.map((m) => m.name).sort()).toEqual(['deimv2_hgnetv2_femto_coco', 'nanodet_m_320_coco', 'nanodet_m_416_coco', 'picodet_s_320_coco', 'picodet_s_416_coco', 'yolox_nano_416_coco']);
    expect(manifest.defaultModel().name).toBe('deimv2_hgnetv2_femto_coco');
    expect(manifest.models.some((m) => m.name.includes('fastest'))).toBe(false);
    for (const m of manifest.models) {
      expect(m.labels).toHaveLength(80);
      expect(m.labels[16]).toBe('dog');
      expect(m.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\//);
    }
  });

  it('lists the exact size and sha256 of the real files', async () => {
    for (const m of manifest.models) {
      const { path } = await resolveModel(m.name, { modelsDir: MODELS_DIR, verify: false });
      expect(statSync(path).size).toBe(m.size);
      expect(await sha256File(path)).toBe(m.sha256);
    }
  });

  it('rejects a manifest without exactly one default', () => {
    const raw = JSON.parse(JSON.stringify({ version: 1, labelSets: {}, models: manifest.models })) as { models: { default: boolean }[] };
    for (const m of raw.models) m.default = false;
    expect(() => parseManifest(raw)).toThrow(/default/);
  });
});

describe('resolveModel', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  it('resolves and verifies the default model', async () => {
    const r = await resolveModel(undefined, { modelsDir: MODELS_DIR });
    expect(r.entry.name).toBe('deimv2_hgnetv2_femto_coco');
    expect(r.path).toBe(join(MODELS_DIR, 'deimv2_hgnetv2_femto_coco.onnx'));
  });

  it('finds <dataDir>/models when no folder is given', async () => {
    const saved = process.env.PORCHLIGHT_MODELS_DIR;
    delete process.env.PORCHLIGHT_MODELS_DIR;
    try {
      expect(await codeOf(resolveModel('nanodet_m_320_coco', { dataDir: tmp.dir }))).toBe('model_missing');
      const dir = join(tmp.dir, 'models');
      mkdirSync(dir);
      copyFileSync(join(MODELS_DIR, 'nanodet_m_320_coco.onnx'), join(dir, 'nanodet_m_320_coco.onnx'));
      expect((await resolveModel('nanodet_m_320_coco', { dataDir: tmp.dir })).path).toBe(join(dir, 'nanodet_m_320_coco.onnx'));
    } finally {
      if (saved !== undefined) process.env.PORCHLIGHT_MODELS_DIR = saved;
    }
  });

  it('reports a missing model with how to get it', async () => {
    const err = await resolveModel('yolox_nano_416_coco', { modelsDir: tmp.dir }).catch((e: unknown) => e as DetectError);
    expect(err).toBeInstanceOf(DetectError);
    expect((err as DetectError).code).toBe('model_missing');
    expect((err as DetectError).message).toMatch(/npm run models/);
    expect((err as DetectError).message).toMatch(/Settings/);
    expect((err as DetectError).toJSON()).toEqual({ code: 'model_missing', message: (err as DetectError).message });
  });

  it('reports a damaged file as model_corrupt (sha256) and one ORT cannot load as model_corrupt too', async () => {
    writeFileSync(join(tmp.dir, 'yolox_nano_416_coco.onnx'), 'this is not an onnx model'.repeat(100));
    expect(await codeOf(resolveModel('yolox_nano_416_coco', { modelsDir: tmp.dir }))).toBe('model_corrupt');
    expect(await codeOf(createDetector({ model: 'yolox_nano_416_coco', modelsDir: tmp.dir }))).toBe('model_corrupt');
    // Without the checksum (e.g. a custom model) the garbage reaches onnxruntime, which refuses it.
    expect(await codeOf(createDetector({ model: 'yolox_nano_416_coco', modelsDir: tmp.dir, verify: false }))).toBe('model_corrupt');
  });

  it('reports an unknown family and an unknown name', async () => {
    const base = loadManifest().defaultModel();
    const manifest = parseManifest({ version: 1, models: [{ ...base, name: 'mystery', family: 'mysterynet', default: true }] });
    expect(await codeOf(resolveModel('mystery', { modelsDir: MODELS_DIR, manifest }))).toBe('model_unknown_family');
    expect(await codeOf(createDetector({ model: 'mystery', modelsDir: MODELS_DIR, manifest }))).toBe('model_unknown_family');
    expect(await codeOf(resolveModel('no_such_model', { modelsDir: MODELS_DIR }))).toBe('model_unknown');
  });
});
