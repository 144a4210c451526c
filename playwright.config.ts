// Playwright: the real UI in Debian Chromium against `porchlight serve`.
import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

// Debian's Chromium where it is installed; otherwise Playwright's own (setup.sh fetches it on Ubuntu); CHROMIUM_PATH wins.
const chromium = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: './e2e',
  testMatch: /.*\.spec\.ts$/,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  // two files at once: each spec has its own server, camera and data folder (ports from the kernel); a file's tests run in order
  workers: 2,
  retries: 0,
  outputDir: 'test-results',
  reporter: [['list'], ['./scripts/playwright-summary.ts']],
  use: {
    headless: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      ...(chromium ? { executablePath: chromium } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
    },
  },
});
