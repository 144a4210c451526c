// The model manifest (models/manifest.json): zod schema, loader and lookups.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');
const Triple = z.tuple([z.number(), z.number(), z.number()]);

export const ManifestModel = z
  .object({
    name: z.string().regex(/^[a-z0-9_.-]+$/).describe('Key used in settings and on the command line'),
    title: z.string().min(1),
    family: z.string().min(1).describe('Adapter key (yolox, picodet, nanodet, ...)'),
    file: z.string().regex(/^[A-Za-z0-9_.-]+\.onnx$/).describe('File name inside the models folder'),
    inputSize: z.number().int().min(32).max(2048),
    channelOrder: z.enum(['rgb', 'bgr']),
    resize: z.enum(['letterbox', 'stretch']),
    mean: Triple.describe('Per channel, in the model channel order'),
    std: Triple.describe('Per channel, in the model channel order'),
    padValue: z.number().min(0).max(255).default(114),
    labels: z.union([z.string(), z.array(z.string()).min(1)]).describe('A label set name or the labels in index order'),
    url: z.url().describe('Public address of these exact bytes'),
    sha256: Sha256,
    size: z.number().int().positive(),
    license: z.string().min(1),
    notes: z.string().default(''),
    default: z.boolean().default(false),
  })
  .strict();

export const Manifest = z
  .object({
    version: z.literal(1),
    labelSets: z.record(z.string(), z.array(z.string()).min(1)).default({}),
    models: z.array(ManifestModel).min(1),
  })
  .strict()
  .superRefine((m, ctx) => {
    const names = new Set<string>();
    for (const model of m.models) {
      if (names.has(model.name)) ctx.addIssue({ code: 'custom', message: `duplicate model ${model.name}` });
      names.add(model.name);
      if (typeof model.labels === 'string' && !m.labelSets[model.labels]) {
        ctx.addIssue({ code: 'custom', message: `model ${model.name} uses unknown label set ${model.labels}` });
      }
    }
    if (m.models.filter((x) => x.default).length !== 1) ctx.addIssue({ code: 'custom', message: 'exactly one model must be the default' });
  });

/** A manifest entry with its labels resolved to an array. */
export type ModelEntry = Omit<z.infer<typeof ManifestModel>, 'labels'> & { labels: string[] };

export interface LoadedManifest {
  models: ModelEntry[];
  byName(name: string): ModelEntry | undefined;
  defaultModel(): ModelEntry;
}

/** Finds models/manifest.json by walking up from this file (works from main/core/detect and dist/main/core/detect). */
export function manifestPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'models', 'manifest.json');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error('models/manifest.json was not found beside the application');
}

/** Validates raw manifest JSON and resolves label sets. */
export function parseManifest(raw: unknown): LoadedManifest {
  const m = Manifest.parse(raw);
  const models: ModelEntry[] = m.models.map((model) => ({
    ...model,
    labels: typeof model.labels === 'string' ? (m.labelSets[model.labels] ?? []) : model.labels,
  }));
  const index = new Map(models.map((x) => [x.name, x]));
  const def = models.find((x) => x.default);
  return {
    models,
    byName: (name) => index.get(name.replace(/\.onnx$/, '')),
    defaultModel: () => def as ModelEntry,
  };
}

let cached: LoadedManifest | undefined;

/** The application manifest, read once. */
export function loadManifest(path?: string): LoadedManifest {
  if (!path && cached) return cached;
  const loaded = parseManifest(JSON.parse(readFileSync(path ?? manifestPath(), 'utf8')));
  if (!path) cached = loaded;
  return loaded;
}
