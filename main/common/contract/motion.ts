// Motion search: where something moved, read from the motion stored while watching.
import { z } from 'zod';
import { CameraId } from './cameras.js';
import { Polygon } from './zones.js';

export const MotionMoment = z.object({ start: z.number().int(), end: z.number().int(), peakCells: z.number().int() });
export type MotionMoment = z.infer<typeof MotionMoment>;

export const motionMethodSpecs = {
  /**
   * "The detector missed it": the moments something moved inside a region of a camera's picture between two times,
   * read from the motion the engine stored while it watched (no recording is decoded; quiet stretches have no data).
   */
  'motion.search': {
    input: z
      .object({ cameraId: CameraId, region: Polygon, after: z.number().int(), before: z.number().int() })
      .strict()
      .refine((q) => q.before > q.after, { message: 'before must be after after', path: ['before'] })
      .refine((q) => q.before - q.after <= 31 * 86_400_000, { message: 'a range of at most 31 days', path: ['before'] }),
    output: z.object({ moments: z.array(MotionMoment), bucketsWithMotion: z.number().int(), truncated: z.boolean() }),
    role: 'viewer', viewer: { needs: 'recordings', cameras: { input: 'cameraId' } },
  },
} as const;
