// First run without the detection model: the banner explains, one click downloads it with progress, detection starts without a restart.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startMirror, type Mirror } from '../test/helpers/mirror.js';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

const MODEL_FILE = 'yolox_nano_416_coco.onnx';
const modelsDir = process.env.PORCHLIGHT_MODELS_DIR ?? resolve('../shared/models');
let serve: ServeHandle;
let mirror: Mirror;
let empty: string;

test.beforeAll(async () => {
  // a mirror on loopback stands in for the model's public address; it trickles the bytes so progress shows
  mirror = await startMirror({ [`/${MODEL_FILE}`]: readFileSync(join(modelsDir, MODEL_FILE)) });
  empty = mkdtempSync(join(tmpdir(), 'porchlight-no-models-'));
  serve = await startServe({ env: { PORCHLIGHT_MODELS_DIR: empty, PORCHLIGHT_MODEL_MIRROR: mirror.url } });
});

test.afterAll(async () => {
  await serve?.stop();
  await mirror?.close();
  if (empty) rmSync(empty, { recursive: true, force: true });
});

test('no model yet: the banner offers it, the download shows progress, detection starts by itself', async ({ page }) => {
  await page.goto(serve.url);
  await page.getByLabel('Setup code').fill(serve.setupCode ?? '');
  await page.getByLabel('Password').fill('a long admin password');
  await page.getByRole('button', { name: 'Create account' }).click();

  const banner = page.getByTestId('model-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('yolox_nano_416_coco');
  await page.screenshot({ path: 'e2e/artifacts/first-run-model.png', fullPage: true });
  // nothing was fetched before the user asked
  expect(mirror.requests).toEqual([]);

  await banner.getByRole('button', { name: /^Download/ }).click();
  await expect(banner.getByRole('progressbar', { name: 'Downloading yolox_nano_416_coco' })).toBeVisible();
  await expect(banner.getByRole('status')).toHaveText('Downloaded: detection is starting.', { timeout: 30_000 });
  expect(mirror.requests).toEqual([`/${MODEL_FILE}`]);

  // the engine loaded the model without a restart; the banner is gone
  await expect
    .poll(
      async () =>
        page.evaluate(async () => {
          const res = await fetch('api/rpc/system.health', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
          return ((await res.json()) as { value?: { detector: { status: string } } }).value?.detector.status;
        }),
      { timeout: 20_000 },
    )
    .toBe('ready');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Live' })).toBeVisible();
  await expect(banner).toHaveCount(0);
});
