// Small things far away: regions are cut from the frame at its own size, so a person 40 px tall in a 1080p frame is found.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { createDetector, type Detector } from './detector.js';
import { i420Size, type Frame } from './frame.js';
import { decodeImage } from './media.js';
import { FramePipeline, type ObjectEvent } from './pipeline.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { MODELS_DIR, photo } from '../../../test/helpers/test-data.js';

describe('a 40 px person in a 1080p frame', () => {
  const tmp = makeTempDir();
  let detector: Detector;
  let scene: Frame;
  let empty: Frame;
  beforeAll(async () => {
    detector = await createDetector({ modelsDir: MODELS_DIR });
    // darknet_person.jpg's person is 276 of its 424 rows: 62 rows tall makes them ~40 px, pasted into a grey 1920x1080 canvas
    const file = join(tmp.dir, 'far.png');
    const res = spawnSync(locateFfmpeg().ffmpeg, ['-v', 'error', '-y', '-i', photo('darknet_person.jpg'), '-vf', 'scale=-2:62,pad=1920:1080:900:500:gray', '-frames:v', '1', file]);
    expect(res.status).toBe(0);
    scene = await decodeImage(file);
    const data = new Uint8Array(i420Size(1920, 1080));
    // the same grey as the padding (ffmpeg's gray is Y 126 in limited range)
    data.fill(scene.data[0] as number, 0, 1920 * 1080);
    data.fill(128, 1920 * 1080);
    empty = { ...scene, data };
  });
  afterAll(async () => {
    await detector.close();
    tmp.cleanup();
  });

  it('is tracked into a person event from a native-size region around the motion', async () => {
    const starts: ObjectEvent[] = [];
    const regionSides: number[] = [];
    const p = new FramePipeline({ cameraId: 'far', detector, callbacks: { onStart: (e) => starts.push(e) } });
    for (let i = 0; i < 20; i++) {
      const r = await p.process({ ...(i < 5 ? empty : scene), time: i * 200 });
      for (const reg of r.regions) regionSides.push(reg.width);
    }
    await p.flush();
    const people = starts.filter((e) => e.label === 'person');
    expect(people).toHaveLength(1);
    const box = (people[0] as ObjectEvent).box;
    // source pixels of the 1080p frame: ~40 px tall, where the photo was pasted
    expect(box[3] - box[1]).toBeGreaterThan(30);
    expect(box[3] - box[1]).toBeLessThan(55);
    expect(box[0]).toBeGreaterThan(900);
    expect(box[2]).toBeLessThan(900 + 94);
    // the model saw a crop of the frame (not the whole frame shrunk to its input), so the person kept its pixels
    expect(regionSides.length).toBeGreaterThan(0);
    expect(Math.max(...regionSides)).toBeLessThan(1920);
  });
});
