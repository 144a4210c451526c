// Cameras: their streams, recording mode and live state, as the contract carries them.
import { z } from 'zod';
import { CameraMasks, CameraZones } from './zones.js';

export const CameraId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _ (max 64)');

const STREAM_SCHEMES = ['rtsp:', 'rtsps:', 'http:', 'https:'];

/** A camera URL: parsed, not just a string, so a typo is caught before ffmpeg sees it. */
export const StreamUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine((s) => {
    if (!URL.canParse(s)) return false;
    return STREAM_SCHEMES.includes(new URL(s).protocol);
  }, 'must be an rtsp://, rtsps://, http:// or https:// URL');

export const StreamRole = z.enum(['record', 'detect', 'live']);
export type StreamRole = z.infer<typeof StreamRole>;

export const CameraStream = z.object({
  name: z.enum(['main', 'sub']),
  url: StreamUrl,
  roles: z.array(StreamRole).max(3),
});
export type CameraStream = z.infer<typeof CameraStream>;

export const RecordMode = z.enum(['continuous', 'events', 'off']);
export type RecordMode = z.infer<typeof RecordMode>;

/** Per-camera retention; null follows the global storage settings (continuousDays, eventDays). */
export const CameraRetention = z
  .object({
    continuousDays: z.number().int().min(0).max(3650).nullable().default(null).describe('Days to keep this camera\'s continuous recordings; null uses the global setting'),
    eventDays: z.number().int().min(0).max(3650).nullable().default(null).describe('Days to keep this camera\'s events and the footage around them; null uses the global setting'),
  })
  .strict();
export type CameraRetention = z.infer<typeof CameraRetention>;

export const Camera = z.object({
  id: CameraId,
  name: z.string().min(1).max(200),
  enabled: z.boolean(),
  recordMode: RecordMode,
  streams: z.array(CameraStream).min(1).max(2),
  detect: z.object({
    enabled: z.boolean(),
    width: z.number().int().min(160).max(1920),
    height: z.number().int().min(120).max(1080),
    fps: z.number().min(1).max(15),
  }),
  onvif: z
    .object({ xaddr: z.string().max(2048), ptz: z.boolean() })
    .nullable(),
  zones: CameraZones,
  masks: CameraMasks,
  retention: CameraRetention,
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Camera = z.infer<typeof Camera>;

/** What a client sends to create or change a camera; the engine fills in the rest. */
export const CameraInput = z.object({
  id: CameraId.optional(),
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  recordMode: RecordMode.default('continuous'),
  streams: z.array(CameraStream).min(1).max(2),
  detect: Camera.shape.detect.partial().optional(),
  /** Set when the camera was added through ONVIF; enables PTZ. */
  onvif: Camera.shape.onvif.optional(),
  /** Left out: the camera keeps the zones and masks it has. */
  zones: CameraZones.optional(),
  masks: CameraMasks.optional(),
  /** Left out: the camera keeps the retention it has. */
  retention: CameraRetention.optional(),
});
export type CameraInput = z.input<typeof CameraInput>;

export const CameraState = z.object({
  cameraId: CameraId,
  state: z.enum(['connecting', 'online', 'offline', 'error', 'disabled']),
  reason: z.string().optional(),
  since: z.number().int(),
});
export type CameraState = z.infer<typeof CameraState>;

export const ProbeResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    codec: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    fps: z.number(),
    audio: z.string().optional(),
  }),
  z.object({
    ok: z.literal(false),
    code: z.enum(['host_unreachable', 'connection_refused', 'auth_failed', 'not_found', 'not_video', 'timeout', 'invalid_url', 'unknown']),
    message: z.string(),
  }),
]);
export type ProbeResult = z.infer<typeof ProbeResult>;
