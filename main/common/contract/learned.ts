// "Teach your camera": the owner's verdicts on events, kept as examples on this machine, and what the camera learned from them.
import { z } from 'zod';
import { CameraId } from './cameras.js';
import { Box } from './events.js';
import type { MethodSpec } from './methods.js';

export const Verdict = z.enum(['false_alarm', 'correct']);
export type Verdict = z.infer<typeof Verdict>;

export const LearnedExample = z.object({
  id: z.number().int(),
  cameraId: z.string(),
  /** Null once the event itself has aged out; the example stays until undone. */
  eventId: z.string().nullable(),
  verdict: Verdict,
  label: z.string(),
  score: z.number(),
  /** Normalised [x1, y1, x2, y2]. */
  box: Box,
  time: z.number().int(),
  createdAt: z.number().int(),
  undone: z.boolean(),
});
export type LearnedExample = z.infer<typeof LearnedExample>;

/** A per-camera, per-label score an object must now reach, calibrated from the owner's verdicts. */
export const LearnedThreshold = z.object({ cameraId: z.string(), label: z.string(), threshold: z.number(), correct: z.number().int(), falseAlarms: z.number().int() });
export type LearnedThreshold = z.infer<typeof LearnedThreshold>;

export const LearnedList = z.object({ examples: z.array(LearnedExample), thresholds: z.array(LearnedThreshold) });
export type LearnedList = z.infer<typeof LearnedList>;

/** The crop of an example as it was kept (JPEG, base64), or null for an example without one. */
export const LearnedCrop = z.object({ id: z.number().int(), jpeg: z.string().nullable() });
export type LearnedCrop = z.infer<typeof LearnedCrop>;

/**
 * A place where the owner marked the same false alarm again and again: masking it stops every detection whose feet
 * are there (the look-alike check quiets only that look).
 */
export const MaskSuggestion = z.object({
  cameraId: z.string(),
  /** Normalised [x1, y1, x2, y2] around the marked boxes' feet. */
  box: Box,
  labels: z.array(z.string()),
  /** False alarms marked there. */
  examples: z.number().int(),
});
export type MaskSuggestion = z.infer<typeof MaskSuggestion>;

const SuggestionRef = z.object({ cameraId: CameraId, box: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)]) }).strict();

const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> => spec;

export const learnedMethodSpecs = {
  /** "False alarm" or "correct" on an event: kept as an example (look, place, camera, time); a second verdict replaces the first. */
  'events.feedback': method({ input: z.object({ id: z.string().max(100), verdict: Verdict }).strict(), output: LearnedExample, role: 'admin', audit: true }),
  /** What the cameras learned from the owner: examples in force (and undone ones), and calibrated thresholds. */
  'learned.list': method({ input: z.object({ cameraId: CameraId.optional(), includeUndone: z.boolean().default(false) }).strict(), output: LearnedList, role: 'viewer', viewer: { needs: 'recordings', cameras: 'filtered' } }),
  /** The crop an example keeps, shown beside it in the list (the same people who may see snapshots may see it). */
  'learned.crop': method({ input: z.object({ id: z.number().int().positive() }).strict(), output: LearnedCrop, role: 'viewer', viewer: { needs: 'recordings', cameras: 'filtered' }, audit: true }),
  /** Object masks suggested from repeated false alarms at one place, minus those accepted or dismissed. */
  'learned.maskSuggestions': method({ input: z.object({ cameraId: CameraId }).strict(), output: z.array(MaskSuggestion), role: 'viewer', viewer: { needs: 'recordings', cameras: { input: 'cameraId' } } }),
  /** The suggested box becomes one of the camera's object masks. */
  'learned.acceptMask': method({ input: SuggestionRef, output: z.object({ objectMasks: z.number().int() }), role: 'admin', audit: true }),
  /** Not suggested again for this camera (until false alarms pile up somewhere else). */
  'learned.dismissMask': method({ input: SuggestionRef, output: z.object({ ok: z.literal(true) }), role: 'admin', audit: true }),
  'learned.undo': method({ input: z.object({ id: z.number().int().positive() }).strict(), output: LearnedExample, role: 'admin', audit: true }),
} as const;
