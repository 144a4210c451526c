// The closer look at ingest, on real RTSP streams: a person 40 px tall in a 1080p main stream, a speck in the 640x360
// sub stream that detection runs on. The camera recording the main stream makes a person event from its keyframes; a
// camera with the same sub stream and no main stream makes none.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventDto } from '../../common/contract/index.js';
import { buildIngestArgs } from '../ingest/args.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import { photo } from '../../../test/helpers/test-data.js';
import { waitFor } from '../../../test/helpers/wait.js';

const scratch = mkdtempSync(join(tmpdir(), 'porchlight-closer-'));
let cam: RtspCamera;
let h: Awaited<ReturnType<typeof withEngine>>;

/** 12 s, looped by the server: grey for 2 s, then darknet_person.jpg 62 px tall (its person ~40 px) at (900, 500). */
function makeClip(file: string, size: string): void {
  const ff = locateFfmpeg().ffmpeg;
  const scale = size === '1920x1080' ? '' : `,scale=${size.replace('x', ':')}`;
  const res = spawnSync(ff, [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'color=c=gray:s=1920x1080:r=10:d=12',
    '-i', photo('darknet_person.jpg'),
    '-filter_complex', `[1]scale=-2:62[p];[0][p]overlay=900:500:enable='gte(t,2)'${scale}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-pix_fmt', 'yuv420p', file,
  ]);
  if (res.status !== 0) throw new Error(String(res.stderr));
}

beforeAll(async () => {
  makeClip(join(scratch, 'main.mp4'), '1920x1080');
  makeClip(join(scratch, 'sub.mp4'), '640x360');
  cam = await startRtspCamera({ hevc: false, vtest: false, clips: { far1080: join(scratch, 'main.mp4'), far360: join(scratch, 'sub.mp4') } });
  h = await withEngine({ startCameras: true });
}, 90_000);
afterAll(async () => {
  await h?.close();
  await cam?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function add(name: string, streams: unknown[]): Promise<string> {
  const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', { name, streams, detect: { enabled: true, fps: 5 } });
  if (!res.ok) throw new Error(res.error.message);
  return (res.value as { id: string }).id;
}

const people = (cameraId: string): EventDto[] => h.engine.events.query({ cameras: [cameraId], labels: ['person'], limit: 50 }).items;

describe('a far person, confirmed from the main stream', () => {
  it('is a person event on the camera with its 1080p main stream, and nothing on the sub stream alone', async () => {
    const yard = await add('Yard', [
      { name: 'main', url: cam.url('/far1080'), roles: ['record', 'live-full'] },
      { name: 'sub', url: cam.url('/far360'), roles: ['detect', 'live-grid'] },
    ]);
    const subOnly = await add('Yard sub only', [{ name: 'main', url: cam.url('/far360'), roles: ['record', 'detect', 'live-grid', 'live-full'] }]);
    let subFrames = 0;
    const source = await waitFor(() => h.engine.runtime.frames(subOnly), 10_000, 'the sub-only camera’s frames');
    const off = source.subscribe(() => subFrames++);
    const [event] = await waitFor(() => (people(yard).length > 0 ? people(yard) : undefined), 90_000, 'a person event on the yard camera');
    // the box is in the sub stream's pixels: the person stands at x 300-331 of 640, about 13 rows tall
    expect(event?.box[0]).toBeGreaterThan(295 / 640);
    expect(event?.box[2]).toBeLessThan(335 / 640);
    // the other camera saw the same sub stream all along (the person appears every 12 s): no person there
    await waitFor(() => subFrames >= 70, 60_000, 'the sub-only camera to see the person appear at least once');
    off();
    expect(people(subOnly)).toEqual([]);
  }, 120_000);

  it('decodes only the main stream’s keyframes, at its own size', () => {
    const args = buildIngestArgs(
      { cameraId: 'y', url: 'rtsp://127.0.0.1:9/main', recordingsDir: '/rec/y', record: true, live: false, detect: { enabled: true, width: 1920, height: 1080, fps: 5, keyframesOnly: true } },
      { socketArgs: [], liveOn: false },
    );
    expect(args.indexOf('-skip_frame')).toBeLessThan(args.indexOf('-i'));
    expect(args[args.indexOf('-skip_frame') + 1]).toBe('nokey');
    expect(args.join(' ')).toContain('-fps_mode passthrough -vf scale=1920:1080 -pix_fmt yuv420p -f rawvideo pipe:1');
    expect(args.join(' ')).not.toContain('fps=5');
  });
});
