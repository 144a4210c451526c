// The timeline's event markers: every event in a window, or, when a window is too busy to draw one by one, per-camera time buckets.
import { z } from 'zod';
import { CameraId } from './cameras.js';
import { EventDto } from './events.js';
import type { MethodSpec } from './methods.js';

const DAY_MS = 86_400_000;

export const MarkersQuery = z
  .object({
    after: z.number().int().describe('window start (epoch ms): events that end after it'),
    before: z.number().int().describe('window end (epoch ms): events that start before it'),
    cameras: z.array(CameraId).max(64).optional(),
    /** As in events.query: false leaves false alarms out, true shows only them, absent shows all. */
    falsePositive: z.boolean().optional(),
    /** Up to this many events come back one by one; more and the window comes back in buckets. */
    maxEvents: z.number().int().min(0).max(2000).default(1000),
    /** How many buckets the window is cut into when it is busy: about one per few pixels of timeline. */
    buckets: z.number().int().min(1).max(5000).default(1000),
  })
  .strict()
  .refine((q) => q.before > q.after, { message: 'before must be after "after"', path: ['before'] })
  .refine((q) => q.before - q.after <= 31 * DAY_MS, { message: 'a window of at most 31 days', path: ['before'] });
export type MarkersQuery = z.input<typeof MarkersQuery>;

/** What the timeline needs of one event. `end` is null while it is in progress. */
export const MarkerEvent = EventDto.pick({ id: true, cameraId: true, label: true, start: true, end: true });
export type MarkerEvent = z.infer<typeof MarkerEvent>;

/** Events of one camera that start in one bucket: from the first start to the last end, coloured by the commonest label. */
export const MarkerBucket = z.object({
  cameraId: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  count: z.number().int().min(1),
  label: z.string(),
});
export type MarkerBucket = z.infer<typeof MarkerBucket>;

export const TimelineMarkers = z.object({
  /** Every event in the window, whichever way it comes back. */
  total: z.number().int(),
  /** Every event in the window, oldest first; null when there were more than maxEvents. */
  events: z.array(MarkerEvent).nullable(),
  /** The window in buckets when `events` is null (else empty), per camera, oldest first. */
  buckets: z.array(MarkerBucket),
  bucketMs: z.number().int(),
});
export type TimelineMarkers = z.infer<typeof TimelineMarkers>;

export const AdjacentEventQuery = z
  .object({
    cameraId: CameraId,
    t: z.number().int(),
    direction: z.enum(['next', 'previous']),
    /** Events within this many ms of t do not count, so repeated presses move on. */
    slackMs: z.number().int().min(0).max(60_000).default(500),
  })
  .strict();
export type AdjacentEventQuery = z.input<typeof AdjacentEventQuery>;

const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> => spec;

/** Spread into `methods` (methods.ts). */
export const timelineMethodSpecs = {
  'timeline.markers': method({ input: MarkersQuery, output: TimelineMarkers, role: 'viewer', viewer: { needs: 'recordings', cameras: { narrow: 'cameras' } } }),
  /** The first event of a camera after t, or the last before it (false alarms left out), wherever it is. */
  'timeline.adjacentEvent': method({ input: AdjacentEventQuery, output: MarkerEvent.nullable(), role: 'viewer', viewer: { needs: 'recordings', cameras: { input: 'cameraId' } } }),
} as const;
