// Motion detector on synthetic I420 frames and on real footage decoded by ffmpeg.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeVideo } from '../detect/media.js';
import { i420Size, type Frame } from '../detect/frame.js';
import { MotionDetector } from './index.js';

const MEDIA = process.env.PORCHLIGHT_MEDIA_DIR ?? resolve('../shared/media');
const W = 640;
const H = 360;

/** A textured grey scene with an optional bright square and a global brightness offset. */
function frame(t: number, square?: { x: number; y: number; size: number }, brightness = 0): Frame {
  const data = new Uint8Array(i420Size(W, H)).fill(128);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) data[y * W + x] = Math.min(255, 60 + ((x * 7 + y * 3) % 40) + brightness);
  }
  if (square) {
    for (let y = square.y; y < square.y + square.size; y++) {
      for (let x = square.x; x < square.x + square.size; x++) data[y * W + x] = 235;
    }
  }
  return { cameraId: 'synthetic', width: W, height: H, data, time: t * 200 };
}

describe('MotionDetector', () => {
  it('finds a moving square where it is', () => {
    const m = new MotionDetector();
    m.detect(frame(0));
    m.detect(frame(1));
    const r = m.detect(frame(2, { x: 300, y: 150, size: 60 }));
    expect(r.recalibrated).toBe(false);
    expect(r.boxes).toHaveLength(1);
    const [x1, y1, x2, y2] = r.boxes[0]!;
    // The box covers the square, give or take the dilation margin.
    expect(x1).toBeLessThanOrEqual(300);
    expect(y1).toBeLessThanOrEqual(150);
    expect(x2).toBeGreaterThanOrEqual(360);
    expect(y2).toBeGreaterThanOrEqual(210);
    expect(x2 - x1).toBeLessThan(100);
    expect(y2 - y1).toBeLessThan(100);
  });

  it('reports nothing for an unchanged scene', () => {
    const m = new MotionDetector();
    for (let t = 0; t < 10; t++) expect(m.detect(frame(t)).boxes).toEqual([]);
  });

  it('recalibrates on a full-frame brightness jump instead of reporting a box storm', () => {
    const m = new MotionDetector();
    m.detect(frame(0));
    m.detect(frame(1));
    const jump = m.detect(frame(2, undefined, 80));
    expect(jump.recalibrated).toBe(true);
    expect(jump.boxes).toEqual([]);
    expect(m.recalibrations).toBe(1);
    // The new brightness is the background now.
    expect(m.detect(frame(3, undefined, 80)).boxes).toEqual([]);
    expect(m.detect(frame(4, { x: 100, y: 100, size: 50 }, 80)).boxes).toHaveLength(1);
  });

  it('ignores motion inside a mask polygon', () => {
    // Mask the right half of the frame.
    const m = new MotionDetector({ mask: [[[0.5, 0], [1, 0], [1, 1], [0.5, 1]]] });
    m.detect(frame(0));
    expect(m.detect(frame(1, { x: 450, y: 150, size: 60 })).boxes).toEqual([]);
    expect(m.detect(frame(2, { x: 100, y: 150, size: 60 })).boxes).toHaveLength(1);
  });

  it('finds motion in the pedestrian clip on most frames', async () => {
    const m = new MotionDetector();
    let frames = 0;
    let moving = 0;
    for await (const f of decodeVideo(resolve(MEDIA, 'video/opencv_vtest_20s.mp4'), { fps: 5 })) {
      frames++;
      if (m.detect(f).boxes.length > 0) moving++;
      if (frames >= 40) break;
    }
    expect(frames).toBe(40);
    expect(moving).toBeGreaterThan(30);
  });
});
