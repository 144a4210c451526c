// Which SQLite binary (better-sqlite3-multiple-ciphers, the encrypting fork) this process loads. `npm ci` builds one for
// plain Node (tests, `porchlight serve`); the desktop start step builds another for Electron's ABI into its own folder, so
// neither overwrites the other.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ROOT } from '../version.js';

export interface NativeRuntime {
  /** Module ABI (process.versions.modules; Electron's is in node_modules/electron/abi_version). */
  abi: string;
  platform: NodeJS.Platform;
  arch: string;
}

/** The npm package the engine's SQLite comes from (one import place: cipher.ts), and the binary its node-gyp build makes. */
export const SQLITE_MODULE = 'better-sqlite3-multiple-ciphers';
export const SQLITE_BINARY = 'better_sqlite3.node';

/** build/native/electron-v<abi>-<platform>-<arch>: one folder per ABI and machine, written only by build/native.ts. */
export function electronNativeDir(root: string, runtime: NativeRuntime): string {
  return join(root, 'build', 'native', `electron-v${runtime.abi}-${runtime.platform}-${runtime.arch}`);
}

/**
 * Under Electron, the binary built for Electron's ABI, when it exists; otherwise (plain Node, or an installer whose
 * packaging rebuilt the module in place) the module's own build is loaded as usual.
 */
export function sqliteBinding(
  versions: Partial<Record<string, string>> = process.versions,
  root: string = APP_ROOT,
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string | undefined {
  if (!versions.electron || !versions.modules) return undefined;
  const file = join(electronNativeDir(root, { abi: versions.modules, platform, arch }), SQLITE_BINARY);
  return existsSync(file) ? file : undefined;
}
