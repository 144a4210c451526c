// Who may see what, in the UI: the admin makes a viewer of one camera in Settings → Users; signed in elsewhere, that
// viewer sees only that camera in Live and Timeline; the admin then sees their viewing on the "who watched" page.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { startRtspCamera, type RtspCamera } from '../test/fixtures/rtsp-camera.js';
import { setupAdmin, type AdminSession } from './fixtures/admin.js';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

let camera: RtspCamera;
let serve: ServeHandle;
let admin: AdminSession;

test.beforeAll(async () => {
  camera = await startRtspCamera({ vtest: false, hevc: false });
  serve = await startServe();
  admin = await setupAdmin(serve);
});

test.afterAll(async () => {
  await serve?.stop();
  await camera?.stop();
});

/** No serious or critical accessibility problems on the screen as it is now. */
async function axe(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).exclude('video').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${screen}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('a viewer of one camera sees only it in Live and Timeline, and the admin sees what they watched', async ({ page, browser }) => {
  for (const name of ['Front door', 'Back garden']) {
    await admin.api('cameras.upsert', { name, streams: [{ name: 'main', url: camera.url('pattern'), roles: ['record', 'live'] }], detect: { enabled: false } });
  }
  await admin.signIn(page);

  // Settings → Users: a viewer limited to the front door
  await page.goto(`${serve.url}/#/settings`);
  const add = page.getByRole('form', { name: 'Add a user' });
  await add.getByLabel('New user name').fill('neighbour');
  await add.getByLabel('New user password').fill('the neighbour password');
  await add.getByLabel('All cameras, also those added later').uncheck();
  await add.getByLabel('Front door').check();
  await add.getByRole('button', { name: 'Add user' }).click();
  const row = page.getByTestId('user-row').filter({ hasText: 'neighbour' });
  await expect(row).toContainText('view live, view recordings, export · Front door');
  // the last admin stays, with a plain reason (the server refuses it too)
  await expect(page.getByRole('button', { name: 'Remove admin' })).toBeDisabled();
  await expect(page.getByRole('listitem', { name: 'admin', exact: true })).toContainText('The last admin cannot be removed or made a viewer');
  await axe(page, 'settings users');

  // the viewer, in a browser of their own
  const theirs = await browser.newContext();
  const viewer = await theirs.newPage();
  const errors: string[] = [];
  viewer.on('pageerror', (e) => errors.push(e.message));
  viewer.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await viewer.goto(serve.url);
  await viewer.getByLabel('User name').fill('neighbour');
  await viewer.getByLabel('Password').fill('the neighbour password');
  await viewer.getByRole('button', { name: 'Sign in' }).click();
  await viewer.goto(`${serve.url}/#/live`);
  await expect(viewer.getByTestId('live-tile')).toHaveCount(1);
  await expect(viewer.getByTestId('live-tile')).toHaveAttribute('aria-label', 'Front door');
  await viewer.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid="live-video"]')?.videoWidth ?? 0) > 0, undefined, { timeout: 60_000 });
  await expect(viewer.getByText('Back garden')).toHaveCount(0);
  await viewer.goto(`${serve.url}/#/timeline`);
  await expect(viewer.locator('.timeline-row')).toHaveCount(1);
  await expect(viewer.locator('.timeline-row')).toHaveAttribute('aria-label', 'Front door');
  await expect(viewer.getByText('Back garden')).toHaveCount(0);
  // no "who watched" for a viewer
  await expect(viewer.getByRole('link', { name: 'Who watched' })).toHaveCount(0);
  await theirs.close();
  expect(errors).toEqual([]);

  // the admin sees the live view: who, which camera, from where
  await page.goto(`${serve.url}/#/views`);
  await page.getByLabel('Person').selectOption('neighbour');
  const live = page.getByTestId('view-row').filter({ hasText: 'Live' });
  await expect(live).toHaveCount(1);
  await expect(live).toContainText('neighbour');
  await expect(live).toContainText('Front door');
  await expect(live).toContainText('127.0.0.1');
  await expect(page.getByTestId('view-row').filter({ hasText: 'Back garden' })).toHaveCount(0);
  await axe(page, 'who watched');
});
