// The closer look: a person 40 px tall in the 1080p main stream is a speck in the 640x360 detect frame; the event comes
// only from the main stream's picture of the same moment.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { createDetector, type Detector } from './detector.js';
import { sourceRegion } from './closer-look.js';
import { i420Size, type Frame } from './frame.js';
import { decodeImage } from './media.js';
import { FramePipeline, type ObjectEvent } from './pipeline.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { MODELS_DIR, photo } from '../../../test/helpers/test-data.js';

/** A grey frame the size of `f`, in the same grey as ffmpeg's padding. */
function emptyLike(f: Frame): Frame {
  const data = new Uint8Array(i420Size(f.width, f.height));
  data.fill(f.data[0] as number, 0, f.width * f.height);
  data.fill(128, f.width * f.height);
  return { ...f, data };
}

describe('a 40 px person in the 1080p main stream, detected on a 640x360 sub stream', () => {
  const tmp = makeTempDir();
  let detector: Detector;
  let main: Frame;
  let sub: Frame;
  beforeAll(async () => {
    detector = await createDetector({ modelsDir: MODELS_DIR });
    const ff = locateFfmpeg().ffmpeg;
    // darknet_person.jpg's person is 276 of its 424 rows: at 62 rows they are ~40 px tall, on a grey 1920x1080 canvas
    const big = join(tmp.dir, 'main.png');
    const small = join(tmp.dir, 'sub.png');
    expect(spawnSync(ff, ['-v', 'error', '-y', '-i', photo('darknet_person.jpg'), '-vf', 'scale=-2:62,pad=1920:1080:900:500:gray', '-frames:v', '1', big]).status).toBe(0);
    // the camera's sub stream: the same picture at 640x360
    expect(spawnSync(ff, ['-v', 'error', '-y', '-i', big, '-vf', 'scale=640:360', small]).status).toBe(0);
    main = await decodeImage(big);
    sub = await decodeImage(small);
  });
  afterAll(async () => {
    await detector.close();
    tmp.cleanup();
  });

  async function run(withMain: boolean): Promise<{ people: ObjectEvent[]; looked: number }> {
    const starts: ObjectEvent[] = [];
    let looked = 0;
    const p = new FramePipeline({ cameraId: 'yard', detector, callbacks: { onStart: (e) => starts.push(e) } });
    const [emptySub, emptyMain] = [emptyLike(sub), emptyLike(main)];
    for (let i = 0; i < 20; i++) {
      const frame: Frame = i < 5 ? { ...emptySub, time: i * 200 } : { ...sub, time: i * 200 };
      if (withMain) frame.source = i < 5 ? emptyMain : main;
      const r = await p.process(frame);
      looked += r.closerRegions.length;
      for (const reg of r.closerRegions) expect(reg.width).toBeLessThan(1920);
    }
    await p.flush();
    return { people: starts.filter((e) => e.label === 'person'), looked };
  }

  it('is not a person event from the sub stream alone', async () => {
    const r = await run(false);
    expect(r.people).toEqual([]);
    expect(r.looked).toBe(0);
  });

  it('is one person event once small things are looked at again in the main stream, with the box in detect pixels', async () => {
    const r = await run(true);
    expect(r.looked).toBeGreaterThan(0);
    expect(r.people).toHaveLength(1);
    const box = (r.people[0] as ObjectEvent).box;
    // 900..994 x 500..562 in 1080p is 300..331 x 167..187 at 640x360; the person is about 13 of those rows tall
    expect(box[0]).toBeGreaterThan(295);
    expect(box[2]).toBeLessThan(335);
    expect(box[3] - box[1]).toBeGreaterThan(9);
    expect(box[3] - box[1]).toBeLessThan(19);
  });

  it('cuts the look from the main picture around the small box, at least 96 px, inside the frame', () => {
    expect(sourceRegion([300, 166, 332, 186], sub, main)).toEqual({ x: 804, y: 384, width: 288, height: 288 });
    expect(sourceRegion([0, 350, 4, 360], sub, main)).toMatchObject({ x: 0, y: 984, width: 96, height: 96 });
  });
});
