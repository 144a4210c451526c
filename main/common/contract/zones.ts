// Zones and masks drawn on a camera's picture, in normalised coordinates so they survive a resolution change.
import { z } from 'zod';

export const Point = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);
export type Point = z.infer<typeof Point>;

export const Polygon = z.array(Point).min(3).max(100).describe('Points as [x, y] fractions of the frame width and height');
export type Polygon = z.infer<typeof Polygon>;

/** Shown in events, rules and filters: printable text only. */
export const ZoneName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'zone names cannot hold control characters');

export const CameraZone = z
  .object({
    name: ZoneName,
    polygon: Polygon,
    /** Labels counted in this zone; empty counts every label. */
    labels: z.array(z.string().min(1).max(40)).max(40).default([]),
  })
  .strict();
export type CameraZone = z.infer<typeof CameraZone>;

export const CameraZones = z
  .array(CameraZone)
  .max(50)
  .refine((zs) => new Set(zs.map((zone) => zone.name.toLowerCase())).size === zs.length, 'each zone on a camera needs its own name');

export const CameraMasks = z
  .object({
    /** Motion here is ignored: trees, a busy road, the timestamp overlay. */
    motion: z.array(Polygon).max(50).default([]),
    /** Objects whose feet are here are ignored: a parked car, a poster of a person. */
    objects: z.array(Polygon).max(50).default([]),
    /**
     * Privacy masks (a neighbour's window, the street): blacked out in exports, snapshots and thumbnails for everyone who
     * may not lift them; detection still sees the whole picture.
     */
    privacy: z.array(Polygon).max(50).default([]),
  })
  .strict();
export type CameraMasks = z.infer<typeof CameraMasks>;

export const NO_MASKS: CameraMasks = { motion: [], objects: [], privacy: [] };

/** One picture from a camera's detection stream, for drawing zones on. */
export const CameraStill = z.object({
  /** JPEG, base64. */
  jpeg: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  time: z.number().int(),
});
export type CameraStill = z.infer<typeof CameraStill>;
