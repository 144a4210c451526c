// Every action is reachable without a mouse (on each screen, Tab visits every control a pointer could click), and axe finds nothing serious.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

let serve: ServeHandle;

test.beforeAll(async () => {
  serve = await startServe();
});
test.afterAll(async () => {
  await serve?.stop();
});

/**
 * Tabs through the page (bounded) and returns the clickable things Tab never reached: controls, links, anything drawn with a
 * pointer cursor. A pointer-only shortcut must name its keyboard alternative in data-keyboard-alternative.
 */
async function unreachable(page: Page): Promise<string[]> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    document.querySelectorAll('[data-kb-seen]').forEach((el) => el.removeAttribute('data-kb-seen'));
  });
  const total = await page.evaluate(() => document.querySelectorAll('*').length);
  let last = '';
  let repeats = 0;
  for (let i = 0; i < Math.min(400, total); i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return '';
      const seen = el.getAttribute('data-kb-seen');
      el.setAttribute('data-kb-seen', '1');
      return seen ? 'again' : 'new';
    });
    // once focus has wrapped round to elements already seen a few times, the whole page has been visited
    if (id === 'again' && last === 'again' && ++repeats > 3) break;
    last = id;
  }
  return page.evaluate(() => {
    const visible = (el: Element): boolean => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    const reached = (el: Element): boolean => {
      if (el.hasAttribute('data-kb-seen') || el.querySelector('[data-kb-seen]') || el.closest('[data-kb-seen]')) return true;
      // a label's control counts for the label
      const control = el instanceof HTMLLabelElement ? el.control : el;
      if (!control) return false;
      // Tab stops once in a radio group (arrows move inside it): one member reached reaches the group
      if (control instanceof HTMLInputElement && control.type === 'radio' && control.name) {
        return [...document.querySelectorAll(`input[type="radio"][name="${CSS.escape(control.name)}"]`)].some((r) => r.hasAttribute('data-kb-seen'));
      }
      return control !== el && (control.hasAttribute('data-kb-seen') || (control as HTMLInputElement).disabled);
    };
    const candidates = new Set<Element>();
    document.querySelectorAll('a[href], button, input, select, textarea, summary, [role="button"], [role="link"], [role="tab"], [role="checkbox"], [tabindex]').forEach((el) => candidates.add(el));
    document.querySelectorAll('body *').forEach((el) => {
      if (getComputedStyle(el).cursor === 'pointer' && !(el.parentElement && getComputedStyle(el.parentElement).cursor === 'pointer')) candidates.add(el);
    });
    const missing: string[] = [];
    for (const el of candidates) {
      if (!visible(el) || (el as HTMLButtonElement).disabled || el.getAttribute('tabindex') === '-1' || el.getAttribute('aria-hidden') === 'true') continue;
      if (el.closest('[data-keyboard-alternative]')?.getAttribute('data-keyboard-alternative')) continue;
      if (el instanceof HTMLInputElement && el.type === 'hidden') continue;
      if (!reached(el)) {
        const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '';
        missing.push(`${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} "${name}"`);
      }
    }
    return missing;
  });
}

test('Tab reaches every control on every screen, and axe passes on each', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(serve.url);
  await page.getByLabel('Setup code').fill(serve.setupCode ?? '');
  await page.getByLabel('Password').fill('a long admin password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Try the demo camera' }).click();
  await expect(page.getByTestId('live-tile')).toHaveCount(1);
  // the demo camera is running (its clip is made on first use) before the screens that show its picture
  await expect(page.getByTestId('state-badge')).toHaveAttribute('data-state', 'online', { timeout: 60_000 });

  // the check itself: a clickable thing only a mouse can use is caught
  await page.evaluate(() => {
    const trap = document.createElement('div');
    trap.textContent = 'mouse-only trap';
    trap.style.cursor = 'pointer';
    document.querySelector('main')?.append(trap);
  });
  expect(await unreachable(page)).toEqual(['div "mouse-only trap"']);
  await page.evaluate(() => [...document.querySelectorAll('main div')].find((d) => d.textContent === 'mouse-only trap')?.remove());

  const nav = page.getByRole('navigation', { name: 'Main' });
  const screens: [string, (() => Promise<void>)?][] = [
    ['Live'],
    ['Review'],
    ['Timeline'],
    ['Events'],
    ['Rules', async () => page.getByRole('button', { name: /Create a rule|New rule/ }).first().click()],
    [
      'Cameras',
      async () => {
        await page.getByRole('button', { name: /^Zones and masks of/ }).click();
        await page.getByRole('button', { name: 'Add zone' }).click();
        await page.getByRole('button', { name: 'Add motion mask' }).click();
      },
    ],
    ['Cameras', async () => page.getByRole('button', { name: 'Add camera' }).click()],
    ['Motion search'],
    ['Exports'],
    ['Settings', async () => page.getByRole('button', { name: 'Add a webhook' }).click()],
    ['System'],
  ];
  const report: Record<string, string[]> = {};
  for (const [name, open] of screens) {
    await nav.getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    if (open) {
      await open();
      await page.waitForTimeout(500);
    }
    const key = open ? `${name} (open)` : name;
    report[key] = await unreachable(page);
    // and no serious accessibility problem on the screen as it is
    const axe = await new AxeBuilder({ page }).exclude('video').analyze();
    report[key].push(...axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `axe ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  }
  expect(report).toEqual(Object.fromEntries(Object.keys(report).map((k) => [k, []])));
});
