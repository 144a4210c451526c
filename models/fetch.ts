// `npm run models [-- NAME|all] [--dir DIR]`: downloads manifest models, verifies sha256, installs them atomically.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { downloadModel } from '../main/core/detect/download.js';
import { DetectError } from '../main/core/detect/frame.js';
import { loadManifest, type ModelEntry } from '../main/core/detect/manifest.js';
import { sha256File } from '../main/core/detect/models.js';
import { defaultDataDir } from '../main/core/paths.js';

const { values, positionals } = parseArgs({ options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
const manifest = loadManifest();

if (values.help) {
  console.log(`usage: npm run models [-- NAME|all] [--dir DIR]\nmodels: ${manifest.models.map((m) => `${m.name}${m.default ? ' (default)' : ''}`).join(', ')}`);
  process.exit(0);
}

const dir = values.dir ?? join(defaultDataDir(), 'models');
const wanted: ModelEntry[] = [];
for (const name of positionals.length ? positionals : [manifest.defaultModel().name]) {
  if (name === 'all') {
    wanted.push(...manifest.models);
    continue;
  }
  const entry = manifest.byName(name);
  if (!entry) {
    console.error(`unknown model ${name}; known: ${manifest.models.map((m) => m.name).join(', ')}`);
    process.exit(2);
  }
  wanted.push(entry);
}

let failed = 0;
for (const entry of wanted) {
  const dest = join(dir, entry.file);
  if (existsSync(dest) && (await sha256File(dest)) === entry.sha256) {
    console.error(`${entry.name}: already installed in ${dir}`);
    continue;
  }
  const started = Date.now();
  try {
    await downloadModel(entry, dir, {
      onProgress: ({ received, total }) => process.stderr.write(`\r${entry.name}: ${((100 * received) / total).toFixed(0)}% of ${(total / 1048576).toFixed(1)} MiB`),
    });
    process.stderr.write(`\r${entry.name}: installed in ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s, sha256 verified)\n`);
  } catch (err) {
    failed++;
    const e = err instanceof DetectError ? err : new DetectError('download_failed', String(err));
    process.stderr.write(`\n${entry.name}: ${e.code}: ${e.message}\n`);
  }
}
process.exit(failed ? 1 : 0);
