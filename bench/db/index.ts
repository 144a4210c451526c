// bench/db: `npm run bench -- db [events] [rounds]` the cost of the encrypted database against plain better-sqlite3;
// `npm run bench -- db pages [events] [plain]` the events page query on 1,000,000 events (encrypted, or plain).
import { cipherBench } from './cipher.js';
import { pages } from './pages.js';

export default async function run(args: string[]): Promise<Record<string, unknown>> {
  return args[0] === 'pages' ? pages(args.slice(1)) : cipherBench(args);
}
