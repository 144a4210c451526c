// The System page shows the version and data directory over HTTP, with no console errors.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
let serve: ServeHandle;

test.beforeAll(async () => {
  serve = await startServe({ args: ['--no-cameras'] });
});
test.afterAll(async () => {
  await serve?.stop();
});

test('first run asks for an admin account; the System page then shows the version and data directory', async ({ page }) => {
  await page.goto(`${serve.url}/#/system`);
  await expect(page.getByRole('heading', { name: 'Create the admin account' })).toBeVisible();
  await page.getByLabel('Setup code').fill(serve.setupCode ?? '');
  await page.getByLabel('Password').fill('a long admin password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'System' })).toBeVisible();
  await expect(page.getByTestId('version')).toHaveText(VERSION);
  await expect(page.getByTestId('data-dir')).toHaveText(serve.dataDir);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveCount(11);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Who watched' })).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/system.png', fullPage: true });
});
