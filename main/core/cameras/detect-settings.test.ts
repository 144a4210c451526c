// Per-camera detection settings through the contract: stored, read back, validated, and turned into the pipeline's settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Camera } from '../../common/contract/index.js';
import { CameraDetectSettings, filterFor } from '../detect/settings.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import { motionForSensitivity, pipelineSettings } from './runtime.js';

let h: Awaited<ReturnType<typeof withEngine>>;
beforeAll(async () => {
  h = await withEngine();
});
afterAll(async () => h?.close());

const streams = [{ name: 'main', url: 'rtsp://127.0.0.1:9/main', roles: ['record', 'live-full'] }, { name: 'sub', url: 'rtsp://127.0.0.1:9/sub', roles: ['detect', 'live-grid'] }];

describe('camera detection settings', () => {
  it('labels, scores, areas per label and motion sensitivity are stored and reach the pipeline', async () => {
    const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', {
      name: 'Drive',
      streams,
      detect: { enabled: true, objects: { labels: ['person', 'car'], minScore: 0.55, threshold: 0.7, areas: { car: { min: 0.01, max: 0.5 } }, motionSensitivity: 8 } },
      audio: { record: false },
      input: { transport: 'udp', hwaccel: 'auto', preset: 'reolink' },
    });
    expect(res.ok).toBe(true);
    const cam = (res.ok ? res.value : undefined) as Camera;
    expect(cam.detect.objects).toEqual({ labels: ['person', 'car'], minScore: 0.55, threshold: 0.7, areas: { car: { min: 0.01, max: 0.5 } }, motionSensitivity: 8 });
    expect(cam.audio).toEqual({ record: false });
    expect(cam.input).toEqual({ transport: 'udp', clock: 'auto', hwaccel: 'auto', preset: 'reolink' });
    expect(cam.detect.autoSize).toBe(true);

    const s = CameraDetectSettings.parse(pipelineSettings(h.engine.cameras.require(cam.id)));
    expect(s.labels).toEqual(['person', 'car']);
    expect(s.filters).toMatchObject({ minScore: 0.55, threshold: 0.7 });
    expect(filterFor(s, 'car')).toMatchObject({ minScore: 0.55, minArea: 0.01, maxArea: 0.5 });
    expect(filterFor(s, 'person').maxArea).toBe(0.8);
    expect(s.motion).toMatchObject(motionForSensitivity(8));
    expect(s.motion.threshold).toBeLessThan(25);

    // a later edit that leaves the objects out keeps them; a size given by hand turns auto size off
    const again = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', { id: cam.id, name: 'Drive', streams, detect: { width: 640, height: 480 } });
    expect(again.ok && (again.value as Camera).detect).toMatchObject({ width: 640, height: 480, autoSize: false, objects: { labels: ['person', 'car'] } });
  });

  it('refuses out-of-range values with a plain message', async () => {
    const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', { name: 'Bad', streams, detect: { objects: { minScore: 2, motionSensitivity: 11 } } });
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error.code).toBe('invalid_input');
  });

  it('motion sensitivity 5 keeps the defaults, 1 and 10 move both knobs the right way', () => {
    expect(motionForSensitivity(5)).toEqual({});
    expect(motionForSensitivity(1)).toEqual({ threshold: 50, contourArea: 48 });
    expect(motionForSensitivity(10)).toMatchObject({ contourArea: 2 });
  });
});
