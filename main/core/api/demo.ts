// The demo cameras: the generated picture at once, the clip with people after the download the user starts.
import { existsSync } from 'node:fs';
import { ApiFailure, type Camera, type DemoKind } from '../../common/contract/index.js';
import { DEMO_PEOPLE_URL, DEMO_URL, demoClipPath, demoKindOf, fetchPeopleDemo, PEOPLE_SOURCE } from '../cameras/demo.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import type { ApiDeps } from './index.js';
import type { Implementation } from './router.js';

type DemoMethods = Pick<Implementation, 'demo.info' | 'demo.fetch' | 'cameras.addDemo'>;

const DEMOS: Record<DemoKind, { name: string; url: string }> = {
  pattern: { name: 'Demo camera', url: DEMO_URL },
  people: { name: 'Demo: pedestrian plaza', url: DEMO_PEOPLE_URL },
};

/** The alert a newcomer should see within the first minute: a person on the demo camera, shown in the app. */
const DEMO_RULE_NAME = 'Someone on the demo camera';

export function demoApi(deps: Pick<ApiDeps, 'dataDir' | 'bus' | 'settings' | 'cameras' | 'rules'>, publicCamera: (c: Camera) => Camera): DemoMethods {
  let fetching = false;

  const addDemo = (kind: DemoKind): Camera => {
    if (kind === 'people' && !existsSync(demoClipPath(deps.dataDir, 'people'))) {
      throw new ApiFailure('unavailable', 'The demo clip with people has not been fetched yet: fetch it first (demo.fetch)');
    }
    const existing = deps.cameras.list().find((c) => c.streams.some((s) => demoKindOf(s.url) === kind));
    const cam =
      existing ??
      deps.cameras.upsert({ name: DEMOS[kind].name, recordMode: 'continuous', streams: [{ name: 'main', url: DEMOS[kind].url, roles: ['record', 'detect', 'live'] }] });
    if (kind === 'people' && !deps.rules.list().some((r) => r.name === DEMO_RULE_NAME)) {
      deps.rules.upsert({ name: DEMO_RULE_NAME, cameras: [cam.id], labels: ['person'], cooldownSeconds: 60, sinks: ['toast', 'desktop'] });
    }
    deps.bus.publish('camera.changed', { id: cam.id, deleted: false });
    return publicCamera(cam);
  };

  return {
    'demo.info': () => ({
      people: {
        name: PEOPLE_SOURCE.name,
        url: PEOPLE_SOURCE.url,
        sizeBytes: PEOPLE_SOURCE.size,
        license: PEOPLE_SOURCE.license,
        credit: PEOPLE_SOURCE.credit,
        ready: existsSync(demoClipPath(deps.dataDir, 'people')),
        fetching,
      },
    }),
    'demo.fetch': () => {
      if (fetching) return { started: false };
      fetching = true;
      const total = PEOPLE_SOURCE.size;
      const cfg = deps.settings.get('ffmpeg');
      const { ffmpeg } = locateFfmpeg({ ffmpeg: cfg.ffmpegPath || undefined, ffprobe: cfg.ffprobePath || undefined });
      deps.bus.publish('demo.progress', { stage: 'downloading', received: 0, total });
      // PORCHLIGHT_DEMO_MIRROR: a base URL serving the clip by file name (as PORCHLIGHT_MODEL_MIRROR for models); the
      // pinned SHA-256 is checked either way
      const mirror = process.env.PORCHLIGHT_DEMO_MIRROR;
      void fetchPeopleDemo(deps.dataDir, ffmpeg, { ...(mirror ? { mirror } : {}), onProgress: (p) => deps.bus.publish('demo.progress', p) })
        .then(() => {
          const cam = addDemo('people');
          deps.bus.publish('demo.progress', { stage: 'done', received: total, total, cameraId: cam.id });
        })
        .catch((err: unknown) => deps.bus.publish('demo.progress', { stage: 'failed', received: 0, total, error: (err as Error).message }))
        .finally(() => {
          fetching = false;
        });
      return { started: true };
    },
    'cameras.addDemo': ({ kind }) => addDemo(kind),
  };
}
