// One person's first session, end to end in Chromium against `porchlight serve` and a real RTSP camera showing the vtest clip.
import { AxeBuilder } from '@axe-core/playwright';
import { spawnSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { startRtspCamera, type RtspCamera } from '../test/fixtures/rtsp-camera.js';
import { EgressMonitor } from './fixtures/egress.js';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

let camera: RtspCamera;
let serve: ServeHandle;
let egress: EgressMonitor;

test.beforeAll(async () => {
  camera = await startRtspCamera({ hevc: false });
  serve = await startServe();
  egress = new EgressMonitor(serve.pid);
  egress.start();
});

test.afterAll(async () => {
  const report = egress?.stop();
  await serve?.stop();
  await camera?.stop();
  // the engine (and every ffmpeg it ran) spoke only to loopback during the whole journey
  expect(report?.samples ?? 0).toBeGreaterThan(3);
  expect(report?.violations, `non-loopback peers: ${report?.peers.join(', ')}`).toEqual([]);
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e/artifacts/journey-${name}.png`, fullPage: true });
}

/** No serious or critical accessibility problems on the screen as it is now. */
async function axe(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).exclude('video').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${screen}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function videoPlays(page: Page, testId: string, minTime = 0.5, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    ([id, t]) => {
      const v = document.querySelector<HTMLVideoElement>(`[data-testid="${id}"]`);
      return !!v && v.videoWidth > 0 && v.currentTime > (t as number);
    },
    [testId, minTime] as const,
    { timeout },
  );
}

test('first run → camera → live → events → clip → timeline → rule and toast → export', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(serve.url);

  // create the admin account
  await expect(page.getByRole('heading', { name: 'Create the admin account' })).toBeVisible();
  await axe(page, 'setup');
  await shot(page, '01-setup');
  await page.getByLabel('Setup code').fill(serve.setupCode ?? '');
  await page.getByLabel('Password').fill('a long admin password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

  // add the camera by URL; the connection test shows what the camera sends
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cameras' }).click();
  await page.getByRole('button', { name: 'Add your first camera' }).click();
  await page.getByLabel('Name').fill('Plaza');
  await page.getByLabel('Main stream address').fill(camera.url('vtest'));
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('probe-result')).toContainText('768x576 H.264', { timeout: 15_000 });
  await axe(page, 'cameras');
  await shot(page, '02-camera-added');
  await page.getByRole('button', { name: 'Save camera' }).click();
  const addedAt = Date.now();
  await expect(page.getByRole('list', { name: 'Cameras' }).getByText('Plaza')).toBeVisible();

  // the live tile plays
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Live' }).click();
  await expect(page.getByTestId('live-tile')).toHaveCount(1);
  await videoPlays(page, 'live-video', 0.5, 20_000);
  await expect(page.getByTestId('state-badge')).toHaveAttribute('data-state', 'online');
  await axe(page, 'live');
  await shot(page, '03-live');

  // draw a zone over the whole plaza on the camera's picture: mouse drags for three corners, the keyboard for the last
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cameras' }).click();
  await page.getByRole('button', { name: 'Zones and masks of Plaza' }).click();
  await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('.zone-canvas img')?.naturalWidth ?? 0) > 0, undefined, { timeout: 15_000 });
  await page.getByRole('button', { name: 'Add zone' }).click();
  await page.getByLabel('Zone name').fill('Plaza floor');
  const canvas = (await page.getByTestId('zone-canvas').boundingBox())!;
  const corners: [number, number][] = [
    [canvas.x - 20, canvas.y - 20],
    [canvas.x + canvas.width + 20, canvas.y - 20],
    [canvas.x + canvas.width + 20, canvas.y + canvas.height + 20],
  ];
  for (const [i, [x, y]] of corners.entries()) {
    const point = (await page.getByRole('button', { name: new RegExp(`^Point ${i + 1} of Plaza floor`) }).boundingBox())!;
    await page.mouse.move(point.x + point.width / 2, point.y + point.height / 2);
    await page.mouse.down();
    await page.mouse.move(x, y, { steps: 5 });
    await page.mouse.up();
  }
  const last = page.getByRole('button', { name: /^Point 4 of Plaza floor/ });
  await last.focus();
  for (let i = 0; i < 8; i++) await page.keyboard.press('Shift+ArrowLeft');
  for (let i = 0; i < 8; i++) await page.keyboard.press('Shift+ArrowDown');
  await expect(page.getByRole('button', { name: /^Point 1 of Plaza floor at 0% across, 0% down/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Point 3 of Plaza floor at 100% across, 100% down/ })).toBeVisible();
  await expect(last).toHaveAccessibleName(/at 0% across, 100% down/);
  await axe(page, 'zones');
  await shot(page, '03b-zones');
  await page.getByRole('button', { name: 'Save zones and masks' }).click();
  await expect(page.getByRole('button', { name: 'Zones and masks of Plaza' })).toContainText('(1)');

  // a person event with a thumbnail appears within 30 s
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events' }).click();
  const card = page.locator('[data-testid="event-card"][data-label="person"]').first();
  await expect(card).toBeVisible({ timeout: 30_000 });
  await expect(card.locator('img')).toHaveJSProperty('complete', true);
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid="event-card"][data-label="person"] img');
    return !!img && img.naturalWidth > 0;
  });
  await axe(page, 'events');
  await shot(page, '04-events');
  // people walking the plaza are in the zone drawn on it: the zone filter finds them
  await page.getByLabel('Zone').selectOption('Plaza floor');
  await expect(page.locator('[data-testid="event-card"][data-label="person"]').first()).toBeVisible({ timeout: 45_000 });

  // open it: the clip plays
  await card.click();
  await expect(page.getByRole('complementary', { name: 'Event details' })).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Event details' })).toContainText('zones: Plaza floor');
  await videoPlays(page, 'recorded-video', 0.5, 45_000);
  await shot(page, '05-event-detail');

  // in the timeline the marker is there and playback starts at the event
  const eventId = page.url().split('/events/')[1] ?? '';
  await page.getByRole('button', { name: 'Show in timeline' }).click();
  await expect(page.locator(`[data-testid="event-marker"][data-event-id="${eventId}"]`)).toBeVisible();
  await videoPlays(page, 'recorded-video', 0.2, 30_000);
  await axe(page, 'timeline');
  await shot(page, '06-timeline');

  // a rule for people; the next event raises a toast
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
  await page.getByRole('button', { name: 'Create a rule for people' }).click();
  await page.getByLabel('Cooldown per camera (s)').fill('0');
  await axe(page, 'rules');
  await shot(page, '07-rule-editor');
  await page.getByRole('button', { name: 'Save rule' }).click();
  await expect(page.getByRole('list', { name: 'Rules' }).getByText('Person detected')).toBeVisible();
  await expect(page.getByTestId('toast').first()).toBeVisible({ timeout: 60_000 });
  await shot(page, '08-toast');
  // enough alerts for now: snooze the rule and dismiss what is showing
  await page.getByRole('button', { name: 'Snooze 1 h' }).click();
  await expect(page.getByRole('button', { name: 'Wake' })).toBeVisible();
  for (let i = 0; i < 10 && (await page.getByTestId('toast').count()) > 0; i++) {
    await page.getByTestId('toast').first().getByRole('button', { name: 'Dismiss' }).click();
  }

  // export one recorded minute with a progress bar; the file plays
  const from = addedAt + 5_000;
  await expect
    .poll(
      async () =>
        page.evaluate(async ([a]) => {
          const res = await fetch('api/rpc/recordings.spans', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ after: a, before: Date.now() }) });
          const json = (await res.json()) as { value?: { end: number }[] };
          return Math.max(0, ...(json.value ?? []).map((s) => s.end));
        }, [from] as const),
      { timeout: 120_000, intervals: [2000] },
    )
    .toBeGreaterThan(from + 61_000);
  await page.goto(`${serve.url}/#/timeline?t=${from + 30_000}`);
  await page.getByRole('button', { name: 'Select 1 minute here' }).click();
  await page.getByRole('button', { name: 'Export clip' }).click();
  await expect(page.getByTestId('export-progress')).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByTestId('export-download').click({ timeout: 60_000 });
  const file = 'e2e/artifacts/journey-export.mp4';
  await (await download).saveAs(file);
  await shot(page, '09-export');
  const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,width,height', '-of', 'json', file], { encoding: 'utf8' });
  expect(probe.status).toBe(0);
  const facts = JSON.parse(probe.stdout) as { format: { duration: string }; streams: { codec_name: string; width: number }[] };
  // cut at keyframes (the default): the vtest clip has a keyframe every 2 s, so each end may move by up to one GOP
  expect(Math.abs(Number(facts.format.duration) - 60)).toBeLessThan(4.5);
  expect(facts.streams[0]).toMatchObject({ codec_name: 'h264', width: 768 });

  // the remaining screens, for the record and for accessibility
  for (const [name, link] of [
    ['10-settings', 'Settings'],
    ['11-system', 'System'],
  ] as const) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { name: link, level: 1 })).toBeVisible();
    await axe(page, link);
    await shot(page, name);
  }
});
