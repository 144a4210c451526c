// Review in Chromium: yesterday's seeded history plus a real camera whose people arrive while the page is open; the
// unreviewed count (navigation and title) rises with them, five items are triaged with the keyboard, the count falls,
// and the filters live in the URL across a reload.
import { AxeBuilder } from '@axe-core/playwright';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { startRtspCamera, type RtspCamera } from '../test/fixtures/rtsp-camera.js';
import { seedScaleData } from '../test/helpers/scale-data.js';
import { expect, test } from './fixtures/page.js';
import { setupAdmin, type AdminSession } from './fixtures/admin.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

let camera: RtspCamera;
let serve: ServeHandle;
let dataDir: string;
let admin: AdminSession;

const unreviewed = () => admin.api<{ total: number }>('review.counts', {}).then((c) => c.total);

test.beforeAll(async () => {
  test.setTimeout(90_000);
  dataDir = mkdtempSync(join(tmpdir(), 'porchlight-review-'));
  const jpeg = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#35506b' } })
    .jpeg({ quality: 70 })
    .toBuffer();
  // history: a few dozen events over yesterday and today, on cameras that are switched off
  seedScaleData(dataDir, { cameras: 2, events: 60, days: 2, busyEvents: 40, withSnapshots: 60, jpeg });
  camera = await startRtspCamera({ hevc: false });
  serve = await startServe({ dataDir });
  admin = await setupAdmin(serve);
});

test.afterAll(async () => {
  await serve?.stop();
  await camera?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('the count rises as people arrive, five items are triaged by keyboard, the count falls, filters survive a reload', async ({ page }) => {
  await admin.signIn(page);
  await page.goto(`${serve.url}/#/review`);
  const badge = page.getByTestId('unreviewed-count');
  const before = await unreviewed();
  expect(before).toBeGreaterThan(5);
  await expect(badge).toHaveText(String(before));
  await expect(page).toHaveTitle(`(${before}) Porchlight`);

  // a real camera with people walking: its first item arrives while the page is open, and the badge follows
  await admin.api('cameras.upsert', { name: 'Plaza', streams: [{ name: 'main', url: camera.url('vtest'), roles: ['record', 'detect', 'live'] }] });
  await expect.poll(async () => Number(await badge.textContent()), { timeout: 60_000 }).toBeGreaterThan(before);
  await expect(page.getByTestId('review-item').filter({ hasText: 'Plaza' }).first()).toBeVisible();
  const accessibility = await new AxeBuilder({ page }).analyze();
  expect(accessibility.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  await page.screenshot({ path: 'e2e/artifacts/review.png', fullPage: true });

  // triage the five oldest-shown seeded items: j moves, space marks reviewed, e keeps, f is a false alarm
  const seeded = page.getByTestId('review-item').filter({ hasNotText: 'Plaza' });
  const seededCameras = (await admin.api<Array<{ id: string; name: string }>>('cameras.list', {})).filter((c) => c.name !== 'Plaza').map((c) => c.id);
  const seededLeft = () => admin.api<{ items: unknown[] }>('review.list', { cameras: seededCameras, reviewed: false, limit: 500 }).then((r) => r.items.length);
  const left = await seededLeft();
  await seeded.first().focus();
  for (const key of [' ', ' ', 'e', 'f', ' ']) await page.keyboard.press(key);
  await expect.poll(seededLeft, { timeout: 15_000 }).toBe(left - 5);
  expect((await admin.api<{ items: Array<{ id: string }> }>('review.list', { cameras: seededCameras, reviewed: true })).items).toHaveLength(4);
  // the false alarm left review altogether; the badge and the title show the engine's count
  await expect.poll(async () => (await badge.textContent()) === String(await unreviewed()), { timeout: 15_000 }).toBe(true);
  await expect(page).toHaveTitle(`(${await unreviewed()}) Porchlight`);
  expect(page.url()).toContain('#/review');
  const kept = await admin.api<{ items: Array<{ keep: boolean }> }>('events.query', { keep: true, limit: 50 });
  expect(kept.items.length).toBeGreaterThan(0);

  // filters combine and live in the URL: alerts and detections on one camera, still there after a reload
  await page.getByRole('group', { name: 'Filters' }).getByLabel('Detections').check();
  await page.getByRole('group', { name: 'Filters' }).getByLabel('Plaza').check();
  await expect(page).toHaveURL(/kinds=detection/);
  await expect(page).toHaveURL(/cameras=/);
  await page.reload();
  await expect(page.getByRole('group', { name: 'Filters' }).getByLabel('Detections')).toBeChecked();
  await expect(page.getByRole('group', { name: 'Filters' }).getByLabel('Plaza')).toBeChecked();
  const shown = page.getByTestId('review-item');
  await expect(shown.first()).toContainText('Plaza');
  expect(await shown.filter({ hasNotText: 'Plaza' }).count()).toBe(0);

  // motion search: a box dragged over the plaza floor, the last 15 minutes: the people walking there are found
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Motion search' }).click();
  await page.getByLabel('Camera').selectOption({ label: 'Plaza' });
  const canvas = page.getByTestId('motion-canvas');
  await expect(canvas.locator('img')).toBeVisible({ timeout: 15_000 });
  const b = (await canvas.boundingBox())!;
  await page.mouse.move(b.x + b.width * 0.05, b.y + b.height * 0.45);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width * 0.95, b.y + b.height * 0.95, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByLabel('Left (% of the picture)')).toHaveValue('5');
  await page.getByLabel('Span').selectOption({ label: 'Last 15 minutes' });
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('heading', { name: /moments? with movement/ })).toBeVisible();
  // the scan runs as a job: its progress reaches every recorded segment (decoded or skipped as still), Cancel goes away
  await expect(page.getByTestId('motion-progress')).toContainText(/\b(\d+) of \1 segments scanned/, { timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: /moments? with movement/ })).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/motion-search.png', fullPage: true });
  await page.getByTestId('motion-moment').first().getByRole('link', { name: 'Play' }).click();
  await expect(page).toHaveURL(/#\/timeline\?t=\d+&camera=/);
});
