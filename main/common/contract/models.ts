// Detection models: what the manifest offers, what is installed, downloads with progress, speed on this machine.
import { z } from 'zod';

export const ModelInfo = z.object({
  name: z.string(),
  family: z.string(),
  inputSize: z.number().int(),
  sizeBytes: z.number().int(),
  license: z.string(),
  default: z.boolean(),
  installed: z.boolean(),
  active: z.boolean(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const ModelProgress = z.object({
  name: z.string(),
  status: z.enum(['downloading', 'done', 'failed']),
  received: z.number(),
  total: z.number(),
  error: z.string().optional(),
});
export type ModelProgress = z.infer<typeof ModelProgress>;

const byName = z.object({ name: z.string().min(1).max(100) }).strict();

export const modelMethodSpecs = {
  'models.list': { input: z.object({}).strict(), output: z.array(ModelInfo), role: 'viewer', viewer: { needs: null, cameras: 'none' } },
  /** Starts a download the user asked for (the only outbound connection besides cameras); progress on model.progress. */
  'models.download': { input: byName, output: z.object({ started: z.boolean() }), role: 'admin', audit: true },
  /** Milliseconds per detection on this machine (median of a short run). */
  'models.speed': { input: byName, output: z.object({ name: z.string(), medianMs: z.number(), runs: z.number().int() }), role: 'admin' },
} as const;

export const modelTopics = {
  'model.progress': ModelProgress,
} as const;
