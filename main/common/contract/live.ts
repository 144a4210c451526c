// Live view over the contract, for the desktop app (IPC carries binary chunks); the server uses its own WebSocket path.
import { z } from 'zod';
import { CameraId } from './cameras.js';

export const LiveChunkDto = z.object({
  streamId: z.string(),
  type: z.enum(['init', 'fragment']),
  /** RFC 6381 codec, with every init. */
  codec: z.string().optional(),
  data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes'),
});
export type LiveChunkDto = z.infer<typeof LiveChunkDto>;

/**
 * grid: the camera's live-grid stream (the sub stream by default); full: its full-screen stream (main); compat: the grid
 * stream transcoded to low-rate H.264, for players that cannot decode the camera's codec (H.265 in Chromium).
 */
export const LiveView = z.enum(['grid', 'full', 'compat']);
export type LiveView = z.infer<typeof LiveView>;

export const liveMethodSpecs = {
  /** Starts sending this camera's fragmented MP4 on `live.chunk`: the init and the cached GOP first. */
  'live.open': {
    input: z.object({ cameraId: CameraId, view: LiveView.default('full') }).strict(),
    output: z.object({ streamId: z.string() }),
    role: 'viewer', viewer: { needs: 'live', cameras: { input: 'cameraId' } },
    audit: true,
  },
  'live.close': { input: z.object({ streamId: z.string().max(64) }).strict(), output: z.object({ closed: z.boolean() }), role: 'viewer', viewer: { needs: 'live', cameras: 'none' } },
} as const;

export const liveTopics = {
  'live.chunk': LiveChunkDto,
} as const;
