// Runs a script on the Node Porchlight is built for: .tools/node when `setup.sh --node` fetched it, else this Node.
// (npm runs scripts with whatever Node started npm; native modules were built for the Node that ran `npm ci`.)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const local = join(root, '.tools', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
const node = existsSync(local) ? local : process.execPath;
const child = spawn(node, process.argv.slice(2), { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.once('exit', (code, signal) => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 1)));
