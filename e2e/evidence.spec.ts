// Settings shows the key every export manifest is signed with: the same fingerprint `porchlight export-key` prints.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

let serve: ServeHandle;

test.beforeAll(async () => {
  serve = await startServe({ args: ['--no-cameras'] });
});
test.afterAll(async () => {
  await serve?.stop();
});

test('Settings → Signed exports shows the install key and its fingerprint', async ({ page }) => {
  await page.goto(`${serve.url}/#/settings`);
  await page.getByLabel('Setup code').fill(serve.setupCode ?? '');
  await page.getByLabel('Password').fill('a long admin password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Signed exports' })).toBeVisible();
  const shown = (await page.getByTestId('signing-fingerprint').textContent()) ?? '';
  expect(shown).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
  await expect(page.getByTestId('signing-public-key')).toContainText('BEGIN PUBLIC KEY');
  const cli = spawnSync(process.execPath, [resolve('dist/main/server/cli.js'), 'export-key', '--data', serve.dataDir], { encoding: 'utf8' });
  expect(cli.status).toBe(0);
  expect(cli.stdout).toContain(`Fingerprint (SHA-256): ${shown}`);
});
