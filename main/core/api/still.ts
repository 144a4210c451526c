// One current picture from a camera, for drawing zones and masks on: the next decoded detection frame as a JPEG.
import { ApiFailure, type CameraStill } from '../../common/contract/index.js';
import type { Frame } from '../detect/frame.js';
import { frameToJpeg } from '../events/snapshot.js';
import type { FrameSource } from '../ingest/index.js';
import { recordedStill, type RecordedMediaDeps } from '../recordings/recorded-media.js';
import sharp from 'sharp';

/** A camera sends several frames a second; this long without one means it is not sending. */
export const STILL_TIMEOUT_MS = 6_000;

export async function cameraStill(source: FrameSource | undefined, name: string, timeoutMs = STILL_TIMEOUT_MS): Promise<CameraStill> {
  if (!source) throw new ApiFailure('unavailable', `${name} is not running: turn it on and check it is online to see its picture`);
  const frame = await new Promise<Frame | undefined>((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(undefined);
    }, timeoutMs);
    const off = source.subscribe((f) => {
      clearTimeout(timer);
      off();
      resolve(f);
    });
  });
  if (!frame) throw new ApiFailure('unavailable', `${name} sent no picture in ${Math.round(timeoutMs / 1000)} s: check it is online`);
  const jpeg = await frameToJpeg(frame, 80);
  return { jpeg: jpeg.toString('base64'), width: frame.width, height: frame.height, time: Math.round(frame.time) };
}

/** The newest recorded picture of a camera as a still, when it recorded anything (see recordedStill). */
export async function recordedStillOf(deps: RecordedMediaDeps, cameraId: string): Promise<CameraStill | null> {
  const still = await recordedStill(deps, cameraId);
  if (!still) return null;
  const meta = await sharp(still.jpeg).metadata();
  return { jpeg: still.jpeg.toString('base64'), width: meta.width ?? 0, height: meta.height ?? 0, time: still.time };
}
