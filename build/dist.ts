// `npm run dist [-- linux|win|mac] [--bundle-model] [--dry-run]`: builds the app, checks what will be packed, then runs electron-builder.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { loadManifest } from '../main/core/detect/manifest.js';
import { sha256File } from '../main/core/detect/models.js';
import { ensureElectronNative } from './native.js';

export type Target = 'linux' | 'win' | 'mac';
export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const CONFIG = join(ROOT, 'build', 'electron-builder.yml');

/** The files the packaged app cannot start without. */
export const REQUIRED_OUTPUTS = ['dist/main/electron/main.js', 'dist/main/electron/preload.cjs', 'dist/main/core/detect/worker.js', 'dist/renderer/index.html', 'models/manifest.json'];

export function loadConfig(file = CONFIG): Record<string, unknown> {
  return YAML.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** electron-builder's own schema check (the same one `electron-builder` runs first). */
export async function validateConfig(config: Record<string, unknown>): Promise<void> {
  const require = createRequire(import.meta.url);
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration: (c: unknown, logger: { isEnabled: boolean; add: () => void }) => Promise<void>;
  };
  await validateConfiguration(config, { isEnabled: false, add: () => undefined });
}

export function hostTarget(): Target {
  return process.platform === 'win32' ? 'win' : process.platform === 'darwin' ? 'mac' : 'linux';
}

export interface Step {
  name: string;
  run: () => void | Promise<void>;
  /** Needs the network (the Electron binary, native rebuild headers): skipped in --dry-run. */
  needsDownload?: boolean;
}

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

/** Where `--bundle-model` puts the default model for extraResources; the packaged app looks in resources/models first. */
export const BUNDLED_MODELS_DIR = join(ROOT, 'build', 'models');

/** Models in build/models that match the manifest's SHA-256; anything else there stops the build. */
export async function checkBundledModels(dir = BUNDLED_MODELS_DIR): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const manifest = loadManifest();
  const found: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.onnx'))) {
    const entry = manifest.models.find((m) => m.file === file);
    if (!entry) throw new Error(`build/models/${file} is not in models/manifest.json: remove it`);
    if ((await sha256File(join(dir, file))) !== entry.sha256) throw new Error(`build/models/${file} does not match its SHA-256 in the manifest: fetch it again`);
    found.push(entry.name);
  }
  return found;
}

export function plan(target: Target, opts: { build?: boolean; bundleModel?: boolean; log?: (s: string) => void } = {}): Step[] {
  const log = opts.log ?? ((s: string) => console.log(s));
  return [
    ...(opts.build === false ? [] : [{ name: 'build main and renderer', run: () => sh('npm', ['run', 'build']) }]),
    ...(opts.bundleModel
      ? [
          {
            name: 'fetch the default model into build/models',
            needsDownload: true,
            run: () => sh(process.execPath, ['--import', 'tsx', join(ROOT, 'models', 'fetch.ts'), loadManifest().defaultModel().name, '--dir', BUNDLED_MODELS_DIR]),
          },
        ]
      : []),
    {
      name: 'check bundled models',
      run: async () => {
        const models = await checkBundledModels();
        log(models.length ? `  bundling ${models.join(', ')}` : '  no model bundled: the app offers the download on first run');
      },
    },
    {
      name: 'check build outputs',
      run: () => {
        const missing = REQUIRED_OUTPUTS.filter((f) => !existsSync(join(ROOT, f)));
        if (missing.length) throw new Error(`missing build outputs: ${missing.join(', ')} (run npm run build)`);
      },
    },
    { name: 'validate electron-builder config', run: () => validateConfig(loadConfig()) },
    {
      name: 'build the SQLite module for Electron into build/native (downloads Electron headers once)',
      needsDownload: true,
      run: async () => {
        await ensureElectronNative({ root: ROOT, log });
      },
    },
    {
      name: `package for ${target} (electron-builder; downloads Electron and rebuilds native modules)`,
      needsDownload: true,
      run: () => sh(process.execPath, [join(ROOT, 'node_modules/electron-builder/cli.js'), '--config', CONFIG, `--${target}`, '--publish', 'never']),
    },
  ];
}

export async function runPlan(steps: Step[], opts: { dryRun: boolean; log?: (s: string) => void }): Promise<string[]> {
  const done: string[] = [];
  const log = opts.log ?? ((s: string) => console.log(s));
  for (const step of steps) {
    if (opts.dryRun && step.needsDownload) {
      log(`skip (dry run): ${step.name}`);
      continue;
    }
    log(`→ ${step.name}`);
    await step.run();
    done.push(step.name);
  }
  return done;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const target = (args.find((a) => ['linux', 'win', 'mac'].includes(a)) as Target | undefined) ?? hostTarget();
  runPlan(plan(target, { bundleModel: args.includes('--bundle-model') }), { dryRun: args.includes('--dry-run') }).catch((err: unknown) => {
    console.error(`dist failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
