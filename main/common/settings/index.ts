// Settings sections: each is a zod schema with its defaults beside it; the engine stores them in SQLite.
import { z } from 'zod';

export const StorageSettings = z
  .object({
    quotaGb: z.number().min(0.0001).max(100_000).default(100).describe('Disk space recordings may use, in GB'),
    minFreeGb: z.number().min(0).max(10_000).default(2).describe('Free space always left on the disk, in GB'),
    continuousDays: z.number().int().min(0).max(3650).default(7).describe('Days to keep continuous recordings'),
    eventDays: z.number().int().min(0).max(3650).default(30).describe('Days to keep recordings around events'),
    eventPrePaddingS: z.number().int().min(0).max(300).default(5).describe('Seconds kept before an event'),
    eventPostPaddingS: z.number().int().min(0).max(300).default(5).describe('Seconds kept after an event'),
  })
  .strict();

/** A program on this machine: absolute, never a network (UNC) path, which Windows would fetch and run from another host. */
export const LocalPath = z
  .string()
  .max(4096)
  .refine((p) => p === '' || ((p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p)) && !/^[\\/]{2}/.test(p)), 'an absolute path on this machine (not a network path)');

export const FfmpegSettings = z
  .object({
    ffmpegPath: LocalPath.default('').describe('Path to ffmpeg; empty finds the system one (set in the desktop app or with --ffmpeg, never over the network)'),
    ffprobePath: LocalPath.default('').describe('Path to ffprobe; empty finds the system one (set in the desktop app or with --ffprobe, never over the network)'),
    hwaccel: z
      .enum(['off', 'auto', 'vaapi', 'qsv', 'cuda', 'videotoolbox', 'd3d11va'])
      .default('off')
      .describe('Hardware decoding for detection, for cameras that follow this default: auto tries what this machine has and falls back to software'),
  })
  .strict();

export const DetectionSettings = z
  .object({
    enabled: z.boolean().default(true).describe('Run object detection on cameras that have it on'),
    model: z.string().max(200).default('deimv2_hgnetv2_femto_coco').describe('Detection model from the manifest'),
    // Frigate keeps tracking parked cars without counting them as active; ten minutes still ends the event here
    stationaryMaxMinutes: z.number().int().min(1).max(1440).default(10).describe('A parked object’s event ends after this many minutes still, and stops holding recordings'),
    workers: z.number().int().min(0).max(8).default(0).describe('Inference workers; 0 picks half the cores (at least one, at most four)'),
    threads: z.number().int().min(1).max(8).default(1).describe('Threads per inference worker (keep workers × threads at or below the cores)'),
    executionProvider: z.enum(['cpu', 'cuda', 'coreml', 'directml']).default('cpu').describe('Where the model runs: CUDA (Linux, Windows), CoreML (macOS), DirectML (Windows); falls back to the CPU'),
  })
  .strict();

export const GeneralSettings = z
  .object({
    theme: z.enum(['system', 'dark', 'light']).default('system'),
    language: z.string().max(20).default('en'),
    homeMode: z.enum(['home', 'away']).default('away').describe('Rules can fire only when away, or always'),
    recordingPaused: z.boolean().default(false).describe('Pause recording on every camera (live view and detection go on)'),
  })
  .strict();

export const AuditSettings = z
  .object({
    keepDays: z.number().int().min(30).max(36_500).default(730).describe('Days the audit log keeps its entries (pruning is itself logged and chained)'),
  })
  .strict();

export const DesktopSettings = z
  .object({
    startAtLogin: z.boolean().default(false).describe('Start Porchlight when you log in'),
    startMinimised: z.boolean().default(false).describe('Start in the tray, without opening the window'),
  })
  .strict();

const NormBox = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)]);

/** What the owner decided about what the cameras learned (kept with the settings, so a backup carries it). */
export const LearningSettings = z
  .object({
    dismissedMasks: z
      .array(z.object({ cameraId: z.string().min(1).max(64), box: NormBox }).strict())
      .max(1000)
      .default([])
      .describe('Object masks suggested from repeated false alarms that the owner turned down, per camera'),
  })
  .strict();

export const SETTINGS_SECTIONS = {
  general: GeneralSettings,
  storage: StorageSettings,
  ffmpeg: FfmpegSettings,
  detection: DetectionSettings,
  desktop: DesktopSettings,
  audit: AuditSettings,
  learning: LearningSettings,
} as const;

export type SettingsSection = keyof typeof SETTINGS_SECTIONS;
export const SettingsSectionName = z.enum(Object.keys(SETTINGS_SECTIONS) as [SettingsSection, ...SettingsSection[]]);

export const AllSettings = z.object({
  general: GeneralSettings.prefault({}),
  storage: StorageSettings.prefault({}),
  ffmpeg: FfmpegSettings.prefault({}),
  detection: DetectionSettings.prefault({}),
  desktop: DesktopSettings.prefault({}),
  audit: AuditSettings.prefault({}),
  learning: LearningSettings.prefault({}),
});
export type AllSettings = z.infer<typeof AllSettings>;
export type SettingsOf<S extends SettingsSection> = z.infer<(typeof SETTINGS_SECTIONS)[S]>;
