// The running version, read from the package.json that ships with the app.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): { version: string; root: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'porchlight' && pkg.version) return { version: pkg.version, root: dir };
    }
    dir = dirname(dir);
  }
  return { version: '0.0.0-unknown', root: process.cwd() };
}

const found = findPackageJson();
export const VERSION = found.version;
/** The directory holding package.json: the repo in development, the app folder when packaged. */
export const APP_ROOT = found.root;
