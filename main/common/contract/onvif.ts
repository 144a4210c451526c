// ONVIF discovery, probing and PTZ as the contract carries them.
import { z } from 'zod';
import { Camera, CameraId, RecordMode, StreamUrl } from './cameras.js';

export const OnvifErrorCode = z.enum(['onvif_unreachable', 'onvif_auth_failed', 'onvif_timeout', 'onvif_bad_response', 'onvif_not_supported', 'onvif_rejected']);

export const OnvifCredentials = z
  .object({
    /** An IP address, host:port or the device service URL. */
    xaddr: z.string().trim().min(1).max(2048),
    username: z.string().max(128),
    password: z.string().max(256),
    timeoutMs: z.number().int().min(500).max(30_000).optional(),
  })
  .strict();

export const DiscoveredDevice = z.object({
  xaddr: z.string(),
  xaddrs: z.array(z.string()).max(8),
  urn: z.string(),
  name: z.string().optional(),
  hardware: z.string().optional(),
  address: z.string(),
});

export const OnvifProfileDto = z.object({
  token: z.string(),
  name: z.string(),
  encoding: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  fps: z.number().optional(),
  bitrateKbps: z.number().optional(),
  ptz: z.boolean(),
});

export const OnvifProbeResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    xaddr: z.string(),
    device: z.object({ manufacturer: z.string(), model: z.string(), firmwareVersion: z.string(), serialNumber: z.string(), hardwareId: z.string() }),
    profiles: z.array(OnvifProfileDto).max(32),
    /** Passwords masked. */
    streams: z.object({ main: StreamUrl, sub: StreamUrl.optional() }),
    snapshotUri: z.string().optional(),
    ptz: z.object({ supported: z.boolean(), profile: z.string().optional(), presets: z.array(z.object({ token: z.string(), name: z.string() })).max(256) }),
  }),
  z.object({ ok: z.literal(false), code: OnvifErrorCode, message: z.string() }),
]);
export type OnvifProbeResult = z.infer<typeof OnvifProbeResult>;

export const PtzPresetDto = z.object({ token: z.string(), name: z.string() });

const PtzSpeed = z.number().min(-1).max(1).default(0);
export const PtzInput = z.discriminatedUnion('action', [
  z.object({ id: CameraId, action: z.literal('move'), x: PtzSpeed, y: PtzSpeed, zoom: PtzSpeed, timeoutMs: z.number().int().min(100).max(10_000).optional() }).strict(),
  z.object({ id: CameraId, action: z.literal('stop') }).strict(),
  z.object({ id: CameraId, action: z.literal('preset'), preset: z.string().min(1).max(64) }).strict(),
]);

export const onvifMethodSpecs = {
  'onvif.discover': {
    input: z
      .object({
        timeoutMs: z.number().int().min(500).max(10_000).default(3000),
        /** Ask these addresses directly instead of multicasting (cameras on another subnet). */
        targets: z.array(z.ipv4()).max(64).optional(),
        port: z.number().int().min(1).max(65535).optional(),
      })
      .strict(),
    output: z.array(DiscoveredDevice),
    role: 'admin',
  },
  'onvif.probe': { input: OnvifCredentials, output: OnvifProbeResult, role: 'admin' },
  'cameras.addOnvif': {
    input: OnvifCredentials.extend({ name: z.string().trim().min(1).max(200).optional(), recordMode: RecordMode.optional() }).strict(),
    output: Camera,
    role: 'admin',
    audit: true,
  },
  'cameras.ptz': { input: PtzInput, output: z.object({ ok: z.literal(true) }), role: 'admin' },
  /** The camera's PTZ presets, to go to with cameras.ptz (action preset). */
  'cameras.ptzPresets': { input: z.object({ id: CameraId }).strict(), output: z.array(PtzPresetDto).max(256), role: 'admin' },
  /** Saves where the camera points now as a preset: a new one, or `preset` renamed and moved here. */
  'cameras.ptzSavePreset': {
    input: z.object({ id: CameraId, name: z.string().trim().min(1).max(64), preset: z.string().min(1).max(64).optional() }).strict(),
    output: PtzPresetDto,
    role: 'admin',
    audit: true,
  },
} as const;
