// One current picture from a camera, for drawing zones and masks on: the next decoded detection frame as a JPEG.
import { ApiFailure, type CameraStill, type Polygon } from '../../common/contract/index.js';
import type { Frame } from '../detect/frame.js';
import { frameToJpeg } from '../events/snapshot.js';
import type { FrameSource } from '../ingest/index.js';
import { applyMask, maskBitmap } from '../privacy/index.js';
import { recordedStill, type RecordedMediaDeps } from '../recordings/recorded-media.js';
import sharp from 'sharp';

/** A camera sends several frames a second; this long without one means it is not sending. */
export const STILL_TIMEOUT_MS = 6_000;

/** `masks`: privacy masks the caller may not lift, blacked out of the picture (a copy: the frame is shared with detection). */
export async function cameraStill(source: FrameSource | undefined, name: string, timeoutMs = STILL_TIMEOUT_MS, masks: readonly Polygon[] = []): Promise<CameraStill> {
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
  const bits = maskBitmap(masks, frame.width, frame.height);
  const shown = bits ? { ...frame, data: new Uint8Array(frame.data) } : frame;
  if (bits) applyMask(shown, bits);
  const jpeg = await frameToJpeg(shown, 80);
  return { jpeg: jpeg.toString('base64'), width: frame.width, height: frame.height, time: Math.round(frame.time) };
}

/** The newest recorded picture of a camera as a still, when it recorded anything (see recordedStill), `masks` blacked out. */
export async function recordedStillOf(deps: RecordedMediaDeps, cameraId: string, masks: readonly Polygon[] = []): Promise<CameraStill | null> {
  const still = await recordedStill(deps, cameraId);
  if (!still) return null;
  const { data, info } = await sharp(still.jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const bits = maskBitmap(masks, info.width, info.height);
  let jpeg = still.jpeg;
  if (bits) {
    for (let i = 0; i < bits.length; i++) if (bits[i]) data.fill(0, i * info.channels, (i + 1) * info.channels);
    jpeg = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg({ quality: 80 }).toBuffer();
  }
  return { jpeg: jpeg.toString('base64'), width: info.width, height: info.height, time: still.time };
}
