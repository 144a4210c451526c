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
  files: string[];
  npmRebuild: boolean;
  extraResources: Array<{ from: string; to: string }>;
  deb: { depends: string[] };
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  publish: unknown;
  linux: { files: string[] };
  win: { files: string[] };
  mac: { files: string[]; hardenedRuntime: boolean; entitlements: string; extendInfo: Record<string, unknown> };
};

/** electron-builder expands ${arch} in file patterns to the arch it packs for. */
const forArch = (patterns: string[], arch: string): string[] => patterns.map((p) => p.replaceAll('${arch}', arch));

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
  ] as [Target, string][])('%s packs only its own onnxruntime binaries, for the arch it packs', (target, os) => {
    for (const arch of ['x64', 'arm64']) {
      const patterns = forArch([...config.files, ...config[target].files], arch).filter((p) => p.startsWith('!'));
      const excluded = (path: string): boolean => patterns.some((p) => minimatch(path, p.slice(1)));
      const binRoot = join(ROOT, 'node_modules/onnxruntime-node/bin');
      const kept = new Set<string>();
      const shipped = new Set<string>();
      for (const napi of readdirSync(binRoot)) {
        for (const platform of readdirSync(join(binRoot, napi))) {
          for (const cpu of readdirSync(join(binRoot, napi, platform))) {
            shipped.add(`${platform}/${cpu}`);
            if (!excluded(`node_modules/onnxruntime-node/bin/${napi}/${platform}/${cpu}/onnxruntime_binding.node`)) kept.add(`${platform}/${cpu}`);
          }
        }
      }
      // onnxruntime-node ships no macOS x64 build: an Intel Mac package gets none (and detection says so at run time)
      expect([...kept]).toEqual(shipped.has(`${os}/${arch}`) ? [`${os}/${arch}`] : []);
    }
  });

  it('ships the SQLite module (better-sqlite3-multiple-ciphers) built for Electron from build/native and no rebuild in place (the Node build stays for tests)', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.files).toContain('build/native/electron-*/better_sqlite3.node');
    expect(config.asarUnpack).toContain('build/native/**');
    const excluded = (path: string): boolean => config.files.filter((p) => p.startsWith('!')).some((p) => minimatch(path, p.slice(1)));
    expect(excluded('node_modules/better-sqlite3-multiple-ciphers/src/better_sqlite3.cpp')).toBe(true);
    expect(excluded('node_modules/better-sqlite3-multiple-ciphers/deps/sqlite3/sqlite3.c')).toBe(true);
    expect(excluded('node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node')).toBe(true);
    expect(excluded('node_modules/better-sqlite3-multiple-ciphers/lib/database.js')).toBe(false);
  });

  it("the deb keeps electron-builder's default dependencies and adds ALSA, GBM and ffmpeg", () => {
    const defaults = ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'];
    for (const d of defaults) expect(config.deb.depends).toContain(d);
    expect(config.deb.depends).toContain('ffmpeg');
    expect(config.deb.depends).toContain('libgbm1');
    expect(config.deb.depends).toContain('libasound2 | libasound2t64');
  });

  it('macOS: says why it uses the local network (macOS 15+ blocks it silently otherwise), with network entitlements', () => {
    const why = config.mac.extendInfo.NSLocalNetworkUsageDescription;
    expect(typeof why).toBe('string');
    expect(String(why)).toMatch(/cameras/i);
    expect(config.mac.extendInfo.NSBonjourServices).toEqual(expect.arrayContaining(['_rtsp._tcp', '_onvif._tcp']));
    const plist = readFileSync(join(ROOT, config.mac.entitlements), 'utf8');
    for (const key of ['com.apple.security.network.client', 'com.apple.security.network.server', 'com.apple.security.cs.allow-jit']) {
      expect(plist).toMatch(new RegExp(`<key>${key.replaceAll('.', '\\.')}</key>\\s*<true/>`));
    }
  });

  it("carries the third-party licences, ffmpeg's among them", () => {
    const notices = config.extraResources.find((r) => r.to === 'THIRD-PARTY-NOTICES.md');
    expect(notices).toBeDefined();
    const text = readFileSync(join(ROOT, notices!.from), 'utf8');
    for (const name of ['FFmpeg', 'LGPL', 'Electron', 'ONNX Runtime', 'SQLite', 'better-sqlite3-multiple-ciphers', 'SQLite3 Multiple Ciphers', 'libvips']) expect(text).toContain(name);
  });
});

describe('npm run dist', () => {
  it('runs every step up to the download in a dry run', async () => {
    const lines: string[] = [];
    const done = await runPlan(plan('linux', { build: false }), { dryRun: true, log: (s) => lines.push(s) });
    expect(done).toEqual(['check bundled models', 'check build outputs', 'validate electron-builder config']);
    expect(lines).toContain('skip (dry run): build the SQLite module for Electron into build/native (downloads Electron headers once)');
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
    expect(config.extraResources).toContainEqual({ from: 'build/models', to: 'models', filter: ['*.onnx'] });
  });
});
