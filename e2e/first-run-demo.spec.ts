// A newcomer's first minute, with no camera of their own: welcome → the demo with people (fetched from a loopback mirror
// standing in for its public address) → live video → a person event with its snapshot → an alert toast → the marker
// on the timeline. The engine speaks to nothing but loopback throughout.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startMirror, type Mirror } from '../test/helpers/mirror.js';
import { EgressMonitor } from './fixtures/egress.js';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

const CLIP = resolve(process.env.PORCHLIGHT_DEMO_SOURCE ?? '.tools/media/vtest.avi');
let serve: ServeHandle;
let mirror: Mirror;
let egress: EgressMonitor;

test.beforeAll(async () => {
  expect(existsSync(CLIP), `${CLIP} is missing: run bash scripts/setup.sh --tests`).toBe(true);
  // trickled, so the progress bar has something to show
  mirror = await startMirror({ '/vtest.avi': readFileSync(CLIP) }, { chunkBytes: 512 * 1024, everyMs: 50, contentType: 'video/x-msvideo' });
  serve = await startServe({ env: { PORCHLIGHT_DEMO_MIRROR: mirror.url } });
  egress = new EgressMonitor(serve.pid);
  egress.start();
});

test.afterAll(async () => {
  const report = egress?.stop();
  await serve?.stop();
  await mirror?.close();
  expect(report?.violations, `non-loopback peers: ${report?.peers.join(', ')}`).toEqual([]);
});

test('welcome → demo with people → live video → a person event with its snapshot → an alert → the timeline marker', async ({ page }) => {
  const started = Date.now();
  await page.goto(serve.url);
  await page.getByLabel('Setup code').fill(serve.setupCode ?? '');
  await page.getByLabel('Password').fill('a long admin password');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('heading', { name: 'Welcome to Porchlight' })).toBeVisible();
  // what would be downloaded, from where and under which licence, before anything is
  const source = page.getByTestId('demo-source');
  await expect(source).toContainText('raw.githubusercontent.com');
  await expect(source).toContainText('Apache-2.0');
  await expect(source).toContainText('7.8 MB');
  expect(mirror.requests).toEqual([]);
  await page.screenshot({ path: 'e2e/artifacts/first-run-demo-welcome.png', fullPage: true });

  await page.getByRole('button', { name: 'Watch a demo with people' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Downloading the clip|Preparing the clip/ })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Demo clip download' })).toBeVisible();

  // the camera appears by itself and plays
  const tile = page.getByTestId('live-tile').filter({ hasText: 'Demo: pedestrian plaza' });
  await expect(tile).toBeVisible({ timeout: 60_000 });
  await page.waitForFunction(
    () => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="live-video"]');
      return !!v && v.videoWidth === 768 && v.currentTime > 0.5;
    },
    undefined,
    { timeout: 30_000 },
  );
  expect(mirror.requests).toEqual(['/vtest.avi']);

  // an alert toast for a person, within the first minute of watching
  const toast = page.getByTestId('toast').filter({ hasText: 'Someone on the demo camera' }).first();
  await expect(toast).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: 'e2e/artifacts/first-run-demo-alert.png', fullPage: true });
  console.log(`first-run demo: alert ${Math.round((Date.now() - started) / 1000)} s after the page opened`);

  // the event it links to has its snapshot, and the timeline has its marker
  await toast.getByRole('link', { name: 'Open' }).click();
  const details = page.getByRole('complementary', { name: 'Event details' });
  await expect(details).toBeVisible();
  await expect(details).toContainText('person');
  const eventId = page.url().split('/events/')[1] ?? '';
  expect(eventId).not.toBe('');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events' }).click();
  const card = page.locator('[data-testid="event-card"][data-label="person"]').first();
  await expect(card).toBeVisible();
  await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('[data-testid="event-card"][data-label="person"] img')?.naturalWidth ?? 0) > 0, undefined, {
    timeout: 15_000,
  });
  await page.goto(`${serve.url}/#/events/${eventId}`);
  await page.getByRole('button', { name: 'Show in timeline' }).click();
  await expect(page.locator(`[data-testid="event-marker"][data-event-id="${eventId}"]`)).toBeVisible();
});
