// Where data lives by default: the platform's per-user application data folder.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(): string {
  if (process.env.PORCHLIGHT_DATA) return process.env.PORCHLIGHT_DATA;
  const home = homedir();
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Porchlight');
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Porchlight');
  return join(process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'porchlight');
}
