// Orders the test files longest first, from the wall times of a recorded run (test/durations.json), so the files that
// wait on real-time video start at once instead of finishing alone at the end of the run. Vitest does this by itself
// only from its local cache, which a fresh clone (CI) does not have; there it would start the largest files first.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const DURATIONS_FILE = fileURLToPath(new URL('../test/durations.json', import.meta.url));
/** A file with no recorded time (new since the last record) is placed as if it took this long. */
const UNKNOWN_S = 20;

export function loadDurations(file = DURATIONS_FILE): Record<string, number> {
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}

/** Longest first; ties keep a stable name order. */
export function longestFirst<T>(files: readonly T[], name: (f: T) => string, durations: Record<string, number>): T[] {
  const time = (f: T): number => {
    const s = durations[name(f)];
    return typeof s === 'number' && Number.isFinite(s) ? s : UNKNOWN_S;
  };
  return [...files].sort((a, b) => time(b) - time(a) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}

export default class LongestFirstSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const durations = loadDurations();
    if (Object.keys(durations).length === 0) return super.sort(files);
    const root = this.ctx.config.root;
    return Promise.resolve(longestFirst(files, (f) => relative(root, f.moduleId), durations));
  }
}
