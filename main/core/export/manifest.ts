// The export manifest (what was exported, from which segments, by whom, with each output's sha256) and its verification.
import { createHash, type KeyObject } from 'node:crypto';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import type { ExportVerifyResult } from '../../common/contract/exports.js';
import { localFiles, type FileReader } from '../media/index.js';
import { checkSignature, ManifestSignature } from './sign.js';

export const MANIFEST_FORMAT = 'porchlight-export/1';

const Gap = z.object({ cameraId: z.string(), start: z.number().int(), end: z.number().int() });

export const ManifestFile = z.object({
  /** Relative to the manifest's folder. */
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(0),
  /** Seconds, as ffprobe reads the container; null for non-media files. */
  duration: z.number().nullable(),
});

export const ManifestSegment = z.object({
  cameraId: z.string(),
  /** Relative to the recordings root: <camera>/<day>/<time>.mp4 */
  path: z.string(),
  start: z.number().int(),
  end: z.number().int(),
});

export const ManifestClip = z.object({
  eventId: z.string(),
  cameraId: z.string(),
  label: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  /** The entry name inside the zip, absent when nothing was recorded for the event. */
  entry: z.string().nullable(),
  sha256: z.string().nullable(),
  bytes: z.number().int().nullable(),
  duration: z.number().nullable(),
});

/** What a redacted export hid and how (one per output file). */
export const ManifestRedaction = z.object({
  file: z.string(),
  method: z.enum(['blur', 'fill']),
  /** The detector model of the pass over the range. */
  model: z.string(),
  minScore: z.number(),
  enlarge: z.number(),
  holdFrames: z.number().int(),
  frames: z.number().int(),
  keptEvents: z.array(z.string()),
  /** Picked events nobody was found at: nobody was left visible for them. */
  unmatched: z.array(z.string()),
  tracks: z.array(z.object({ id: z.string(), frames: z.number().int(), first: z.number(), last: z.number(), kept: z.boolean(), eventId: z.string().optional() })),
});
export type ManifestRedaction = z.infer<typeof ManifestRedaction>;

export const Manifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  porchlight: z.string(),
  id: z.string(),
  kind: z.enum(['range', 'events']),
  cameras: z.array(z.string()),
  range: z.object({ start: z.number().int(), end: z.number().int(), startIso: z.string(), endIso: z.string() }),
  exact: z.boolean(),
  files: z.array(ManifestFile),
  segments: z.array(ManifestSegment),
  gaps: z.array(Gap),
  clips: z.array(ManifestClip).optional(),
  exportedBy: z.string(),
  exportedAt: z.string(),
  /** Present when people were redacted; the recording it was cut from is untouched. */
  redactions: z.array(ManifestRedaction).optional(),
  /** Privacy masks blacked out of each file (normalised polygons, as the camera had them). */
  privacyMasks: z.array(z.object({ file: z.string(), polygons: z.array(z.array(z.tuple([z.number(), z.number()]))) })).optional(),
  /** The requester may see behind the masks and exported without them (audited as privacy.liftMasks). */
  privacyMasksLifted: z.boolean().optional(),
  /** Absent in exports made before signing (and by an engine without a key). */
  signature: ManifestSignature.optional(),
});
export type Manifest = z.infer<typeof Manifest>;
export type ManifestFile = z.infer<typeof ManifestFile>;
export type ManifestClip = z.infer<typeof ManifestClip>;

export interface FileDigest {
  sha256: string;
  bytes: number;
  crc32: number;
}

/** sha256, size and CRC-32 (for a zip entry) in one read. */
export async function digestFile(path: string, open: (p: string) => Readable = localFiles.open): Promise<FileDigest> {
  const hash = createHash('sha256');
  let crc = 0;
  let bytes = 0;
  for await (const chunk of open(path)) {
    const buf = chunk as Buffer;
    hash.update(buf);
    crc = crc32(buf, crc);
    bytes += buf.length;
  }
  return { sha256: hash.digest('hex'), bytes, crc32: crc };
}

async function sha256OrNull(path: string, files: FileReader): Promise<string | null> {
  try {
    return (await digestFile(path, files.open)).sha256;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export interface VerifyOptions {
  /** The signature must be by this key (the recorder's own, or one the reader was handed). */
  trustedKey?: KeyObject;
  /** An unsigned manifest fails (the command line asks for this unless told otherwise). */
  requireSignature?: boolean;
  /** Where the files are read: a folder the user points at by default, the media store's export area for the engine's own. */
  files?: FileReader;
}

/**
 * Checks the manifest's signature, then recomputes every listed file's sha256; a file listed outside the manifest's folder
 * is refused, not read. `ok` only when every file matches and the signature is valid (or absent and not required).
 */
export async function verifyExport(manifestPath: string, opts: VerifyOptions = {}): Promise<ExportVerifyResult> {
  const files = opts.files ?? localFiles;
  let raw: unknown;
  let manifest: Manifest;
  try {
    raw = JSON.parse(await files.readText(manifestPath));
    manifest = Manifest.parse(raw);
  } catch (err) {
    const why = err instanceof z.ZodError ? 'it is not a Porchlight export manifest' : (err as Error).message;
    return { ok: false, files: [], problem: `The manifest could not be read: ${why}` };
  }
  const signature = checkSignature(raw, opts.trustedKey);
  const dir = dirname(manifestPath);
  const results: ExportVerifyResult['files'] = [];
  for (const f of manifest.files) {
    const target = join(dir, f.path);
    const rel = relative(dir, target);
    if (isAbsolute(f.path) || rel.startsWith('..') || isAbsolute(rel)) {
      results.push({ path: f.path, ok: false, expected: f.sha256, actual: null });
      continue;
    }
    const actual = await sha256OrNull(target, files);
    results.push({ path: f.path, ok: actual === f.sha256, expected: f.sha256, actual });
  }
  const bad = results.filter((f) => !f.ok);
  const problems: string[] = [];
  if (signature.status === 'invalid' || signature.status === 'other_key' || (signature.status === 'unsigned' && opts.requireSignature)) {
    problems.push(`Signature: ${signature.problem ?? signature.status}`);
  }
  if (results.length === 0) problems.push('The manifest lists no files');
  for (const f of bad) problems.push(f.actual === null ? `${f.path} is missing` : `${f.path} does not match its sha256`);
  const problem = problems.length ? problems.join('; ') : null;
  return { ok: problem === null, files: results, problem, signature };
}
