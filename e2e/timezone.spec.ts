// Times in the viewer's time zone in Chromium: a browser in India (UTC+5:30) sees timeline ticks on its own hours and its
// own day; a zone chosen in Settings (New York) takes over everywhere, its 25-hour autumn day included.
import { AxeBuilder } from '@axe-core/playwright';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedScaleData } from '../test/helpers/scale-data.js';
import { setupAdmin, type AdminSession } from './fixtures/admin.js';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

let serve: ServeHandle;
let dataDir: string;
let admin: AdminSession;

test.use({ timezoneId: 'Asia/Kolkata', locale: 'en-US' });

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'porchlight-zone-'));
  seedScaleData(dataDir, { cameras: 1, events: 20, days: 2, busyEvents: 10, withSnapshots: 0 });
  serve = await startServe({ dataDir, args: ['--no-cameras'] });
  admin = await setupAdmin(serve);
});

test.afterAll(async () => {
  await serve?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const H = 3600_000;
const fmt = (zone: string, opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-US', { ...opts, timeZone: zone });

test('ticks, days and times follow the browser zone, then the zone chosen for this device', async ({ page }) => {
  await admin.signIn(page);
  const today = fmt('Asia/Kolkata', { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(Date.now());
  const part = (t: string) => today.find((p) => p.type === t)!.value;
  const dayKey = `${part('year')}-${part('month')}-${part('day')}`;
  await page.goto(`${serve.url}/#/timeline?day=${dayKey}`);
  const bar = page.getByTestId('timeline');
  await expect(bar).toHaveAttribute('data-ready', 'true');
  await expect(page.getByLabel('Day')).toHaveValue(dayKey);
  // the day starts at local midnight (18:30 UTC the day before) and every tick is on a local hour
  const min = Number(await bar.getAttribute('aria-valuemin'));
  expect(fmt('Asia/Kolkata', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(min)).toBe('00:00');
  expect(new Date(min).getUTCMinutes()).toBe(30);
  const labels = await page.locator('.ticks span').allTextContents();
  expect(labels.length).toBeGreaterThan(3);
  for (const l of labels) expect(l).toMatch(/^\d\d:00\s?(AM|PM)$/);

  // an event's time on the events page, as India reads it
  const ev = (await admin.api<{ items: Array<{ id: string; start: number }> }>('events.query', { limit: 1 })).items[0]!;
  await page.goto(`${serve.url}/#/events/${ev.id}`);
  // as the page writes a date and time (short date, medium time: no leading zero before 10 o'clock)
  const shown = (zone: string) => fmt(zone, { timeStyle: 'medium' }).format(ev.start);
  await expect(page.getByRole('complementary', { name: 'Event details' })).toContainText(shown('Asia/Kolkata'));

  // New York, chosen for this device in Settings: the same event, and a 25-hour day on the timeline when DST ends
  await page.goto(`${serve.url}/#/settings`);
  const zoneSelect = page.getByLabel('Time zone on this device');
  await zoneSelect.selectOption('America/New_York');
  await expect(zoneSelect).toHaveAttribute('data-zone', 'America/New_York');
  const accessibility = await new AxeBuilder({ page }).analyze();
  expect(accessibility.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  await page.goto(`${serve.url}/#/events/${ev.id}`);
  await expect(page.getByRole('complementary', { name: 'Event details' })).toContainText(shown('America/New_York'));
  await page.goto(`${serve.url}/#/timeline?day=2026-11-01`);
  await expect(bar).toHaveAttribute('data-ready', 'true');
  const dayMin = Number(await bar.getAttribute('aria-valuemin'));
  const dayMax = Number(await bar.getAttribute('aria-valuemax'));
  expect(dayMin).toBe(Date.UTC(2026, 10, 1, 4));
  expect(dayMax - dayMin).toBe(25 * H);
  const nyLabels = await page.locator('.ticks span').allTextContents();
  expect(nyLabels[0]).toMatch(/^12:00\s?AM$/);
  for (const l of nyLabels) expect(l).toMatch(/^\d\d:00\s?(AM|PM)$/);
  // the choice is this device's: it survives a reload, and "This device's" goes back to the browser's zone
  await page.reload();
  await page.goto(`${serve.url}/#/settings`);
  await expect(zoneSelect).toHaveValue('America/New_York');
  await zoneSelect.selectOption('');
  // (Chromium names it by its older alias)
  await expect(zoneSelect).toHaveAttribute('data-zone', /^Asia\/(Kolkata|Calcutta)$/);
});
