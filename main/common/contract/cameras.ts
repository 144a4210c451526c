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

/** `live` (older rows and clients) means both live roles: the grid tile and full screen. */
export const StreamRole = z.enum(['record', 'detect', 'live-grid', 'live-full', 'live']);
export type StreamRole = z.infer<typeof StreamRole>;

export const StreamName = z.enum(['main', 'sub']);
export type StreamName = z.infer<typeof StreamName>;

export const CameraStream = z.object({
  name: StreamName,
  url: StreamUrl,
  roles: z.array(StreamRole).max(5),
});
export type CameraStream = z.infer<typeof CameraStream>;

/** How ffmpeg reads the camera: transport, clock, decoding, and the preset the paths came from. */
export const HwAccel = z.enum(['default', 'off', 'auto', 'vaapi', 'qsv', 'cuda', 'videotoolbox', 'd3d11va']);
export type HwAccel = z.infer<typeof HwAccel>;
export const CameraInputOptions = z
  .object({
    transport: z.enum(['tcp', 'udp']).default('tcp').describe('RTSP over TCP (reliable) or UDP (some cameras only offer it)'),
    // Frigate's default too: a camera clock that jumps breaks MP4 segments; wall clock never goes back
    clock: z.enum(['auto', 'camera', 'wallclock']).default('auto').describe('auto: wall-clock timestamps for network streams; camera: trust the camera (jumps are detected and logged)'),
    hwaccel: HwAccel.default('default').describe('Decoding for detection: default follows Settings, auto tries what this machine has'),
    preset: z.string().max(40).nullable().default(null).describe('The camera family whose stream paths were filled in'),
  })
  .strict();
export type CameraInputOptions = z.infer<typeof CameraInputOptions>;

/** The object filters a camera applies before a detection becomes an event (null fields follow the engine defaults). */
export const CameraObjectSettings = z
  .object({
    labels: z.array(z.string().min(1).max(40)).min(1).max(80).nullable().default(null).describe('Labels tracked; null tracks people, vehicles and animals'),
    minScore: z.number().min(0).max(1).nullable().default(null).describe('Detections under this score are ignored'),
    threshold: z.number().min(0).max(1).nullable().default(null).describe('Median score an object must reach to become an event'),
    areas: z
      .record(z.string().min(1).max(40), z.object({ min: z.number().min(0).max(1).optional(), max: z.number().min(0).max(1).optional() }).strict())
      .default({})
      .describe('Smallest and largest box per label, as a share of the frame'),
    /** 1 (only big changes) to 10 (the smallest movement). */
    motionSensitivity: z.number().int().min(1).max(10).default(5).describe('How small a movement wakes detection up'),
  })
  .strict();
export type CameraObjectSettings = z.infer<typeof CameraObjectSettings>;

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
    /** With autoSize, width is the target and height follows the detect stream's shape (from the probe). */
    width: z.number().int().min(160).max(1920),
    height: z.number().int().min(120).max(1920),
    fps: z.number().min(1).max(15),
    autoSize: z.boolean(),
    objects: CameraObjectSettings,
  }),
  /** Record the camera's microphone with the video (some places forbid recording sound). */
  audio: z.object({ record: z.boolean() }).strict(),
  input: CameraInputOptions,
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
  /** Giving width and height without autoSize fixes the size. */
  detect: Camera.shape.detect.partial().extend({ objects: CameraObjectSettings.partial().optional() }).optional(),
  audio: Camera.shape.audio.partial().optional(),
  input: CameraInputOptions.partial().optional(),
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
