// Packaging, checked up to the step that needs a download: the config passes electron-builder's schema and does what it must.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { CONFIG, loadConfig, plan, ROOT, runPlan, validateConfig, type Target } from './dist.js';

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
    for (const m of ['better-sqlite3', 'onnxruntime-node', '@ffmpeg-installer']) expect(config.asarUnpack.some((p) => p.includes(m))).toBe(true);
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
    expect(done).toEqual(['check build outputs', 'validate electron-builder config']);
    expect(lines.at(-1)).toMatch(/^skip \(dry run\): package for linux/);
  });
});
