// Starts a real engine on a temporary data directory for a test.
import { startEngine, type Engine } from '../../main/core/app.js';
import type { CallContext } from '../../main/core/api/router.js';
import { MODELS_DIR } from './test-data.js';
import { makeTempDir } from './tmp.js';

export const ADMIN: CallContext = { user: { name: 'test-admin', role: 'admin' }, origin: 'test' };
export const VIEWER: CallContext = { user: { name: 'test-viewer', role: 'viewer', permissions: ['live', 'recordings', 'export'], cameras: null }, origin: 'test' };

export async function withEngine(opts: { startCameras?: boolean; modelsDir?: string; dataDir?: string } = {}): Promise<{ engine: Engine; dataDir: string; close: () => Promise<void> }> {
  const tmp = opts.dataDir ? { dir: opts.dataDir, cleanup: () => undefined } : makeTempDir();
  const engine = await startEngine({ dataDir: tmp.dir, host: 'server', startCameras: opts.startCameras ?? false, modelsDir: opts.modelsDir ?? MODELS_DIR });
  return {
    engine,
    dataDir: tmp.dir,
    close: async () => {
      await engine.stop();
      tmp.cleanup();
    },
  };
}
