import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './scripts/longest-first.js';

// Unit and integration tests: real SQLite files, real ffmpeg, the real RTSP server and model.
export default defineConfig({
  resolve: { alias: { '@common': fileURLToPath(new URL('./main/common', import.meta.url)) } },
  test: {
    include: ['main/**/*.test.ts', 'renderer/src/**/*.test.{ts,tsx}', 'models/**/*.test.ts', 'build/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // tests that check memory stability collect garbage before measuring
    execArgv: ['--expose-gc'],
    // downloads a test starts by accident (a fuzzed demo.fetch, say) go to a closed loopback port, never out
    env: { PORCHLIGHT_LOG_LEVEL: process.env.PORCHLIGHT_LOG_LEVEL ?? 'warn', PORCHLIGHT_DEMO_MIRROR: 'http://127.0.0.1:9/', PORCHLIGHT_MODEL_MIRROR: 'http://127.0.0.1:9/' },
    // Three files at a time on two cores: the longest files mostly wait on real-time video (the sequencer starts them
    // first, so they overlap the CPU-heavy ones instead of finishing alone). Two at a time took 17.5 min of the CI's 30.
    maxWorkers: 3,
    // longest files first, from the recorded wall times in test/durations.json (re-record: PORCHLIGHT_RECORD_DURATIONS=1)
    sequence: { sequencer: LongestFirstSequencer },
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
