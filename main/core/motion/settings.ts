// Per-camera motion settings: zod schema with defaults that work on real footage.
import { z } from 'zod';
import { Polygon } from '../../common/contract/zones.js';

export const MotionSettings = z
  .object({
    enabled: z.boolean().default(true).describe('Gate detection on motion; off sends every frame to the detector'),
    threshold: z.number().int().min(1).max(255).default(25).describe('Luma difference from the background that counts as change'),
    contourArea: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(12)
      .describe('Smallest changed blob, in pixels of the downscaled frame, that counts as motion (lower is more sensitive)'),
    frameWidth: z.number().int().min(80).max(640).default(256).describe('Width the luma plane is downscaled to before comparing'),
    frameAlpha: z.number().min(0.001).max(0.5).default(0.02).describe('How fast the background adapts to the scene per frame'),
    dilate: z.number().int().min(0).max(5).default(2).describe('Dilation passes that join the parts of one moving object'),
    lightningThreshold: z
      .number()
      .min(0.1)
      .max(1)
      .default(0.6)
      .describe('Share of the frame that must change at once to treat it as a lighting jump and recalibrate'),
    mask: z.array(Polygon).max(50).default([]).describe('Areas where motion is ignored (timestamps, trees)'),
  })
  .strict();
export type MotionSettings = z.infer<typeof MotionSettings>;
