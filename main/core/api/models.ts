// Model methods: the manifest with what is installed, user-started downloads with progress, speed on this machine.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiFailure } from '../../common/contract/index.js';
import { createDetector } from '../detect/detector.js';
import { downloadModel } from '../detect/download.js';
import { fullFrame } from '../detect/regions.js';
import { loadManifest, type ModelEntry } from '../detect/manifest.js';
import { modelDirs } from '../detect/models.js';
import type { ApiDeps } from './index.js';
import type { Implementation } from './router.js';

/**
 * PORCHLIGHT_MODEL_MIRROR: a base URL (an office mirror, an air-gapped file server) that serves the manifest's files by name.
 * The SHA-256 from the manifest is checked either way, so a mirror cannot change what runs.
 */
function fromMirror(e: ModelEntry): ModelEntry {
  const mirror = process.env.PORCHLIGHT_MODEL_MIRROR;
  if (!mirror) return e;
  return { ...e, url: new URL(encodeURIComponent(e.file), mirror.endsWith('/') ? mirror : `${mirror}/`).toString() };
}

type ModelMethods = Pick<Implementation, 'models.list' | 'models.download' | 'models.speed'>;

export function modelsApi(deps: Pick<ApiDeps, 'dataDir' | 'bus' | 'settings'> & { modelsDir?: string }): ModelMethods {
  const downloading = new Set<string>();
  const installed = (file: string): boolean => modelDirs({ modelsDir: deps.modelsDir, dataDir: deps.dataDir }).some((d) => existsSync(join(d, file)));
  const entry = (name: string) => {
    const e = loadManifest().byName(name);
    if (!e) throw new ApiFailure('not_found', `There is no model named ${JSON.stringify(name)}`);
    return e;
  };
  return {
    'models.list': () => {
      const active = deps.settings.get('detection').model;
      return loadManifest().models.map((m) => ({
        name: m.name,
        family: m.family,
        inputSize: m.inputSize,
        sizeBytes: m.size,
        license: m.license,
        default: m.default ?? false,
        installed: installed(m.file),
        active: m.name === active,
      }));
    },
    'models.download': ({ name }) => {
      const e = entry(name);
      if (downloading.has(e.name)) return { started: false };
      downloading.add(e.name);
      const publish = (p: { status: 'downloading' | 'done' | 'failed'; received: number; total: number; error?: string }) =>
        deps.bus.publish('model.progress', { name: e.name, ...p });
      publish({ status: 'downloading', received: 0, total: e.size });
      void downloadModel(fromMirror(e), join(deps.dataDir, 'models'), { onProgress: (p) => publish({ status: 'downloading', ...p }) })
        .then(() => publish({ status: 'done', received: e.size, total: e.size }))
        .catch((err: unknown) => publish({ status: 'failed', received: 0, total: e.size, error: (err as Error).message }))
        .finally(() => downloading.delete(e.name));
      return { started: true };
    },
    'models.speed': async ({ name }) => {
      const e = entry(name);
      const detector = await createDetector({ model: e.name, modelsDir: deps.modelsDir, dataDir: deps.dataDir }).catch((err: unknown) => {
        throw new ApiFailure('unavailable', (err as Error).message);
      });
      try {
        const width = 640;
        const height = 360;
        const data = new Uint8Array((width * height * 3) / 2).fill(128);
        const times: number[] = [];
        for (let i = 0; i < 12; i++) {
          const t0 = performance.now();
          await detector.detect({ cameraId: 'speed-test', width, height, data, time: i }, [fullFrame(width, height)]);
          if (i >= 2) times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        return { name: e.name, medianMs: Math.round((times[Math.floor(times.length / 2)] ?? 0) * 10) / 10, runs: times.length };
      } finally {
        await detector.close();
      }
    },
  };
}
