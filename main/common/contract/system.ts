// Health of the engine and of each camera, and recent log lines, for the System screen.
import { z } from 'zod';
import { VaultStatus } from './vault.js';

export const CameraHealth = z.object({
  cameraId: z.string(),
  fpsIn: z.number(),
  fpsDetect: z.number(),
  framesToModel: z.number().int(),
  framesTotal: z.number().int(),
  /** Frames skipped for any reason (faster than the fps, camera busy, detector queue full). */
  dropped: z.number().int(),
  /** Of those, frames the shared detector queue dropped (the detector cannot keep up). */
  queueDropped: z.number().int(),
  detectorMs: z.number().nullable(),
  restarts: z.number().int(),
  liveViewers: z.number().int(),
  /** What became of the camera's hardware decoding wish ("…: decoding in software"); null when as asked or off. */
  decodeMessage: z.string().nullable().optional(),
  /** One line per connection (main, sub): what it serves and what it found in the stream. */
  streams: z
    .array(
      z.object({
        stream: z.enum(['main', 'sub']),
        roles: z.array(z.enum(['record', 'detect', 'live-grid', 'live-full'])),
        state: z.string(),
        fpsIn: z.number(),
        detectSize: z.object({ width: z.number().int(), height: z.number().int() }).nullable(),
        audio: z.string().nullable(),
        wallclock: z.boolean(),
        hwaccel: z.string().nullable(),
      }),
    )
    .optional(),
});
export type CameraHealth = z.infer<typeof CameraHealth>;

export const SystemHealth = z.object({
  uptimeS: z.number(),
  cpuPercent: z.number(),
  rssBytes: z.number(),
  heapBytes: z.number(),
  detector: z.object({ model: z.string().nullable(), status: z.enum(['ready', 'motion-only', 'loading', 'error']), message: z.string().nullable() }),
  cameras: z.array(CameraHealth),
  /** Encryption at rest: locked means nothing is recorded, written or deleted until the master key is given. */
  vault: VaultStatus.optional(),
});
export type SystemHealth = z.infer<typeof SystemHealth>;

export const LogLine = z.object({ time: z.number(), level: z.string(), module: z.string(), msg: z.string() });
