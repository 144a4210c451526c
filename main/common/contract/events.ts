// Detection events as the contract carries them, and the filters of the events page.
import { z } from 'zod';
import { CameraId } from './cameras.js';

/** The label of a motion event: made when no model runs (none loaded, or detection off for the camera). */
export const MOTION_LABEL = 'motion';

export const Box = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type Box = z.infer<typeof Box>;

export const EventDto = z.object({
  id: z.string(),
  cameraId: z.string(),
  label: z.string(),
  start: z.number().int(),
  end: z.number().int().nullable(),
  topScore: z.number(),
  box: Box,
  /** Every zone the object entered. */
  zones: z.array(z.string()),
  /** The zones the object is in now (at its end, for an ended event): dwell rules count from the latest entry. */
  currentZones: z.array(z.string()),
  hasSnapshot: z.boolean(),
  falsePositive: z.boolean(),
  keep: z.boolean(),
  /** Why it raises no alert: there and unmoved since detection started, or learned from the owner's examples. */
  quiet: z.enum(['stationary', 'learned']).nullable().optional(),
});
export type EventDto = z.infer<typeof EventDto>;

const Label = z.string().min(1).max(64);

export const EventQuery = z
  .object({
    cameras: z.array(CameraId).max(64).optional(),
    labels: z.array(Label).max(80).optional(),
    zones: z.array(z.string().min(1).max(64)).max(32).optional(),
    after: z.number().int().optional().describe('start ≥ after (epoch ms)'),
    before: z.number().int().optional().describe('start < before (epoch ms)'),
    minScore: z.number().min(0).max(1).optional(),
    keep: z.boolean().optional(),
    falsePositive: z.boolean().optional(),
    limit: z.number().int().min(1).max(500).default(50),
    /** Opaque: the last row's position, from the previous page. */
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type EventQuery = z.input<typeof EventQuery>;

export const EventPage = z.object({ items: z.array(EventDto), nextCursor: z.string().nullable() });
export type EventPage = z.infer<typeof EventPage>;

/** One detection of an event's object: when, where (shares of the frame, like EventDto.box), called what, how sure. */
export const TrackPoint = z.object({
  t: z.number().int().describe('The frame time (epoch ms)'),
  box: Box,
  label: z.string(),
  score: z.number(),
});
export type TrackPoint = z.infer<typeof TrackPoint>;

/** Stored per event at most this many points: past it a track is thinned evenly over its span to half as many. */
export const MAX_TRACK_POINTS = 1200;

export const EventTrack = z.object({ eventId: z.string(), points: z.array(TrackPoint).max(MAX_TRACK_POINTS) });
export type EventTrack = z.infer<typeof EventTrack>;
