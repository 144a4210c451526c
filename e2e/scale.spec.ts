// Scale (issue #7): with 16 cameras and 100,000 events the events list and a busy day's timeline show everything; their speed is bench/ui's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { seedScaleData, type ScaleSeed } from '../test/helpers/scale-data.js';
import { percentile } from './fixtures/frames.js';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

const PASSWORD = 'a long admin password';
/** How far the events list is flung: 240 events' rows at 4 cards a row, through pages loaded while it scrolls. */
const SCROLL_TARGET_PX = 12_000;
/** Only to stop a hang: a slow machine scrolls as far, in more time. */
const SCROLL_BOUND_MS = 60_000;
/** Pixels per frame: a fast, steady fling (about 6,000 px/s) through the virtualised grid. */
const SCROLL_STEP_PX = 100;
const TIMELINE_RUNS = 3;

test.describe.configure({ mode: 'serial' });

let dataDir: string;
let seed: ScaleSeed;
let serve: ServeHandle;

test.beforeAll(async () => {
  test.setTimeout(60_000);
  dataDir = mkdtempSync(join(tmpdir(), 'porchlight-scale-'));
  const jpeg = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#35506b' } })
    .jpeg({ quality: 70 })
    .toBuffer();
  // the newest 4,000 events have (hard-linked) pictures, the rest none: the list shows both kinds of card
  seed = seedScaleData(dataDir, { cameras: 16, events: 100_000, busyEvents: 12_000, withSnapshots: 4_000, jpeg });
  console.log(JSON.stringify({ seeded: seed }));
  // segments are index rows only (no files), so the cameras stay off: camera start-up would drop rows whose files are missing
  serve = await startServe({ dataDir, args: ['--no-cameras'] });
});

test.afterAll(async () => {
  await serve?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** First visit creates the admin account; later visits (a fresh browser context per test) sign in. */
async function signIn(page: Page, hash: string): Promise<void> {
  await page.goto(`${serve.url}/#${hash}`);
  const setup = page.getByRole('heading', { name: 'Create the admin account' });
  const signin = page.getByRole('heading', { name: 'Sign in' });
  await expect(setup.or(signin)).toBeVisible();
  if (await setup.isVisible()) await page.getByLabel('Setup code').fill(serve.setupCode ?? '');
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: /Create account|Sign in/ }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

/** The events page with its first cards and their pictures loaded. */
async function eventsShown(page: Page): Promise<void> {
  await expect(page.getByTestId('event-card').first()).toBeVisible();
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid="event-card"] img');
    return !!img && img.complete && img.naturalWidth > 0;
  });
}

test('the events list (100,000 events) renders cards with pictures and loads page after page while it scrolls', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, '/events');
  await eventsShown(page);

  // scrollTop moves a step every frame from requestAnimationFrame until it is 12,000 px down: a distance, not a time,
  // so a slow machine takes longer and scrolls as far (frame rates are measured in bench/ui, not asserted here)
  const inPage = await page.evaluate(
    async ({ target, step, boundMs }) => {
      const grid = document.querySelector<HTMLElement>('[data-testid="events-grid"]');
      if (!grid) throw new Error('no events grid');
      const t0 = performance.now();
      let frames = 0;
      await new Promise<void>((resolve) => {
        const frame = (t: number): void => {
          grid.scrollTop += step;
          // bounded: a page that stops growing, a frame cap, or a wide time bound end it
          if (grid.scrollTop < target && t - t0 < boundMs && ++frames < 5000) requestAnimationFrame(frame);
          else resolve();
        };
        requestAnimationFrame(frame);
      });
      const cards = document.querySelectorAll('[data-testid="event-card"]').length;
      return { scrollTop: grid.scrollTop, cards, frames };
    },
    { target: SCROLL_TARGET_PX, step: SCROLL_STEP_PX, boundMs: SCROLL_BOUND_MS },
  );
  console.log(JSON.stringify({ eventsScroll: inPage }));
  await page.screenshot({ path: 'e2e/artifacts/scale-events.png' });

  // the list really moved, through pages of events loaded while scrolling (100 a page, 4 cards a row at this width: 10,000 px is 200 events)
  expect(inPage.scrollTop).toBeGreaterThan(10_000);
  // virtualised: a screenful of cards in the page, never all 100,000
  expect(inPage.cards).toBeGreaterThan(0);
  expect(inPage.cards).toBeLessThan(1000);
  // and the cards shown there are real events with their pictures
  await expect(page.getByTestId('event-card').first()).toBeVisible();
});

interface TimelineRun {
  /** Route change → the event markers committed (every event of the window, on the rows' canvases). */
  markersMs: number;
  /** Route change → the recorded spans committed as well: the whole timeline. */
  drawnMs: number;
  /** Route change → the frame after that: painted. */
  paintedMs: number;
  /** Route change → the last of the two calls answered (data fetch alone). */
  fetchMs: number;
  rpc: { method: string; sentMs: number; doneMs: number; kB: number }[];
  total: number;
  grouped: boolean;
}

test('the timeline of a busy day, 16 cameras, draws every event, grouped at day zoom and one by one zoomed in', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, '/events');
  const runs: TimelineRun[] = [];
  for (let i = 0; i < TIMELINE_RUNS; i++) {
    // a fresh page each run: nothing cached, so every run fetches the day's spans and markers
    if (i > 0) {
      await page.evaluate(() => (window.location.hash = '#/events'));
      await page.reload();
    }
    await eventsShown(page);
    // start from a settled page (the events list done loading), as a person who looked at it and then moved on
    await page.evaluate(() => new Promise<void>((r) => requestIdleCallback(() => r(), { timeout: 2000 })));
    const run = await page.evaluate(
      async ({ day, timeoutMs }): Promise<TimelineRun> => {
        performance.clearMarks();
        performance.clearResourceTimings();
        const t0 = performance.now();
        // a route change, as the app's own links make
        window.location.hash = `#/timeline?day=${day}`;
        const deadline = t0 + timeoutMs;
        await new Promise<void>((resolve) => {
          const check = (): void => {
            if (performance.getEntriesByName('timeline:drawn').length > 0 || performance.now() > deadline) resolve();
            else requestAnimationFrame(check);
          };
          check();
        });
        // the frame after the last layer was committed: painted by then
        await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const paintedMs = performance.now() - t0;
        const markers = performance.getEntriesByName('timeline:markers-drawn')[0] as PerformanceMark | undefined;
        const drawn = performance.getEntriesByName('timeline:drawn')[0];
        const rpc = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
          .filter((e) => /api\/rpc\/(recordings\.spans|timeline\.markers)$/.test(e.name))
          .map((e) => ({ method: e.name.split('/').at(-1) ?? '', sentMs: Math.round(e.requestStart - t0), doneMs: Math.round(e.responseEnd - t0), kB: Math.round(e.encodedBodySize / 1024) }));
        const detail = markers?.detail as { total: number; grouped: boolean } | undefined;
        return {
          markersMs: markers ? Math.round(markers.startTime - t0) : -1,
          drawnMs: drawn ? Math.round(drawn.startTime - t0) : -1,
          paintedMs: drawn ? Math.round(paintedMs) : -1,
          fetchMs: Math.max(0, ...rpc.map((r) => r.doneMs)),
          rpc,
          total: detail?.total ?? -1,
          grouped: detail?.grouped ?? false,
        };
      },
      { day: seed.busyDay.date, timeoutMs: 10_000 },
    );
    runs.push(run);
    await expect(page.getByTestId('timeline')).toHaveAttribute('data-ready', 'true');
  }

  // complete at day zoom: all of the busy day's events (and its neighbours'), grouped on one canvas per camera, and recordings
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toHaveAttribute('data-markers', 'grouped');
  expect(Number(await timeline.getAttribute('data-event-count'))).toBeGreaterThanOrEqual(seed.busyDay.events);
  await expect(page.getByTestId('marker-canvas')).toHaveCount(16);
  await expect(page.locator('.timeline-row')).toHaveCount(16);
  expect(await page.locator('.span-bar').count()).toBeGreaterThanOrEqual(16);
  await page.screenshot({ path: 'e2e/artifacts/scale-timeline-day.png', fullPage: true });

  // zoomed in (+ halves the span), a window quiet enough comes back event by event, each with its own marker
  for (let i = 0; i < 8 && (await timeline.getAttribute('data-markers')) !== 'events'; i++) {
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect(timeline).toHaveAttribute('data-ready', 'true');
  }
  await expect(timeline).toHaveAttribute('data-markers', 'events');
  expect(await page.getByTestId('event-marker').count()).toBeGreaterThan(0);
  await expect(page.getByTestId('marker-canvas')).toHaveCount(0);
  await page.screenshot({ path: 'e2e/artifacts/scale-timeline-zoomed.png', fullPage: true });

  const median = (pick: (r: TimelineRun) => number): number => percentile(runs.map(pick).sort((a, b) => a - b), 0.5);
  const figures = {
    day: seed.busyDay,
    runs,
    median: { fetchMs: median((r) => r.fetchMs), markersMs: median((r) => r.markersMs), drawnMs: median((r) => r.drawnMs), paintedMs: median((r) => r.paintedMs) },
    worstPaintedMs: Math.max(...runs.map((r) => r.paintedMs)),
  };
  console.log(JSON.stringify({ timelineBusyDay: figures }));
  await testInfo.attach('timeline-busy-day.json', { body: JSON.stringify(figures, null, 2), contentType: 'application/json' });
  for (const r of runs) {
    expect(r.markersMs, 'the timeline:markers-drawn milestone').toBeGreaterThan(0);
    expect(r.paintedMs, 'the timeline:drawn milestone').toBeGreaterThan(0);
    expect(r.grouped).toBe(true);
  }
});
