// `porchlight serve` as a child process on a data folder (for crash tests): its URL, its setup code, and the admin set up.
import { spawn, type ChildProcess } from 'node:child_process';
import { MODELS_DIR } from './test-data.js';

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Printed before the listening line while no admin exists. */
  setupCode: string | undefined;
}

export function startServeProcess(dataDir: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/server/cli.ts', 'serve', '--data', dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORCHLIGHT_LOG_LEVEL: 'warn', PORCHLIGHT_MODELS_DIR: MODELS_DIR, ...env },
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: m[1], setupCode: /Setup code: (\S+)/.exec(out)?.[1] });
      }
    });
    child.stderr!.resume();
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${out}`));
    });
  });
}

/** Creates the first admin with the printed code; returns the session cookie. */
export async function setupAdmin(s: ServeProcess, password = 'a long admin password'): Promise<string> {
  const res = await fetch(`${s.url}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password, setupCode: s.setupCode }),
  });
  if (res.status !== 200) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}
