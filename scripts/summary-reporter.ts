// Prints one plain closing line ("vitest: N passed, N failed, N skipped[, N files failed outside tests]") that CI reads.
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

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
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped${extra ? `, ${extra}` : ''}\n`);
  }
}
