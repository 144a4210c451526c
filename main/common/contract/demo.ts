// The demo cameras: a generated test picture (offline), and a clip with people the user fetches with one click.
import { z } from 'zod';

export const DemoKind = z.enum(['pattern', 'people']);
export type DemoKind = z.infer<typeof DemoKind>;

export const DemoInfo = z.object({
  people: z.object({
    name: z.string(),
    url: z.string(),
    sizeBytes: z.number().int(),
    license: z.string(),
    credit: z.string(),
    /** Fetched and prepared: the camera can be added. */
    ready: z.boolean(),
    fetching: z.boolean(),
  }),
});
export type DemoInfo = z.infer<typeof DemoInfo>;

export const DemoProgress = z.object({
  stage: z.enum(['downloading', 'preparing', 'done', 'failed']),
  received: z.number(),
  total: z.number(),
  error: z.string().optional(),
  /** The demo camera added when the clip was ready. */
  cameraId: z.string().optional(),
});
export type DemoProgress = z.infer<typeof DemoProgress>;

export const demoMethodSpecs = {
  'demo.info': { input: z.object({}).strict(), output: DemoInfo, role: 'viewer', viewer: { needs: null, cameras: 'none' } },
  /**
   * Fetches the clip with people (a download the user starts: its address, size and licence are shown first), prepares
   * it, then adds the demo camera with a person alert; progress on demo.progress.
   */
  'demo.fetch': { input: z.object({}).strict(), output: z.object({ started: z.boolean() }), role: 'admin', audit: true },
} as const;

export const demoTopics = {
  'demo.progress': DemoProgress,
} as const;
