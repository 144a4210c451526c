// bench/ui: the events list's scroll frame rate as a ratio to a plain page in the same browser, and a busy day's timeline paint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import sharp from 'sharp';
import { startEngine } from '../../main/core/app.js';
import { createServer } from '../../main/server/server.js';
import { FRAME_TRACE_CATEGORIES, frameFigures, type FrameFigures } from '../../e2e/fixtures/frames.js';
import { seedScaleData } from '../../test/helpers/scale-data.js';
import { round } from '../_lib/stats.js';

const SCROLL_MS = 3000;
/** Pixels per frame: a fast, steady fling (about 6,000 px/s). */
const SCROLL_STEP_PX = 100;
const ROUNDS = 2;
const TIMELINE_RUNS = 5;

/** A page with nothing but a tall scroll box of static cards, sized like the events grid: what the browser does at best. */
const PLAIN_PAGE = `<!doctype html><html><body style="margin:0">
<div data-testid="events-grid" style="height:800px;overflow:auto">
${Array.from({ length: 3000 }, (_, i) => `<div style="height:220px;margin:8px;background:#35506b;color:#fff">card ${i}</div>`).join('')}
</div></body></html>`;

/** Scrolls [data-testid=events-grid] by SCROLL_STEP_PX every frame from requestAnimationFrame, between two marks. */
async function scrollFigures(browser: Browser, page: Page, tag: string): Promise<FrameFigures & { scrolledPx: number }> {
  await browser.startTracing(page, { categories: FRAME_TRACE_CATEGORIES });
  const scrolledPx = await page.evaluate(
    async ({ durationMs, step, tag }) => {
      const grid = document.querySelector<HTMLElement>('[data-testid="events-grid"]');
      if (!grid) throw new Error('no scroll box');
      grid.scrollTop = 0;
      performance.mark(`${tag}:start`);
      const t0 = performance.now();
      let n = 0;
      await new Promise<void>((resolve) => {
        const frame = (t: number): void => {
          grid.scrollTop += step;
          if (t - t0 < durationMs && ++n < 2000) requestAnimationFrame(frame);
          else resolve();
        };
        requestAnimationFrame(frame);
      });
      performance.mark(`${tag}:end`);
      return grid.scrollTop;
    },
    { durationMs: SCROLL_MS, step: SCROLL_STEP_PX, tag },
  );
  const trace = await browser.stopTracing();
  return { ...frameFigures(trace, `${tag}:start`, `${tag}:end`), scrolledPx };
}

/** Route change → the busy day's timeline drawn (both layers) → the next frame: painted. */
async function timelinePaint(page: Page, day: string): Promise<{ paintedMs: number; fetchMs: number }> {
  return page.evaluate(async (d) => {
    performance.clearMarks();
    performance.clearResourceTimings();
    const t0 = performance.now();
    window.location.hash = `#/timeline?day=${d}`;
    const deadline = t0 + 10_000;
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (performance.getEntriesByName('timeline:drawn').length > 0 || performance.now() > deadline) resolve();
        else requestAnimationFrame(check);
      };
      check();
    });
    await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const drawn = performance.getEntriesByName('timeline:drawn').length > 0;
    const rpc = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => /api\/rpc\/(recordings\.spans|timeline\.markers)$/.test(e.name));
    return { paintedMs: drawn ? performance.now() - t0 : -1, fetchMs: Math.max(0, ...rpc.map((e) => e.responseEnd - t0)) };
  }, day);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

export default async function run(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'porchlight-bench-ui-'));
  const jpeg = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#35506b' } })
    .jpeg({ quality: 70 })
    .toBuffer();
  const seed = seedScaleData(dataDir, { cameras: 16, events: 100_000, busyEvents: 12_000, withSnapshots: 4_000, jpeg });
  const engine = await startEngine({ dataDir, host: 'server', startCameras: false });
  const server = await createServer({ engine, host: '127.0.0.1', port: 0, staticDir: join(process.cwd(), 'dist/renderer') });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const admin = await engine.accounts.setup('admin', 'bench password 123');
    const session = engine.accounts.createSession(admin.id, '127.0.0.1', 'bench');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: 'porchlight_session', value: session.token, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    // tsx compiles this file with esbuild's keep-names helper, which the page functions refer to
    await page.addInitScript('globalThis.__name = (f) => f;');

    // the plain page and the events list, alternated in the same browser so both see the same machine
    const plain: FrameFigures[] = [];
    const eventsList: (FrameFigures & { scrolledPx: number })[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // a fresh document each round: going back to the app's URL afterwards must be a real navigation, not a hash change
      await page.goto('about:blank');
      await page.setContent(PLAIN_PAGE);
      // setContent makes no new document, so the init script is not run for it
      await page.evaluate('globalThis.__name = (f) => f;');
      plain.push(await scrollFigures(browser, page, `plain${r}`));
      await page.goto(`${server.url}/#/events`);
      await page
        .getByTestId('event-card')
        .first()
        .waitFor({ timeout: 20_000 })
        .catch(async (err: unknown) => {
          throw new Error(`the events page showed no card: ${(await page.locator('body').innerText()).slice(0, 300)}`, { cause: err });
        });
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('[data-testid="event-card"] img');
        return !!img && img.complete && img.naturalWidth > 0;
      });
      eventsList.push(await scrollFigures(browser, page, `events${r}`));
    }

    const timeline: { paintedMs: number; fetchMs: number }[] = [];
    for (let i = 0; i < TIMELINE_RUNS; i++) {
      // a fresh document each run: nothing cached, every run fetches the day's spans and markers
      await page.goto('about:blank');
      await page.goto(`${server.url}/#/events`);
      await page.getByTestId('event-card').first().waitFor();
      await page.evaluate(() => new Promise<void>((r) => requestIdleCallback(() => r(), { timeout: 2000 })));
      timeline.push(await timelinePaint(page, seed.busyDay.date));
    }

    const m = (xs: FrameFigures[], pick: (f: FrameFigures) => number): number => median(xs.map(pick));
    const plainMedian = m(plain, (f) => f.medianIntervalMs);
    const eventsMedian = m(eventsList, (f) => f.medianIntervalMs);
    const figures = {
      events: seed.events,
      cameras: seed.cameraIds.length,
      scroll_ms: SCROLL_MS,
      plain_frames: m(plain, (f) => f.frames),
      plain_median_interval_ms: round(plainMedian, 2),
      plain_p95_interval_ms: round(m(plain, (f) => f.p95IntervalMs), 2),
      events_frames: m(eventsList, (f) => f.frames),
      events_median_interval_ms: round(eventsMedian, 2),
      events_p95_interval_ms: round(m(eventsList, (f) => f.p95IntervalMs), 2),
      events_long_tasks: Math.max(...eventsList.map((f) => f.longTasks)),
      events_longest_task_ms: Math.max(...eventsList.map((f) => f.longestTaskMs)),
      events_scrolled_px: Math.min(...eventsList.map((f) => f.scrolledPx)),
      // 1.0: the events list scrolls as smoothly as a plain page in the same browser
      frame_rate_ratio: round(plainMedian / eventsMedian, 3),
      frames_ratio: round(m(eventsList, (f) => f.frames) / m(plain, (f) => f.frames), 3),
      timeline_events_busy_day: seed.busyDay.events,
      timeline_painted_median_ms: Math.round(median(timeline.map((t) => t.paintedMs))),
      timeline_fetch_median_ms: Math.round(median(timeline.map((t) => t.fetchMs))),
      timeline_worst_painted_ms: Math.round(Math.max(...timeline.map((t) => t.paintedMs))),
      target_frame_rate_ratio: 0.9,
      target_timeline_painted_ms: 200,
    };
    return { ...figures, pass: figures.frame_rate_ratio >= 0.9 && figures.frames_ratio >= 0.9 && figures.timeline_painted_median_ms <= 200 };
  } finally {
    await browser.close();
    await server.close();
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
