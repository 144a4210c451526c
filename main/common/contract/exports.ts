// Clip exports as the contract carries them: requests, the job DTO, verification, methods and the progress topic.
import { z } from 'zod';
import { CameraId } from './cameras.js';
import { EventQuery } from './events.js';
import type { MethodSpec } from './methods.js';

const DAY_MS = 86_400_000;
const EpochMs = z.number().int().min(0);
/** Job ids are also folder names under exports/, so they are kept to a safe alphabet. */
export const ExportId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'an export id');

export const ExportRequest = z
  .object({
    cameras: z.array(CameraId).min(1).max(16),
    start: EpochMs.describe('range start (epoch ms)'),
    end: EpochMs.describe('range end (epoch ms)'),
    /** Cut exactly at start/end (re-encodes) instead of at the nearest keyframe (stream copy). */
    exact: z.boolean().optional(),
    /** Export what exists when recording is missing; the gaps are listed in the manifest. */
    allowGaps: z.boolean().optional(),
    /**
     * Every person blurred (or filled) but those of the picked events, found by a detection pass over the range; the
     * recording itself is untouched. Implies an exact cut (the clip is re-encoded anyway).
     */
    redact: z
      .object({
        keepEvents: z.array(z.string().max(100)).max(50).default([]).describe('events whose person stays visible'),
        method: z.enum(['blur', 'fill']).default('blur'),
      })
      .strict()
      .optional(),
    /** Export without the cameras' privacy masks: only for callers who may lift them (admins for now); audited. */
    liftMasks: z.boolean().optional(),
  })
  .strict()
  .refine((r) => r.end > r.start, { message: 'end must be after start', path: ['end'] })
  .refine((r) => r.end - r.start <= DAY_MS, { message: 'a range of at most 24 hours', path: ['end'] })
  .refine((r) => new Set(r.cameras).size === r.cameras.length, { message: 'each camera once', path: ['cameras'] });
export type ExportRequest = z.infer<typeof ExportRequest>;

/** Every event the query matches (one page, up to limit), each clip padded by a few seconds, as one zip. */
export const EventsExportRequest = EventQuery.omit({ cursor: true }).extend({
  limit: z.number().int().min(1).max(500).default(100),
  paddingS: z.number().int().min(0).max(60).default(5).describe('seconds added before and after each event'),
  allowGaps: z.boolean().optional(),
});
export type EventsExportRequest = z.input<typeof EventsExportRequest>;

export const ExportStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type ExportStatus = z.infer<typeof ExportStatus>;

export const ExportGap = z.object({ cameraId: z.string(), start: z.number().int(), end: z.number().int() });
export type ExportGap = z.infer<typeof ExportGap>;

export const ExportFile = z.object({
  /** Relative media path under exports/, e.g. <id>/<camera>_<start>.mp4 */
  url: z.string(),
  bytes: z.number().int(),
  sha256: z.string(),
});
export type ExportFile = z.infer<typeof ExportFile>;

export const ExportJob = z.object({
  id: ExportId,
  kind: z.enum(['range', 'events']),
  cameras: z.array(z.string()),
  start: z.number().int(),
  end: z.number().int(),
  exact: z.boolean(),
  status: ExportStatus,
  progress: z.number().min(0).max(1),
  /** Total bytes of the output files. */
  bytes: z.number().int().optional(),
  /** The output's sha256 when the job produced one file (a single camera, or the events zip). */
  sha256: z.string().optional(),
  error: z.string().optional(),
  gaps: z.array(ExportGap).optional(),
  /** The first output file, relative under exports/. */
  url: z.string().optional(),
  /** The sidecar manifest, relative under exports/. */
  manifestUrl: z.string().optional(),
  files: z.array(ExportFile).optional(),
  createdBy: z.string(),
  createdAt: z.number().int(),
  finishedAt: z.number().int().optional(),
});
export type ExportJob = z.infer<typeof ExportJob>;

export const ExportVerifyResult = z.object({
  ok: z.boolean(),
  files: z.array(
    z.object({
      path: z.string(),
      ok: z.boolean(),
      expected: z.string(),
      /** null when the file is missing. */
      actual: z.string().nullable(),
    }),
  ),
  problem: z.string().nullable(),
  /** The manifest's Ed25519 signature: valid (by this recorder's key, when the engine checks), invalid, unsigned, or another key's. */
  signature: z
    .object({
      status: z.enum(['valid', 'invalid', 'unsigned', 'other_key']),
      fingerprint: z.string().nullable(),
      problem: z.string().nullable(),
    })
    .optional(),
});
export type ExportVerifyResult = z.infer<typeof ExportVerifyResult>;

export const SigningKey = z.object({
  algorithm: z.literal('ed25519'),
  publicKeyPem: z.string(),
  /** sha256 of the public key (DER), hex. */
  fingerprint: z.string(),
  createdAt: z.number().int(),
});
export type SigningKey = z.infer<typeof SigningKey>;

export const ExportProgress = z.object({ id: z.string(), status: ExportStatus, progress: z.number().min(0).max(1) });
export type ExportProgress = z.infer<typeof ExportProgress>;

const byExportId = z.object({ id: ExportId }).strict();
const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> => spec;

/** Spread into `methods` (methods.ts). create/delete are audited by the router; the finished job is audited by the manager. */
export const exportMethodSpecs = {
  'exports.create': method({ input: ExportRequest, output: ExportJob, role: 'viewer', viewer: { needs: 'export', cameras: { narrow: 'cameras' } }, audit: true }),
  'exports.createFromEvents': method({ input: EventsExportRequest, output: ExportJob, role: 'viewer', viewer: { needs: 'export', cameras: { narrow: 'cameras' } }, audit: true }),
  'exports.list': method({
    input: z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(),
    output: z.array(ExportJob),
    role: 'viewer', viewer: { needs: 'export', cameras: 'filtered' },
  }),
  'exports.get': method({ input: byExportId, output: ExportJob, role: 'viewer', viewer: { needs: 'export', cameras: 'filtered' } }),
  'exports.cancel': method({ input: byExportId, output: ExportJob, role: 'viewer', viewer: { needs: 'export', cameras: 'filtered' }, audit: true }),
  'exports.delete': method({ input: byExportId, output: z.object({ deleted: z.boolean() }), role: 'viewer', viewer: { needs: 'export', cameras: 'filtered' }, audit: true }),
  'exports.verify': method({ input: byExportId, output: ExportVerifyResult, role: 'viewer', viewer: { needs: 'export', cameras: 'filtered' } }),
  /** The public key export manifests are signed with, and its fingerprint (null when this engine does not sign). */
  'exports.signingKey': method({ input: z.object({}).strict(), output: SigningKey.nullable(), role: 'viewer', viewer: { needs: null, cameras: 'none' } }),
} as const;

/** Spread into `topics` (topics.ts). */
export const exportTopics = {
  'export.progress': ExportProgress,
} as const;
