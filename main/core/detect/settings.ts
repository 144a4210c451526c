// Detection settings: the engine section (model, workers) and each camera's section (fps, labels, filters, zones, masks).
import { z } from 'zod';
import { MotionSettings } from '../motion/settings.js';
import { CameraZone, Polygon } from '../../common/contract/zones.js';
import { TrackerSettings } from '../track/settings.js';

export const DEFAULT_LABELS = ['person', 'car', 'truck', 'bus', 'motorcycle', 'bicycle', 'dog', 'cat', 'bird'];

/** Engine-wide: one model and one queue shared by every camera. */
export const DetectSettings = z
  .object({
    model: z.string().max(200).default('deimv2_hgnetv2_femto_coco').describe('Detection model from the manifest'),
    workers: z.number().int().min(1).max(8).default(1).describe('Inference threads (keep at or below the number of cores)'),
    queuePerWorker: z.number().int().min(1).max(16).default(2).describe('Frames waiting per worker before the oldest is dropped'),
    scoreThreshold: z.number().min(0.05).max(0.95).default(0.3).describe('Decoder cut-off; camera filters apply stricter scores'),
  })
  .strict();
export type DetectSettings = z.infer<typeof DetectSettings>;

export const ObjectFilter = z
  .object({
    minScore: z.number().min(0).max(1).default(0.5).describe('Detections under this score are ignored'),
    threshold: z.number().min(0).max(1).default(0.6).describe('Median score an object must reach to become an event'),
    minArea: z.number().min(0).max(1).default(0.0005).describe('Smallest box, as a share of the frame area (of a 640x360 frame for larger ones: the same pixels)'),
    maxArea: z.number().min(0).max(1).default(0.8).describe('Largest box, as a share of the frame area'),
    mask: z.array(Polygon).max(50).default([]).describe('Objects whose bottom centre is here are ignored'),
  })
  .strict();
export type ObjectFilter = z.infer<typeof ObjectFilter>;

/** A named area; objects whose feet are inside it are "in" the zone (the contract's shape, shared with the UI). */
export const Zone = CameraZone;
export type Zone = CameraZone;

export const RegionSettings = z
  .object({
    multiplier: z.number().min(1).max(4).default(1.4).describe('How much context a region adds around a box'),
    maxRegions: z.number().int().min(1).max(16).default(3).describe('More regions than this become one full-frame region'),
  })
  .strict();

/** Motion as events when no model runs (none loaded, or detection off for the camera). */
export const MotionEventSettings = z
  .object({
    minFrames: z.number().int().min(1).max(50).default(2).describe('Frames in a row with motion before a motion event starts'),
    gapMs: z.number().int().min(1000).max(600_000).default(10_000).describe('A motion event ends this long after the last movement'),
    maxMs: z.number().int().min(10_000).max(86_400_000).default(600_000).describe('Endless motion (trees, rain) is cut into events this long'),
  })
  .strict();

/** Per camera. */
export const CameraDetectSettings = z
  .object({
    enabled: z.boolean().default(true),
    fps: z.number().min(0.5).max(30).default(5).describe('Frames per second analysed'),
    labels: z.array(z.string()).min(1).default(DEFAULT_LABELS).describe('Labels tracked; everything else is ignored'),
    filters: ObjectFilter.prefault({}).describe('Filters for every label'),
    labelFilters: z.record(z.string(), ObjectFilter.partial()).default({}).describe('Per-label overrides of the filters'),
    zones: z.array(Zone).max(50).default([]),
    requiredZones: z.record(z.string(), z.array(z.string()).min(1)).default({}).describe('Label → zones it must enter to become an event'),
    objectMask: z.array(Polygon).max(50).default([]).describe('Objects whose bottom centre is here are ignored (every label)'),
    motion: MotionSettings.prefault({}),
    tracker: TrackerSettings.prefault({}),
    regions: RegionSettings.prefault({}),
    motionEvents: MotionEventSettings.prefault({}),
    // Frigate keeps tracking parked objects but stops counting them as active; here their event ends and footage is no longer held
    maxStationaryMs: z.number().int().min(10_000).max(86_400_000).default(600_000).describe('A still object’s event ends after this long still'),
  })
  .strict();
export type CameraDetectSettings = z.infer<typeof CameraDetectSettings>;
export type CameraDetectSettingsInput = z.input<typeof CameraDetectSettings>;

/** The filter in force for a label (camera defaults under per-label overrides). */
export function filterFor(s: CameraDetectSettings, label: string): ObjectFilter {
  const over = s.labelFilters[label];
  if (!over) return s.filters;
  const merged: ObjectFilter = { ...s.filters };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  return merged;
}
