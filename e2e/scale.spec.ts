// Scale (issue #7): with 16 cameras and 100,000 events the events list scrolls at 60 fps in Chromium's trace, and a busy day's timeline draws in ≤ 200 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { seedScaleData, type ScaleSeed } from '../test/helpers/scale-data.js';
import { FRAME_TRACE_CATEGORIES, frameFigures, percentile } from './fixtures/frames.js';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

const PASSWORD = 'a long admin password';
/** One display frame at 60 Hz, and the bars a smooth scroll clears: median frame interval within 10 % of it, the 95th
 * percentile within two frames (one missed vsync), at least 80 % of a 60 Hz display's frames drawn, no task over 50 ms. */
const FRAME_MS = 1000 / 60;
const MEDIAN_FRAME_MAX_MS = FRAME_MS * 1.1;
const P95_FRAME_MAX_MS = 2 * FRAME_MS + 0.5;
const MIN_FRAME_SHARE = 0.8;
const SCROLL_MS = 3000;
/** Pixels per frame: a fast, steady fling (about 6,000 px/s) through the virtualised grid. */
const SCROLL_STEP_PX = 100;
const TIMELINE_RUNS = 5;
const TIMELINE_BUDGET_MS = 200;

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

test('the events list (100,000 events) scrolls at 60 fps, with no long task', async ({ page, browser }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, '/events');
  await eventsShown(page);

  await browser.startTracing(page, { categories: FRAME_TRACE_CATEGORIES });
  // scrollTop moves every frame from requestAnimationFrame: each frame needs the main thread (React re-rendering the
  // virtual rows, pages of events loading as the end nears), unlike a compositor-only wheel scroll
  const inPage = await page.evaluate(
    async ({ durationMs, step }) => {
      const grid = document.querySelector<HTMLElement>('[data-testid="events-grid"]');
      if (!grid) throw new Error('no events grid');
      const longTasks: number[] = [];
      const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
      observer.observe({ type: 'longtask' });
      const stamps: number[] = [];
      performance.mark('scale:scroll:start');
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        const frame = (t: number): void => {
          stamps.push(t);
          grid.scrollTop += step;
          if (t - t0 < durationMs && stamps.length < 2000) requestAnimationFrame(frame);
          else resolve();
        };
        requestAnimationFrame(frame);
      });
      performance.mark('scale:scroll:end');
      observer.disconnect();
      const cards = document.querySelectorAll('[data-testid="event-card"]').length;
      return { stamps, longTasks, scrollTop: grid.scrollTop, cards };
    },
    { durationMs: SCROLL_MS, step: SCROLL_STEP_PX },
  );
  const trace = await browser.stopTracing();
  const frames = frameFigures(trace, 'scale:scroll:start', 'scale:scroll:end');

  const rafIntervals = inPage.stamps
    .slice(1)
    .map((t, i) => t - inPage.stamps[i]!)
    .sort((a, b) => a - b);
  const figures = {
    scroll: { durationMs: SCROLL_MS, stepPx: SCROLL_STEP_PX, scrolledPx: inPage.scrollTop, cardsInDom: inPage.cards },
    trace: frames,
    raf: {
      frames: inPage.stamps.length,
      medianIntervalMs: Math.round(percentile(rafIntervals, 0.5) * 100) / 100,
      p95IntervalMs: Math.round(percentile(rafIntervals, 0.95) * 100) / 100,
      maxIntervalMs: Math.round((rafIntervals.at(-1) ?? 0) * 100) / 100,
      longTasks: inPage.longTasks.length,
      longestTaskMs: Math.round(Math.max(0, ...inPage.longTasks)),
    },
  };
  console.log(JSON.stringify({ eventsScroll: figures }));
  await testInfo.attach('events-scroll.json', { body: JSON.stringify(figures, null, 2), contentType: 'application/json' });
  const minFrames = Math.floor((SCROLL_MS / FRAME_MS) * MIN_FRAME_SHARE);
  const smooth = frames.frames >= minFrames && frames.medianIntervalMs <= MEDIAN_FRAME_MAX_MS && frames.p95IntervalMs <= P95_FRAME_MAX_MS && frames.longTasks === 0;
  // the trace itself (tens of MB) only when it is needed to see why
  if (!smooth) await testInfo.attach('events-scroll-trace.json', { body: trace, contentType: 'application/json' });
  await page.screenshot({ path: 'e2e/artifacts/scale-events.png' });

  // the list really moved, through pages of events loaded while scrolling (100 a page, 4 cards a row at this width: 10,000 px is 200 events)
  expect(inPage.scrollTop).toBeGreaterThan(10_000);
  // the compositor really drew frames (headless, software compositing), at a steady 60 Hz
  expect(frames.frames).toBeGreaterThanOrEqual(minFrames);
  expect(frames.medianIntervalMs).toBeLessThanOrEqual(MEDIAN_FRAME_MAX_MS);
  expect(frames.p95IntervalMs).toBeLessThanOrEqual(P95_FRAME_MAX_MS);
  expect(frames.longTasks, `main-thread tasks over 50 ms (longest ${frames.longestTaskMs} ms)`).toBe(0);
  // the page's own view agrees
  expect(figures.raf.medianIntervalMs).toBeLessThanOrEqual(MEDIAN_FRAME_MAX_MS);
  expect(inPage.longTasks).toEqual([]);
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

test('the timeline of a busy day, 16 cameras, draws every event in ≤ 200 ms', async ({ page }, testInfo) => {
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
  // route change → fetch of both calls → render → paint, every layer (event markers and recorded spans): the median of
  // the runs, each from a fresh page
  expect(figures.median.paintedMs).toBeLessThanOrEqual(TIMELINE_BUDGET_MS);
});
