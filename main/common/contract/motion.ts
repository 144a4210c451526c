// Motion search: where something moved, read from the motion stored while watching, and the scan job that also decodes
// the recordings that have no stored motion (or confirms what the stored motion says).
import { z } from 'zod';
import { CameraId } from './cameras.js';
import { Polygon } from './zones.js';

export const MotionMoment = z.object({ start: z.number().int(), end: z.number().int(), peakCells: z.number().int() });
export type MotionMoment = z.infer<typeof MotionMoment>;

/** The longest span one scan covers (it may decode every segment in it). */
export const SCAN_MAX_MS = 24 * 3600_000;

export const ScanMoment = z.object({
  start: z.number().int(),
  end: z.number().int(),
  /** How much of the region moved at the busiest instant, 0..1. */
  peak: z.number().min(0).max(1),
  peakAt: z.number().int(),
  /** stored: the motion kept while watching; decoded: found in the recording itself. */
  sources: z.array(z.enum(['stored', 'decoded'])),
});
export type ScanMoment = z.infer<typeof ScanMoment>;

export const ScanState = z.enum(['running', 'done', 'cancelled', 'failed']);
export type ScanState = z.infer<typeof ScanState>;

export const ScanId = z.string().regex(/^scan-[a-z0-9-]{1,60}$/, 'a scan id');

export const MotionScan = z.object({
  id: ScanId,
  cameraId: z.string(),
  region: Polygon,
  after: z.number().int(),
  before: z.number().int(),
  confirm: z.boolean(),
  state: ScanState,
  /** Recorded segments in the span, and how many are settled (skipped, read from stored motion, or decoded). */
  segmentsTotal: z.number().int(),
  segmentsDone: z.number().int(),
  /** Segments decoded so far; segments skipped because the stored motion says nothing moved in the region. */
  decoded: z.number().int(),
  skipped: z.number().int(),
  /** Segments that could not be decoded (damaged, gone); the scan goes on without them. */
  unreadable: z.number().int(),
  /** The moments found so far (all of them once done), merged, in time order. */
  moments: z.array(ScanMoment),
  truncated: z.boolean(),
  startedAt: z.number().int(),
  finishedAt: z.number().int().optional(),
  error: z.string().optional(),
});
export type MotionScan = z.infer<typeof MotionScan>;

const ScanRef = z.object({ id: ScanId.optional().describe("the scan; left out: the caller's latest") }).strict();

export const motionTopics = {
  /** A scan moved on (throttled) or ended: who started it asks motion.scanStatus for its moments. */
  'motion.progress': z.object({ id: ScanId, cameraId: z.string(), state: ScanState, segmentsDone: z.number().int(), segmentsTotal: z.number().int(), moments: z.number().int() }),
} as const;

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
  /**
   * Starts a scan of the recordings for movement inside a region: segments whose stored motion says nothing moved there
   * are skipped, those without stored motion are decoded (and with `confirm`, those with stored movement too, for
   * exact times). One scan per user at a time; follow it with motion.progress and motion.scanStatus.
   */
  'motion.scanStart': {
    input: z
      .object({ cameraId: CameraId, region: Polygon, after: z.number().int(), before: z.number().int(), confirm: z.boolean().default(true) })
      .strict()
      .refine((q) => q.before > q.after, { message: 'before must be after after', path: ['before'] })
      .refine((q) => q.before - q.after <= SCAN_MAX_MS, { message: 'a range of at most 24 hours', path: ['before'] }),
    output: MotionScan,
    role: 'viewer', viewer: { needs: 'recordings', cameras: { input: 'cameraId' } },
  },
  /** A scan of the caller's as it stands: progress and the moments found so far; null when there is none. */
  'motion.scanStatus': {
    input: ScanRef,
    output: MotionScan.nullable(),
    role: 'viewer', viewer: { needs: 'recordings', cameras: 'filtered' },
  },
  /** Stops a scan of the caller's at once; what it found so far is kept. */
  'motion.scanCancel': {
    input: ScanRef,
    output: MotionScan,
    role: 'viewer', viewer: { needs: 'recordings', cameras: 'filtered' },
  },
} as const;
