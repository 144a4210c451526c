// Camera clocks and transports with the real RTSP test camera: timestamps that jump back every 20 s record a minute
// without a reconnect or a gap; RTSP over UDP records too.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { ffprobeJson } from '../ffmpeg/ffprobe.js';
import { CameraIngest, type IngestConfig, type SegmentInfo } from './index.js';
import { folderSink } from '../media/index.js';

let cam: RtspCamera;
const tmp = makeTempDir('porchlight-clock-');
const ingests: CameraIngest[] = [];

beforeAll(async () => {
  cam = await startRtspCamera({ vtest: false, hevc: false, jumpEverySeconds: 20 });
});

afterAll(async () => {
  await Promise.all(ingests.map((i) => i.stop()));
  await cam?.stop();
  tmp.cleanup();
});

function config(id: string, path: string, over: Partial<IngestConfig> = {}): IngestConfig {
  return {
    cameraId: id,
    url: cam.url(path),
    recording: folderSink(join(tmp.dir, id)),
    record: true,
    detect: { enabled: true, width: 320, height: 180, fps: 2 },
    live: false,
    ...over,
  };
}

async function durationS(file: string): Promise<number> {
  const r = await ffprobeJson(file);
  if (!r.ok) throw new Error(`${file}: ${r.message}`);
  return Number(r.data.format?.duration ?? 0);
}

describe('camera clocks', () => {
  it('a stream whose timestamps jump back every 20 s records a minute (three jumps) without a reconnect and without a gap', async () => {
    const segments: SegmentInfo[] = [];
    const ingest = new CameraIngest({ config: config('jumpy', '/jumpy'), onSegment: (s) => segments.push(s) });
    ingests.push(ingest);
    // beside it, the same camera with its clock trusted: the jump is detected (and logged once)
    const trusting = new CameraIngest({ config: config('trusting', '/jumpy', { clock: 'camera', detect: { enabled: false, width: 320, height: 180, fps: 2 } }) });
    ingests.push(trusting);
    trusting.start();
    ingest.start();
    await waitUntil(() => ingest.state.state === 'online', 90_000, 'online');
    const onlineAt = Date.now();
    // a minute of recording: three clock jumps
    await waitUntil(() => Date.now() - onlineAt >= 60_000 && segments.length >= 5, 120_000, 'a minute of segments');
    await ingest.stop();
    await trusting.stop();
    expect(trusting.stats()).toMatchObject({ wallclock: false, clockJumped: true });

    expect(ingest.stats().restarts).toBe(0);
    expect(ingest.stats()).toMatchObject({ wallclock: true, clockJumped: false });
    // every segment is a playable ~10 s file, and together they cover the whole time (cut at keyframes, 1 s apart)
    const lengths = await Promise.all(segments.map((s) => durationS(s.path)));
    for (const len of lengths.slice(0, -1)) {
      expect(len).toBeGreaterThan(8);
      expect(len).toBeLessThan(12);
    }
    const recorded = lengths.reduce((a, b) => a + b, 0);
    const wall = (segments.at(-1)!.end - segments[0]!.start) / 1000;
    expect(recorded).toBeGreaterThan(55);
    // no hole between segments: the recorded time is the wall time they span
    expect(Math.abs(recorded - wall)).toBeLessThan(3);
  }, 240_000);

  it('RTSP over UDP records playable segments when the camera is set to it', async () => {
    const segments: SegmentInfo[] = [];
    const ingest = new CameraIngest({ config: config('udp', '/sub360', { transport: 'udp', detect: { enabled: false, width: 320, height: 180, fps: 2 } }), onSegment: (s) => segments.push(s) });
    ingests.push(ingest);
    ingest.start();
    await waitUntil(() => segments.length >= 1, 120_000, 'a segment over UDP');
    await ingest.stop();
    expect(await durationS(segments[0]!.path)).toBeGreaterThan(5);
  }, 180_000);
});
