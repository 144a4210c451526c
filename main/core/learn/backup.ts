// The owner's examples in a settings backup: every row (undone ones too), crop and appearance vector as base64.
import { z } from 'zod';
import { Box } from '../../common/contract/events.js';
import { Verdict } from '../../common/contract/learned.js';

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

export const LearnedBackupItem = z
  .object({
    cameraId: z.string().min(1).max(100),
    eventId: z.string().max(100).nullable(),
    verdict: Verdict,
    label: z.string().min(1).max(100),
    score: z.number().min(0).max(1),
    box: Box,
    /** float32 little-endian appearance vector. */
    embedding: Base64.min(4).refine((v) => Buffer.from(v, 'base64').length % 4 === 0, 'whole float32 values'),
    /** The crop's JPEG. */
    crop: Base64.nullable(),
    time: z.number().int(),
    createdAt: z.number().int(),
    undoneAt: z.number().int().nullable(),
  })
  .strict();
export type LearnedBackupItem = z.infer<typeof LearnedBackupItem>;

export const LearnedBackup = z.array(LearnedBackupItem).max(100_000);

export interface LearnedImport {
  added: number;
  /** Already here (the same camera, verdict, label, time, box and creation). */
  present: number;
  /** Examples of cameras this installation does not have: left out, by camera. */
  skippedCameras: Record<string, number>;
}

/** The backup part the settings file carries under `learned`. */
export function learnedBackupPart(store: { exportBackup(): LearnedBackupItem[]; importBackup(items: readonly LearnedBackupItem[]): LearnedImport }) {
  return {
    key: 'learned',
    schema: LearnedBackup,
    export: () => store.exportBackup(),
    import: (items: LearnedBackupItem[]) => store.importBackup(items),
  };
}
