// Prints one plain closing line ("vitest: N passed, N failed, N skipped[, N files failed outside tests]") that CI reads.
// With PORCHLIGHT_RECORD_DURATIONS=1 it also writes each file's wall time to test/durations.json, which the sequencer
// (scripts/longest-first.ts) reads to start the longest files first.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';
import { DURATIONS_FILE, loadDurations } from './longest-first.js';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    // a failing beforeAll or import leaves its tests skipped: the file itself is the failure
    let brokenFiles = 0;
    for (const mod of modules) {
      let failedHere = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        else skipped++;
      }
      failed += failedHere;
      if (failedHere === 0 && mod.state() === 'failed') brokenFiles++;
    }
    const extra = [brokenFiles > 0 ? `${brokenFiles} files failed outside their tests` : '', unhandledErrors.length > 0 ? `${unhandledErrors.length} unhandled errors` : '']
      .filter(Boolean)
      .join(', ');
    if (process.env.PORCHLIGHT_RECORD_DURATIONS === '1') recordDurations(modules);
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped${extra ? `, ${extra}` : ''}\n`);
  }
}

/** Seconds per file (setup, import and tests), merged into the record (a partial run updates only its own files),
 * sorted by name so the diff of a re-record reads well. */
function recordDurations(modules: ReadonlyArray<TestModule>): void {
  const root = process.cwd();
  const measured = modules
    .map((m) => {
      const d = m.diagnostic();
      return [relative(root, m.moduleId), Math.round((d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration + d.duration) / 100) / 10] as const;
    });
  const rows = Object.entries({ ...loadDurations(), ...Object.fromEntries(measured) }).sort(([a], [b]) => (a < b ? -1 : 1));
  writeFileSync(DURATIONS_FILE, `${JSON.stringify(Object.fromEntries(rows), null, 1)}\n`);
}
