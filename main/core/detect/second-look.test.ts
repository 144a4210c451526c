// The second look: a dog that a first pass calls a person is not published as a person event; a real person still is.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { createDetector, type Detector } from './detector.js';
import { iou, type Box, type Frame } from './frame.js';
import { decodeImage } from './media.js';
import { FramePipeline, type ObjectEvent } from './pipeline.js';
import { secondLook, tightRegion } from './second-look.js';
import { ScriptedDetector } from '../../../test/helpers/scripted-detector.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { MODELS_DIR, photo } from '../../../test/helpers/test-data.js';

// darknet_dog.jpg (768x576): the dog; darknet_person.jpg (640x424): the person
const DOG: Box = [130, 214, 310, 543];
const PERSON: Box = [190, 99, 272, 375];

describe('second look', () => {
  let detector: Detector;
  beforeAll(async () => {
    detector = await createDetector({ modelsDir: MODELS_DIR });
  });
  afterAll(() => detector.close());

  /** The photo as a still camera whose first pass (scripted) calls `box` a person at 0.55; the real model takes the second look. */
  async function run(file: string, box: Box): Promise<ObjectEvent[]> {
    const still = await decodeImage(file);
    const firstPass = new ScriptedDetector(() => [{ label: 'person', score: 0.55, box }]);
    const starts: ObjectEvent[] = [];
    const p = new FramePipeline({
      cameraId: 'door',
      detector: firstPass,
      secondLook: detector,
      settings: { motion: { enabled: false }, filters: { threshold: 0.5 } },
      callbacks: { onStart: (e) => starts.push(e) },
    });
    for (let i = 0; i < 10; i++) await p.process({ ...still, time: i * 200 });
    await p.flush();
    return starts;
  }

  it('keeps a dog the first pass scored as person 0.55 from becoming a person event', async () => {
    expect(await run(photo('darknet_dog.jpg'), DOG)).toEqual([]);
  });

  it('still publishes a real person the first pass scored 0.55', async () => {
    const starts = await run(photo('darknet_person.jpg'), PERSON);
    expect(starts.map((e) => e.label)).toEqual(['person']);
  });

  describe('on a real first-pass mistake', () => {
    const tmp = makeTempDir();
    afterAll(() => tmp.cleanup());

    it('YOLOX-Nano calls the dog of a 1/5-size frame a person; the closer look at the full-size source says dog', async () => {
      const file = join(tmp.dir, 'small.png');
      const res = spawnSync(locateFfmpeg().ffmpeg, ['-v', 'error', '-y', '-i', photo('darknet_dog.jpg'), '-vf', 'scale=154:116', file]);
      expect(res.status).toBe(0);
      const full = await decodeImage(photo('darknet_dog.jpg'));
      const small: Frame = { ...(await decodeImage(file)), source: full };
      const dog = DOG.map((v) => v / 5) as Box;
      // the first pass: YOLOX-Nano on the tight crop of the small frame
      const yolox = await createDetector({ model: 'yolox_nano_416_coco', modelsDir: MODELS_DIR, scoreThreshold: 0.2 });
      try {
        const region = { x: 26, y: 42, width: 36, height: 66 };
        const first = await yolox.detect({ ...small, source: undefined }, [region]);
        const asPerson = first.filter((d) => d.label === 'person' && iou(d.box, dog) > 0.3);
        expect(asPerson.length).toBeGreaterThan(0);
        expect(Math.max(...asPerson.map((d) => d.score))).toBeGreaterThan(0.5);
      } finally {
        await yolox.close();
      }
      // the second look is cut from the source at its own resolution
      expect(tightRegion(dog, small, full).region.width).toBeGreaterThan(300);
      const look = await secondLook(detector, small, dog, 'person');
      expect(look).toMatchObject({ verdict: 'contradicted', label: 'dog' });
    });
  });
});
