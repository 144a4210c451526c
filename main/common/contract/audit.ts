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
