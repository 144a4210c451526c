// `npm start`'s first step: the engine's SQLite (better-sqlite3-multiple-ciphers) built for Electron's ABI, in build/native/,
// beside (never over) the Node build that `npm ci` made for the tests and `porchlight serve`. Does nothing when a matching
// build is already there.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronNativeDir, SQLITE_BINARY, SQLITE_MODULE, type NativeRuntime } from '../main/core/storage/native-binding.js';

/** Where node-gyp fetches Electron's headers (Electron's documented address); a mirror can stand in. */
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

export interface ElectronTarget extends NativeRuntime {
  electronVersion: string;
}

/** Electron's version and ABI as the installed `electron` package states them (no binary needed). */
export function electronTarget(root: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): ElectronTarget {
  const dir = join(root, 'node_modules', 'electron');
  if (!existsSync(join(dir, 'package.json'))) throw new Error('node_modules/electron is missing: run `npm ci` first');
  const electronVersion = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const abiFile = join(dir, 'abi_version');
  if (!existsSync(abiFile)) throw new Error(`node_modules/electron has no abi_version: reinstall electron ${electronVersion}`);
  return { electronVersion, abi: readFileSync(abiFile, 'utf8').trim(), platform, arch };
}

interface Stamp {
  module: string;
  moduleVersion: string;
  electronVersion: string;
  abi: string;
  platform: string;
  arch: string;
}

function stampFor(root: string, target: ElectronTarget): Stamp {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules', SQLITE_MODULE, 'package.json'), 'utf8')) as { version: string };
  return { module: SQLITE_MODULE, moduleVersion: pkg.version, electronVersion: target.electronVersion, abi: target.abi, platform: target.platform, arch: target.arch };
}

function sameStamp(file: string, want: Stamp): boolean {
  if (!existsSync(file)) return false;
  try {
    const have = JSON.parse(readFileSync(file, 'utf8')) as Partial<Stamp>;
    return (Object.keys(want) as Array<keyof Stamp>).every((k) => have[k] === want[k]);
  } catch {
    return false;
  }
}

export interface EnsureOptions {
  root?: string;
  /** Electron's headers (default ELECTRON_HEADERS_URL, or $PORCHLIGHT_ELECTRON_HEADERS_URL). */
  headersUrl?: string;
  /** node-gyp's header cache (default ~/.electron-gyp, as Electron's docs use). */
  devDir?: string;
  log?: (line: string) => void;
}

export interface EnsureResult {
  built: boolean;
  file: string;
  target: ElectronTarget;
}

/** Builds the SQLite module for Electron into build/native/… unless a build for this Electron, ABI and module version is there. */
export async function ensureElectronNative(opts: EnsureOptions = {}): Promise<EnsureResult> {
  const root = resolve(opts.root ?? join(fileURLToPath(new URL('.', import.meta.url)), '..'));
  const log = opts.log ?? ((line: string) => console.log(line));
  const target = electronTarget(root);
  const outDir = electronNativeDir(root, target);
  const file = join(outDir, SQLITE_BINARY);
  const stampFile = join(outDir, 'stamp.json');
  const stamp = stampFor(root, target);
  if (existsSync(file) && sameStamp(stampFile, stamp)) {
    log(`${SQLITE_MODULE} ${stamp.moduleVersion} is built for Electron ${target.electronVersion} (ABI ${target.abi}): nothing to do`);
    return { built: false, file, target };
  }
  log(`building ${SQLITE_MODULE} ${stamp.moduleVersion} for Electron ${target.electronVersion} (ABI ${target.abi}, ${target.platform}-${target.arch}); the Node build stays as it is`);
  // node-gyp builds in place, so it works on a copy of the module: the Node build in node_modules is never touched
  mkdirSync(join(root, 'build', 'native'), { recursive: true });
  const staging = mkdtempSync(join(root, 'build', 'native', '.staging-'));
  try {
    const moduleCopy = join(staging, SQLITE_MODULE);
    // the real folder, copied file by file: a linked node_modules must never lead node-gyp back into the Node build
    const source = realpathSync(join(root, 'node_modules', SQLITE_MODULE));
    cpSync(source, moduleCopy, { recursive: true, dereference: true, filter: (src) => !(src === join(source, 'build') || basename(src) === 'node_modules') });
    if (lstatSync(moduleCopy).isSymbolicLink() || realpathSync(moduleCopy) !== join(realpathSync(staging), SQLITE_MODULE) || existsSync(join(moduleCopy, 'build'))) {
      throw new Error(`the build copy of ${SQLITE_MODULE} is not a plain folder of its own (${moduleCopy}): refusing to build`);
    }
    await nodeGyp(moduleCopy, target, opts.headersUrl ?? process.env.PORCHLIGHT_ELECTRON_HEADERS_URL ?? ELECTRON_HEADERS_URL, opts.devDir ?? join(homedir(), '.electron-gyp'));
    const built = join(moduleCopy, 'build', 'Release', SQLITE_BINARY);
    if (!existsSync(built)) throw new Error(`node-gyp finished but ${SQLITE_BINARY} is not in build/Release`);
    mkdirSync(outDir, { recursive: true });
    renameSync(built, `${file}.tmp`);
    renameSync(`${file}.tmp`, file);
    writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
    log(`built ${file}`);
    return { built: true, file, target };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** node-gyp for Electron, as Electron's "native modules" guide runs it; npm's nodedir (Node's own headers) is kept out. */
function nodeGyp(dir: string, target: ElectronTarget, headersUrl: string, devDir: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const gyp = require.resolve('node-gyp/bin/node-gyp.js');
  const args = [gyp, 'rebuild', '--release', `--target=${target.electronVersion}`, `--arch=${target.arch}`, `--dist-url=${headersUrl}`, `--devdir=${devDir}`, '--jobs=max'];
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_runtime: 'electron', npm_config_target: target.electronVersion, npm_config_disturl: headersUrl };
  for (const key of Object.keys(env)) if (/^npm_config_nodedir$/i.test(key)) delete env[key];
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) tail.push(line);
      tail.splice(0, Math.max(0, tail.length - 30));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (err) => reject(new Error(`could not run node-gyp: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) return resolveRun();
      reject(
        new Error(
          `building ${SQLITE_MODULE} for Electron ${target.electronVersion} failed (node-gyp exit ${code}). It needs a C++ toolchain ` +
            `(build-essential and python3 on Linux, Xcode's command line tools on macOS, Visual Studio Build Tools on Windows) and ` +
            `Electron's headers from ${headersUrl}. The Node build for tests and the server is untouched.\n${tail.join('\n')}`,
        ),
      );
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureElectronNative().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
