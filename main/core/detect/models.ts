// Finds a model file (PORCHLIGHT_MODELS_DIR, then <dataDir>/models), checks its family and sha256, with coded errors.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { getAdapter } from './adapters/index.js';
import { DetectError } from './frame.js';
import { loadManifest, type LoadedManifest, type ModelEntry } from './manifest.js';

export interface ResolveOptions {
  /** When set, the only folder searched (tests, CI, or a configured folder). */
  modelsDir?: string;
  /** `<dataDir>/models` is the user's download folder. */
  dataDir?: string;
  manifest?: LoadedManifest;
  /** sha256 check against the manifest (on by default; cached per file size and mtime). */
  verify?: boolean;
}

export interface ResolvedModel {
  entry: ModelEntry;
  path: string;
}

/** Folders searched, in order. */
export function modelDirs(opts: Pick<ResolveOptions, 'modelsDir' | 'dataDir'>): string[] {
  // An explicit folder (bundled models, a shared folder) comes first; the data folder, where downloads land, after it.
  const dirs: string[] = [];
  if (opts.modelsDir) dirs.push(opts.modelsDir);
  else if (process.env.PORCHLIGHT_MODELS_DIR) dirs.push(process.env.PORCHLIGHT_MODELS_DIR);
  if (opts.dataDir) dirs.push(join(opts.dataDir, 'models'));
  return [...new Set(dirs)];
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const verified = new Map<string, string>();

function fileStamp(path: string): string | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? `${st.size}:${st.mtimeMs}` : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves a model name (default: the manifest default) to a verified file path. */
export async function resolveModel(name: string | undefined, opts: ResolveOptions = {}): Promise<ResolvedModel> {
  const manifest = opts.manifest ?? loadManifest();
  const entry = name ? manifest.byName(name) : manifest.defaultModel();
  if (!entry) {
    throw new DetectError('model_unknown', `model ${name ?? ''} is not in the manifest (known: ${manifest.models.map((m) => m.name).join(', ')})`);
  }
  if (!getAdapter(entry.family)) {
    throw new DetectError('model_unknown_family', `model ${entry.name} has family ${entry.family}, which no adapter handles`);
  }
  const dirs = modelDirs(opts);
  let path: string | undefined;
  let stamp: string | undefined;
  for (const dir of dirs) {
    const candidate = join(dir, entry.file);
    stamp = fileStamp(candidate);
    if (stamp) {
      path = candidate;
      break;
    }
  }
  if (!path || !stamp) {
    throw new DetectError(
      'model_missing',
      `model ${entry.name} (${entry.file}) was not found in ${dirs.join(', ') || 'any models folder'}: run \`npm run models -- ${entry.name}\` or download it from Settings → Detection`,
    );
  }
  if (opts.verify !== false && verified.get(path) !== stamp) {
    const actual = await sha256File(path);
    if (actual !== entry.sha256) {
      throw new DetectError(
        'model_corrupt',
        `model file ${path} is damaged or not the expected file (sha256 ${actual.slice(0, 12)}…, expected ${entry.sha256.slice(0, 12)}…): download it again`,
      );
    }
    verified.set(path, stamp);
  }
  return { entry, path };
}
