// Review: what happened, as items to work through, with a reviewed state per user and an unreviewed count.
import { z } from 'zod';
import { CameraId } from './cameras.js';

export const ReviewKindSchema = z.enum(['alert', 'detection', 'motion']);

export const ReviewItem = z.object({
  id: z.string(),
  cameraId: z.string(),
  kind: ReviewKindSchema,
  start: z.number().int(),
  end: z.number().int().nullable(),
  labels: z.array(z.string()),
  zones: z.array(z.string()),
  eventIds: z.array(z.string()),
  coverEventId: z.string(),
  reviewed: z.boolean(),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

const Label = z.string().min(1).max(64);

/** Filters that combine: several cameras, several labels, zones, kinds and a time range. */
export const ReviewFilter = z
  .object({
    cameras: z.array(CameraId).max(64).optional(),
    labels: z.array(Label).max(80).optional(),
    zones: z.array(z.string().min(1).max(64)).max(32).optional(),
    kinds: z.array(ReviewKindSchema).max(3).optional(),
    after: z.number().int().optional().describe('items starting at or after (epoch ms); default 24 h ago'),
    before: z.number().int().optional().describe('items starting before (epoch ms); default now'),
  })
  .strict();
export type ReviewFilter = z.input<typeof ReviewFilter>;

export const ReviewQuery = ReviewFilter.extend({
  /** false: only what this user has not reviewed yet. */
  reviewed: z.boolean().optional(),
  limit: z.number().int().min(1).max(500).default(100),
}).strict();
export type ReviewQuery = z.input<typeof ReviewQuery>;

export const ReviewCounts = z.object({ alert: z.number().int(), detection: z.number().int(), motion: z.number().int(), total: z.number().int() });
export type ReviewCounts = z.infer<typeof ReviewCounts>;

const EventIds = z.array(z.string().min(1).max(100)).min(1).max(1000);

export const reviewMethodSpecs = {
  /** Newest first; `more` says the window held more than the limit. */
  'review.list': { input: ReviewQuery, output: z.object({ items: z.array(ReviewItem), more: z.boolean() }), role: 'viewer', viewer: { needs: 'recordings', cameras: { narrow: 'cameras' } } },
  /** Marks (or unmarks) events as reviewed by the caller: an item is reviewed when all its events are. */
  'review.mark': { input: z.object({ eventIds: EventIds, reviewed: z.boolean().default(true) }).strict(), output: z.object({ changed: z.number().int() }), role: 'viewer', viewer: { needs: 'recordings', cameras: 'filtered' } },
  /** Everything the filter matches, reviewed by the caller at once. */
  'review.markAll': { input: ReviewFilter, output: z.object({ changed: z.number().int() }), role: 'viewer', viewer: { needs: 'recordings', cameras: { narrow: 'cameras' } } },
  /** The caller's unreviewed items in the last 24 hours, by kind: the navigation badge and the window title. */
  'review.counts': { input: z.object({}).strict(), output: ReviewCounts, role: 'viewer', viewer: { needs: 'recordings', cameras: 'filtered' } },
} as const;

export const reviewTopics = {
  /** Someone's reviewed state changed: clients refresh their own counts. */
  'review.changed': z.object({ at: z.number().int() }),
} as const;
