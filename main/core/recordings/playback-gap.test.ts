// Playback across a 20 s camera outage: the API reports the wall time of every second it plays, on both sides of the gap.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Camera, SegmentDto } from '../../common/contract/index.js';
import { decodePlayMap, wallTimeAt, type PlayPiece } from '../../common/play-map.js';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import { ffprobeJson } from '../ffmpeg/ffprobe.js';
import { openPlayback, playbackHeaders } from './recorded-media.js';
import { waitUntil } from '../../../test/helpers/wait.js';

let cam: RtspCamera | undefined;
let h: Awaited<ReturnType<typeof withEngine>>;

beforeAll(async () => {
  h = await withEngine({ startCameras: true });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await cam?.stop();
});

describe('playback across an outage', () => {
  it('maps stream seconds to the wall clock on both sides of a 20 s gap', async () => {
    cam = await startRtspCamera({ vtest: false, hevc: false });
    const port = cam.port;
    const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', {
      name: 'Gap',
      streams: [{ name: 'main', url: cam.url('pattern'), roles: ['record'] }],
      recordMode: 'continuous',
      detect: { enabled: false },
    });
    if (!res.ok) throw new Error(res.error.message);
    const id = (res.value as Camera).id;
    const segments = (): SegmentDto[] => h.engine.segments.segments(id, 0, Date.now() + 60_000);
    await waitUntil(() => segments().length >= 2, 60_000, 'two segments before the outage');

    await cam.stop();
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 20_000));
    cam = await startRtspCamera({ port, vtest: false, hevc: false });
    await waitUntil(() => segments().some((s) => s.start > downAt + 15_000), 60_000, 'a segment after the outage');
    await waitUntil(() => segments().filter((s) => s.start > downAt).length >= 2, 30_000, 'two segments after the outage');

    const all = segments();
    const lastBefore = all.filter((s) => s.start < downAt).at(-1)!;
    const firstAfter = all.find((s) => s.start > downAt)!;
    const from = all[0]!.start + 2000;

    // the map the player asks for beside the video
    const call = await h.engine.router.dispatch(ADMIN, 'recordings.playMap', { cameraId: id, start: from });
    if (!call.ok) throw new Error(call.error.message);
    const map = call.value as PlayPiece[];
    console.log(`playback map: ${JSON.stringify(map)}`);
    // the stream starts at the keyframe at or before `from` (stream copy cannot start elsewhere), and says so
    expect(map[0]!.wallStart).toBeLessThanOrEqual(from);
    expect(map[0]!.wallStart).toBeGreaterThan(from - 2100);
    // pieces follow each other in the stream; the wall clock jumps once by the outage, elsewhere only by the
    // jitter of when segments were indexed (a busy machine reads ffmpeg's segment list late)
    const jumps = map.slice(1).map((p, i) => p.wallStart - (map[i]!.wallStart + map[i]!.duration * 1000));
    for (let i = 1; i < map.length; i++) expect(map[i]!.mediaOffset).toBeCloseTo(map[i - 1]!.mediaOffset + map[i - 1]!.duration, 3);
    expect(jumps.filter((j) => j > 15_000)).toHaveLength(1);
    expect(jumps.filter((j) => j <= 15_000).every((j) => Math.abs(j) < 3000)).toBe(true);
    const outage = jumps.findIndex((j) => j > 15_000) + 1;
    const resumed = map[outage]!;
    expect(resumed.wallStart).toBe(firstAfter.start);

    // the stream itself carries the same map, and its video is as long as the map says
    const opened = await openPlayback({ segments: h.engine.segments, media: h.engine.media, settings: h.engine.settings }, id, { start: String(from) });
    if (!opened.ok) throw new Error(opened.message);
    const headers = playbackHeaders(opened.play);
    expect(decodePlayMap(headers['x-playback-map']!)).toEqual(map);
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error('playback stream did not end')), 60_000);
      opened.play.stream.on('data', (c: Buffer) => chunks.push(c));
      opened.play.stream.on('end', () => {
        clearTimeout(guard);
        resolve();
      });
    });
    const file = join(h.dataDir, 'played.mp4');
    writeFileSync(file, Buffer.concat(chunks));
    const probe = await ffprobeJson(file);
    expect(probe.ok).toBe(true);
    const mediaSeconds = Number(probe.ok ? probe.data.format?.duration : 0);
    const tail = map.at(-1)!;
    const mapSeconds = tail.mediaOffset + tail.duration;
    console.log(`stream ${mediaSeconds.toFixed(3)} s of video, map ${mapSeconds.toFixed(3)} s`);
    // cut at a keyframe, the stream holds exactly the video the map lists (container rounding aside)
    expect(Math.abs(mediaSeconds - mapSeconds)).toBeLessThan(0.3);

    // the times reported on each side of the gap
    const justBefore = wallTimeAt(map, resumed.mediaOffset - 0.5)!;
    const justAfter = wallTimeAt(map, resumed.mediaOffset + 0.5)!;
    expect(Math.abs(justBefore - (lastBefore.end - 500))).toBeLessThan(1000);
    expect(Math.abs(justAfter - (firstAfter.start + 500))).toBeLessThan(1000);
    const atEnd = wallTimeAt(map, mapSeconds)!;
    expect(Math.abs(atEnd - all.at(-1)!.end)).toBeLessThan(1000);
    console.log(`naive clock off by ${((justAfter - (from + (resumed.mediaOffset + 0.5) * 1000)) / 1000).toFixed(1)} s after the gap`);
    // what the player showed before: start + currentTime, about 20 s early after the gap
    expect(justAfter - (from + (resumed.mediaOffset + 0.5) * 1000)).toBeGreaterThan(15_000);
  }, 240_000);
});
