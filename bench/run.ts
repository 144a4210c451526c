// `npm run bench -- NAME`: runs bench/NAME/index.ts; its figures are printed last as one JSON line.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => d.name);
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ')})`);
  process.exit(2);
}
const mod = (await import(join(here, name, 'index.ts'))) as { default: (args: string[]) => Promise<Record<string, unknown>> };
const figures = await mod.default(process.argv.slice(3));
console.log(JSON.stringify(figures));
