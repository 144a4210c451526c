// Live beyond the layout: six cameras page through a 2x2 grid; a group of two made in the page shows only them; the layout,
// group and page come back after a reload (this browser remembers them).
import { AxeBuilder } from '@axe-core/playwright';
import { setupAdmin, type AdminSession } from './fixtures/admin.js';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

let serve: ServeHandle;
let admin: AdminSession;

test.beforeAll(async () => {
  // the cameras are never connected: the grid, its pages and groups are what is tested
  serve = await startServe({ args: ['--no-cameras'] });
  admin = await setupAdmin(serve);
  for (let i = 1; i <= 6; i++) {
    await admin.api('cameras.upsert', { name: `Cam ${i}`, enabled: false, streams: [{ name: 'main', url: `rtsp://127.0.0.1:9/cam${i}`, roles: ['record', 'detect', 'live'] }] });
  }
});

test.afterAll(async () => {
  await serve?.stop();
});

test('pages beyond the layout, a camera group, all remembered across a reload', async ({ page }) => {
  await admin.signIn(page);
  await page.goto(`${serve.url}/#/live`);
  const tiles = page.getByTestId('live-tile');
  await expect(tiles).toHaveCount(4);
  await expect(page.getByTestId('live-page')).toHaveText('Page 1 of 2');
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(tiles).toHaveCount(2);
  await expect(tiles.first()).toHaveAccessibleName('Cam 5');
  await expect(page.getByRole('button', { name: 'Next page' })).toBeDisabled();

  // a group of two: only they show, on one page
  await page.getByRole('button', { name: 'New group' }).click();
  const form = page.getByRole('form', { name: 'Camera group' });
  await form.getByLabel('Group name').fill('Garden');
  await form.getByLabel('Cam 2').check();
  await form.getByLabel('Cam 6').check();
  const accessibility = await new AxeBuilder({ page }).exclude('video').analyze();
  expect(accessibility.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  await form.getByRole('button', { name: 'Save group' }).click();
  await expect(page.getByLabel('Group')).toHaveValue(/.+/);
  await expect(tiles).toHaveCount(2);
  expect(await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(['Cam 2', 'Cam 6']);
  await expect(page.getByTestId('live-page')).toHaveCount(0);

  // back to all cameras at 1 a page, page 3: all of it comes back after a reload
  await page.getByLabel('Group').selectOption({ label: 'All cameras' });
  await page.getByRole('button', { name: '1', exact: true }).click();
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByTestId('live-page')).toHaveText('Page 3 of 6');
  await page.reload();
  await expect(page.getByTestId('live-page')).toHaveText('Page 3 of 6');
  await expect(tiles).toHaveCount(1);
  await expect(tiles.first()).toHaveAccessibleName('Cam 3');
  await expect(page.getByRole('button', { name: '1', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await page.getByLabel('Group').selectOption({ label: 'Garden' });
  await page.reload();
  await expect(page.getByLabel('Group')).toHaveValue(/.+/);
  expect(await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(['Cam 2']);
  await expect(page.getByTestId('live-page')).toHaveText('Page 1 of 2');
});
