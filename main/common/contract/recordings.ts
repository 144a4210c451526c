// Recorded time for the timeline and playback.
import { z } from 'zod';
import { CameraId } from './cameras.js';

export const Span = z.object({ cameraId: z.string(), start: z.number().int(), end: z.number().int() });
export type Span = z.infer<typeof Span>;

export const SpansQuery = z
  .object({
    cameras: z.array(CameraId).max(64).optional(),
    after: z.number().int(),
    before: z.number().int(),
  })
  .strict()
  .refine((q) => q.before > q.after, 'before must be after "after"')
  .refine((q) => q.before - q.after <= 31 * 86_400_000, 'a window of at most 31 days');

export const SegmentDto = z.object({
  id: z.number().int(),
  cameraId: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  bytes: z.number().int(),
  keep: z.boolean(),
  /** Relative media URL path, e.g. recordings/<camera>/<day>/<time>.mp4 */
  url: z.string(),
});
export type SegmentDto = z.infer<typeof SegmentDto>;

export const StorageStats = z.object({
  usedBytes: z.number(),
  quotaBytes: z.number(),
  diskFreeBytes: z.number(),
  diskTotalBytes: z.number(),
  perCamera: z.array(z.object({ cameraId: z.string(), bytes: z.number(), segments: z.number().int(), oldest: z.number().int().nullable() })),
  /** Bytes written per day over the last 24 h of recording, and the days until the quota or disk is full. */
  bytesPerDay: z.number(),
  daysUntilFull: z.number().nullable(),
  deletedSegments: z.number().int(),
});
export type StorageStats = z.infer<typeof StorageStats>;
