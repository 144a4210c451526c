// A phone: 390 x 844 with touch. The navigation folds into a menu, pages fit the width, the theme switch works, and
// axe finds nothing serious in light or dark.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

let serve: ServeHandle;

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

test.beforeAll(async () => {
  serve = await startServe({ args: ['--no-cameras'] });
});

test.afterAll(async () => {
  await serve?.stop();
});

async function axe(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).exclude('video').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${what}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function fitsTheWidth(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
}

test('menu, pages that fit, home/away, and both themes on a phone', async ({ page }) => {
  await page.goto(serve.url);
  await page.getByLabel('Setup code').fill(serve.setupCode ?? '');
  await page.getByLabel('Password').fill('a long admin password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to Porchlight' })).toBeVisible();

  const nav = page.getByRole('navigation', { name: 'Main' });
  const menu = nav.getByRole('button', { name: 'Menu' });
  // the links are folded away until the menu opens; choosing a page folds them again
  await expect(nav.getByRole('link', { name: 'Settings' })).toBeHidden();
  await menu.tap();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await nav.getByRole('link', { name: 'Review' }).tap();
  await expect(page.getByRole('heading', { level: 1, name: 'Review' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Settings' })).toBeHidden();
  await fitsTheWidth(page);
  await axe(page, 'review (light or system)');

  for (const link of ['Live', 'Timeline', 'Events', 'Rules', 'Motion search', 'Exports', 'Cameras', 'Settings', 'System']) {
    await menu.tap();
    await nav.getByRole('link', { name: link, exact: true }).tap();
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    await fitsTheWidth(page);
  }

  // home/away, in the menu, by touch
  await menu.tap();
  const away = nav.getByRole('group', { name: 'Home or away' }).getByRole('button', { name: 'Home' });
  await away.tap();
  await expect(away).toHaveAttribute('aria-pressed', 'true');
  await nav.getByRole('link', { name: 'Settings' }).tap();

  // the theme: light, then dark, each checked by axe
  await page.getByRole('radio', { name: 'Light' }).tap();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await axe(page, 'settings, light');
  await page.getByRole('radio', { name: 'Dark' }).tap();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await axe(page, 'settings, dark');
  await page.screenshot({ path: 'e2e/artifacts/mobile-settings-dark.png', fullPage: true });
  // kept on this device across a reload
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('radio', { name: 'Like the system' }).tap();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);

  // the language: German switches the UI at once, stays across a reload, and goes back to the browser's (English here)
  await page.getByLabel('Language on this device').selectOption('de');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('heading', { name: 'Darstellung' })).toBeVisible();
  await page.reload();
  const menuDe = page.getByRole('navigation', { name: 'Hauptmenü' }).getByRole('button', { name: 'Menü' });
  await menuDe.tap();
  await expect(page.getByRole('link', { name: 'Einstellungen' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sichten' })).toBeVisible();
  await axe(page, 'settings, German');
  await menuDe.tap();
  await page.getByLabel('Sprache auf diesem Gerät').selectOption('system');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { name: 'Appearance' })).toBeVisible();
});
