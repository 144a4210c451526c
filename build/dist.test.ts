// Packaging, checked up to the step that needs a download: the config passes electron-builder's schema and does what it must.
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../main/core/detect/manifest.js';
import { MODELS_DIR } from '../test/helpers/test-data.js';
import { makeTempDir } from '../test/helpers/tmp.js';
import { checkBundledModels, CONFIG, loadConfig, plan, ROOT, runPlan, validateConfig, type Target } from './dist.js';

const config = loadConfig(CONFIG) as {
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  publish: unknown;
  linux: { files: string[] };
  win: { files: string[] };
  mac: { files: string[]; hardenedRuntime: boolean; entitlements: string };
};

describe('electron-builder config', () => {
  it('passes electron-builder’s own schema check', async () => {
    await expect(validateConfig(config as unknown as Record<string, unknown>)).resolves.toBeUndefined();
  });

  it('a wrong key is caught by the same check', async () => {
    await expect(validateConfig({ ...config, linuxx: {} } as Record<string, unknown>)).rejects.toThrow(/linuxx|additional/i);
  });

  it('sets the fuses, unpacks native modules, hardens macOS and publishes nowhere', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableCookieEncryption: true, enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true });
    for (const m of ['better-sqlite3', 'onnxruntime-node']) expect(config.asarUnpack.some((p) => p.includes(m))).toBe(true);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.publish).toBeNull();
  });

  it.each([
    ['linux', 'linux'],
    ['win', 'win32'],
    ['mac', 'darwin'],
  ] as [Target, string][])('%s packs only its own onnxruntime binaries', (target, os) => {
    const excludes = config[target].files.map((p) => (path: string) => minimatch(path, p.slice(1)));
    const binRoot = join(ROOT, 'node_modules/onnxruntime-node/bin');
    const kept = new Set<string>();
    for (const napi of readdirSync(binRoot)) {
      for (const platform of readdirSync(join(binRoot, napi))) {
        const rel = `node_modules/onnxruntime-node/bin/${napi}/${platform}/x64/file`;
        if (!excludes.some((m) => m(rel))) kept.add(platform);
      }
    }
    expect([...kept]).toEqual([os]);
  });
});

describe('npm run dist', () => {
  it('runs every step up to the download in a dry run', async () => {
    const lines: string[] = [];
    const done = await runPlan(plan('linux', { build: false }), { dryRun: true, log: (s) => lines.push(s) });
    expect(done).toEqual(['check bundled models', 'check build outputs', 'validate electron-builder config']);
    expect(lines.at(-1)).toMatch(/^skip \(dry run\): package for linux/);
  });

  it('with --bundle-model, plans the default model fetch before packaging', () => {
    const names = plan('linux', { build: false, bundleModel: true }).map((s) => s.name);
    expect(names[0]).toBe('fetch the default model into build/models');
    expect(plan('linux', { build: false, bundleModel: true })[0]?.needsDownload).toBe(true);
  });

  it('bundles only models whose SHA-256 matches the manifest', async () => {
    const tmp = makeTempDir();
    try {
      const entry = loadManifest().defaultModel();
      copyFileSync(join(MODELS_DIR, entry.file), join(tmp.dir, entry.file));
      expect(await checkBundledModels(tmp.dir)).toEqual([entry.name]);
      const bytes = readFileSync(join(tmp.dir, entry.file));
      bytes[100] = (bytes[100] ?? 0) ^ 1;
      writeFileSync(join(tmp.dir, entry.file), bytes);
      await expect(checkBundledModels(tmp.dir)).rejects.toThrow(/does not match its SHA-256/);
      writeFileSync(join(tmp.dir, entry.file), 'x');
      rmSync(join(tmp.dir, entry.file));
      writeFileSync(join(tmp.dir, 'stranger.onnx'), 'x');
      await expect(checkBundledModels(tmp.dir)).rejects.toThrow(/not in models\/manifest.json/);
      expect(await checkBundledModels(join(tmp.dir, 'none'))).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  });

  it('ships build/models as resources/models', () => {
    expect((config as unknown as { extraResources: unknown[] }).extraResources).toEqual([{ from: 'build/models', to: 'models', filter: ['*.onnx'] }]);
  });
});
