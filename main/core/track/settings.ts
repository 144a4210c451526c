// Tracker settings: association, confirmation, disappearance and stationary rules (defaults tuned for 5 fps).
import { z } from 'zod';

export const TrackerSettings = z
  .object({
    minHits: z.number().int().min(1).max(50).default(3).describe('Detections needed before an object is confirmed'),
    maxMissedFrames: z.number().int().min(1).max(500).default(10).describe('Looked-at frames without the object before it ends'),
    maxMissedMs: z.number().int().min(100).max(600_000).default(5000).describe('Time since last seen after which a missed object ends'),
    minIou: z.number().min(0).max(1).default(0.1).describe('Smallest overlap that links a detection to an object'),
    maxCentroidShift: z.number().min(0).max(5).default(0.8).describe('Largest centre shift, in box diagonals, that still links without overlap'),
    stationaryIou: z.number().min(0.5).max(1).default(0.85).describe('Overlap with the anchor box under which the object counts as moving'),
    stationaryFrames: z.number().int().min(1).max(1000).default(10).describe('Still frames before an object is stationary'),
    stationaryInterval: z.number().int().min(1).max(1000).default(10).describe('A stationary object is re-checked every this many frames'),
    historySize: z.number().int().min(3).max(100).default(10).describe('Recent scores kept for the median score'),
  })
  .strict();
export type TrackerSettings = z.infer<typeof TrackerSettings>;
