// The audit log as the contract carries it.
import { z } from 'zod';

export const AuditEntry = z.object({
  id: z.number().int(),
  time: z.number().int(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  origin: z.string(),
  ok: z.boolean(),
  details: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z
  .object({
    after: z.number().int().optional(),
    before: z.number().int().optional(),
    actor: z.string().max(64).optional(),
    action: z.string().max(64).optional(),
    limit: z.number().int().min(1).max(1000).default(200),
    beforeId: z.number().int().optional(),
  })
  .strict();

export const AuditVerify = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  /** The first entry whose content or link does not match, when not ok. */
  brokenAt: z.number().int().nullable(),
  problem: z.string().nullable(),
});
export type AuditVerify = z.infer<typeof AuditVerify>;

/** What was watched: live, recordings (playback, segments, timeline frames), snapshots and exports. */
export const ViewKind = z.enum(['live', 'recording', 'snapshot', 'export']);
export type ViewKind = z.infer<typeof ViewKind>;

/** One viewing session: a person, from one address, watching one camera's footage of one kind, with the time range they saw. */
export const ViewEntry = z.object({
  session: z.string(),
  /** When the session began (epoch ms). */
  time: z.number().int(),
  user: z.string(),
  origin: z.string(),
  kind: ViewKind,
  cameraId: z.string(),
  /** The footage's time range (for live: from when watching began to when it ended, or the last report). */
  start: z.number().int(),
  end: z.number().int(),
});
export type ViewEntry = z.infer<typeof ViewEntry>;

export const ViewQuery = z
  .object({
    user: z.string().max(64).optional(),
    cameraId: z.string().max(64).optional(),
    /** Sessions that began at or after (epoch ms). */
    after: z.number().int().optional(),
    before: z.number().int().optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type ViewQuery = z.input<typeof ViewQuery>;
