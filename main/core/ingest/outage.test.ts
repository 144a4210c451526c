// A 20 s camera outage: the ingest goes offline with a reason, comes back within 10 s, recordings on both sides intact.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { ffprobeJson } from '../ffmpeg/ffprobe.js';
import { CameraIngest, type IngestState, type SegmentInfo } from './index.js';
import { folderSink } from '../media/index.js';

const tmp = makeTempDir('porchlight-outage-');
let cam: RtspCamera | undefined;
let ingest: CameraIngest | undefined;

afterAll(async () => {
  await ingest?.stop();
  await cam?.stop();
  tmp.cleanup();
});

function waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (pred()) {
        clearInterval(t);
        resolve(Date.now() - started);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(t);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 100);
  });
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('camera outage', () => {
  it('goes offline with a reason, reconnects on the same port within 10 s and keeps recording', async () => {
    cam = await startRtspCamera({ vtest: false, hevc: false });
    const port = cam.port;
    const segments: SegmentInfo[] = [];
    const states: IngestState[] = [];
    let frames = 0;
    ingest = new CameraIngest({
      config: {
        cameraId: 'porch',
        url: cam.url('/pattern'),
        recording: folderSink(join(tmp.dir, 'porch')),
        record: true,
        detect: { enabled: true, width: 320, height: 180, fps: 5 },
        live: false,
      },
      onSegment: (s) => segments.push(s),
      onState: (s) => states.push(s),
    });
    ingest.subscribe(() => frames++);
    ingest.start();
    await waitFor(() => ingest!.state.state === 'online', 15_000, 'online');
    await waitFor(() => segments.length >= 1, 20_000, 'a segment before the outage');

    await cam.stop();
    const downAt = Date.now();
    await waitFor(() => ingest!.state.state === 'offline', 15_000, 'offline');
    const offline = ingest.state;
    expect(offline.reason).toBeTruthy();
    // the reason of the latest attempt: the stream ended, the port refused, or (caught while the server was still going
    // away) it answered without sending video
    expect(offline.reason).toMatch(/ended the stream|refused|stopped|does not send video/);
    // The segment being written when the camera vanished was finalised and reported.
    const before = segments.length;
    expect(before).toBeGreaterThanOrEqual(2);

    await wait(Math.max(0, 20_000 - (Date.now() - downAt)));
    expect(ingest.state.state).not.toBe('online');
    cam = await startRtspCamera({ port, vtest: false, hevc: false });
    const framesAtRestart = frames;
    const back = await waitFor(() => ingest!.state.state === 'online', 10_000, 'online again');
    expect(back).toBeLessThanOrEqual(10_000);
    await waitFor(() => segments.length > before, 20_000, 'a segment after the outage');
    expect(frames).toBeGreaterThan(framesAtRestart);
    await ingest.stop();

    const kinds = states.map((s) => s.state);
    expect(kinds.slice(0, 2)).toEqual(['connecting', 'online']);
    expect(kinds).toContain('offline');
    expect(kinds.lastIndexOf('online')).toBeGreaterThan(kinds.indexOf('offline'));
    expect(ingest.stats().restarts).toBeGreaterThanOrEqual(2);
    for (const s of segments) {
      const p = await ffprobeJson(s.path);
      expect(p.ok, s.path).toBe(true);
      expect(Number(p.ok ? p.data.format?.duration : 0)).toBeGreaterThan(0);
    }
    // Segments do not overlap and keep time order across the gap.
    for (let i = 1; i < segments.length; i++) expect(segments[i]!.start).toBeGreaterThanOrEqual(segments[i - 1]!.end - 1000);
    const gap = segments[before]!.start - segments[before - 1]!.end;
    expect(gap).toBeGreaterThan(15_000);
  }, 120_000);

  it('restarts a stalled stream through the watchdog (camera frozen with SIGSTOP)', async () => {
    const frozen = await startRtspCamera({ vtest: false, hevc: false });
    const states: IngestState[] = [];
    const stalled = new CameraIngest({
      config: { cameraId: 'stall', url: frozen.url('/static'), recording: folderSink(join(tmp.dir, 'stall')), record: false, detect: { enabled: true, width: 320, height: 180, fps: 5 }, live: false },
      onState: (s) => states.push(s),
      watchdogMs: 3000,
      // ffmpeg's own socket timeout is longer, so the watchdog is what notices.
      socketTimeoutMs: 60_000,
    });
    try {
      stalled.start();
      await waitFor(() => stalled.state.state === 'online', 15_000, 'online');
      process.kill(frozen.pid, 'SIGSTOP');
      await waitFor(() => states.some((s) => s.reason?.startsWith('No video from the camera')), 10_000, 'watchdog');
      process.kill(frozen.pid, 'SIGCONT');
      expect(stalled.stats().restarts).toBeGreaterThanOrEqual(1);
      await waitFor(() => stalled.state.state === 'online', 15_000, 'online after the stall');
    } finally {
      process.kill(frozen.pid, 'SIGCONT');
      await stalled.stop();
      await frozen.stop();
    }
  }, 60_000);
});
