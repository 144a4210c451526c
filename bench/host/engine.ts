// The load both host layouts carry: an engine with N cameras detecting, every camera's live stream and events followed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine, type Engine } from '../../main/core/app.js';
import { ADMIN } from '../../test/helpers/engine.js';
import { MODELS_DIR } from '../../test/helpers/test-data.js';

export interface Load {
  engine: Engine;
  dataDir: string;
}

/** `send` gets what a desktop host passes on to its window: live fMP4 chunks and event changes. */
export async function startLoad(urls: readonly string[], send: (kind: 'chunk' | 'event', data: Uint8Array | object) => void): Promise<Load> {
  const dataDir = mkdtempSync(join(tmpdir(), 'porchlight-bench-host-'));
  const engine = await startEngine({ dataDir, host: 'desktop', startCameras: true, modelsDir: MODELS_DIR });
  engine.bus.subscribe('event.changed', (e) => send('event', e));
  for (const [i, url] of urls.entries()) {
    const res = await engine.router.dispatch(ADMIN, 'cameras.upsert', {
      name: `Camera ${i + 1}`,
      streams: [{ name: 'main', url, roles: ['record', 'detect', 'live'] }],
      detect: { enabled: true, width: 640, height: 480, fps: 5 },
    });
    if (!res.ok) throw new Error(res.error.message);
  }
  return { engine, dataDir };
}

/** Subscribes to every camera's live stream once it exists (the ingest starts a little after the camera is added). */
export async function followLive(engine: Engine, send: (data: Uint8Array) => void, timeoutMs = 20_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  const followed = new Set<string>();
  const ids = engine.cameras.list().map((c) => c.id);
  while (followed.size < ids.length && Date.now() < end) {
    for (const id of ids) {
      if (followed.has(id)) continue;
      const src = engine.runtime.live(id);
      if (!src) continue;
      src.subscribe((chunk) => send(chunk.data));
      followed.add(id);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return followed.size;
}
