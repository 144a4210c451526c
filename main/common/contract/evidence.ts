// Evidence holds as the contract carries them: an event or a camera's time range that retention and the disk guard never delete.
import { z } from 'zod';
import { CameraId } from './cameras.js';
import type { MethodSpec } from './methods.js';

const EpochMs = z.number().int().min(0);
const Reason = z.string().trim().max(500).default('').describe('why it is held (a case number, a note)');

export const EvidenceHold = z.object({
  id: z.number().int(),
  cameraId: z.string(),
  /** Set for an event hold: the event, its snapshot and its footage (with the storage padding) are kept. */
  eventId: z.string().nullable(),
  /** Set for a range hold: every segment overlapping [start, end) and every event in it are kept. */
  start: z.number().int().nullable(),
  end: z.number().int().nullable(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.number().int(),
  releasedBy: z.string().nullable(),
  releasedAt: z.number().int().nullable(),
});
export type EvidenceHold = z.infer<typeof EvidenceHold>;

export const HoldRangeRequest = z
  .object({ cameraId: CameraId, start: EpochMs, end: EpochMs, reason: Reason })
  .strict()
  .refine((r) => r.end > r.start, { message: 'end must be after start', path: ['end'] });

const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> => spec;

export const evidenceMethodSpecs = {
  'evidence.list': method({
    input: z.object({ cameraId: CameraId.optional(), eventId: z.string().max(100).optional(), includeReleased: z.boolean().default(false) }).strict(),
    output: z.array(EvidenceHold),
    role: 'viewer',
    viewer: { needs: 'recordings', cameras: 'filtered' },
  }),
  'evidence.holdEvent': method({ input: z.object({ eventId: z.string().max(100), reason: Reason }).strict(), output: EvidenceHold, role: 'admin', audit: true }),
  'evidence.holdRange': method({ input: HoldRangeRequest, output: EvidenceHold, role: 'admin', audit: true }),
  /** Ends a hold: retention treats the footage as it would any other from its next pass. */
  'evidence.release': method({ input: z.object({ id: z.number().int().positive() }).strict(), output: EvidenceHold, role: 'admin', audit: true }),
} as const;
