// Live view and recorded playback in Chromium: fast start, one camera connection for every viewer, seamless segments.
import type { Page } from '@playwright/test';
import { startRtspCamera, type RtspCamera } from '../test/fixtures/rtsp-camera.js';
import { expect, test } from './fixtures/page.js';
import { setupAdmin, type AdminSession } from './fixtures/admin.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

let camera: RtspCamera;
let serve: ServeHandle;
let admin: AdminSession;
let cameraId = '';

const api = <T>(method: string, body: unknown): Promise<T> => admin.api<T>(method, body);

test.beforeAll(async () => {
  camera = await startRtspCamera({ vtest: false, hevc: false });
  serve = await startServe();
  admin = await setupAdmin(serve);
  const cam = await api<{ id: string }>('cameras.upsert', {
    name: 'Pattern',
    streams: [{ name: 'main', url: camera.url('pattern'), roles: ['record', 'live'] }],
    detect: { enabled: false },
  });
  cameraId = cam.id;
  await camera.waitForSessions((n) => n === 1, 15_000);
});

test.afterAll(async () => {
  await serve?.stop();
  await camera?.stop();
});

const signIn = (page: Page): Promise<void> => admin.signIn(page);

test('live view plays; a second tab shares the one camera connection', async ({ page, context }) => {
  await signIn(page);
  // the engine's one connection, after at most one short probe of the stream (its shape and sound) before it
  await expect
    .poll(async () => (await api<{ cameraId: string; state: string }[]>('cameras.states', {})).find((s) => s.cameraId === cameraId)?.state, { timeout: 20_000 })
    .toBe('online');
  const sessionsSoFar = camera.totalSessions();
  expect(sessionsSoFar).toBeLessThanOrEqual(2);
  const t0 = Date.now();
  await page.goto(`${serve.url}/#/live/${cameraId}`);
  await page.waitForFunction(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="live-video"]');
    return !!v && v.videoWidth > 0 && v.currentTime > 0;
    // a bound that only stops a hang: the first-frame time is measured by bench/live, not asserted here
  }, undefined, { timeout: 20_000 });
  const firstFrameMs = Date.now() - t0;
  console.log(`live: first frame after ${firstFrameMs} ms`);

  const second = await context.newPage();
  await second.goto(`${serve.url}/#/live/${cameraId}`);
  await second.waitForFunction(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="live-video"]');
    return !!v && v.videoWidth === 1280 && v.currentTime > 0.5;
  }, undefined, { timeout: 10_000 });
  // both tabs keep advancing, and the camera still sees exactly one client: the engine's ingest
  const before = await page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="live-video"]')!.currentTime);
  await page.waitForFunction((b) => document.querySelector<HTMLVideoElement>('[data-testid="live-video"]')!.currentTime > b + 1, before, { timeout: 5_000 });
  expect(camera.sessions()).toBe(1);
  expect(camera.totalSessions()).toBe(sessionsSoFar);
  await second.close();
});

test('recorded playback crosses three segment boundaries without a stall, and seeks', async ({ page }) => {
  test.setTimeout(150_000);
  // five finished segments (10 s each) give four boundaries to cross
  const segments = await expect
    .poll(async () => (await api<{ start: number; end: number }[]>('recordings.segments', { cameraId, after: 0, before: Date.now() + 60_000 })).length, {
      timeout: 90_000,
      intervals: [2000],
    })
    .toBeGreaterThanOrEqual(5)
    .then(() => api<{ start: number; end: number }[]>('recordings.segments', { cameraId, after: 0, before: Date.now() + 60_000 }));
  const first = segments[0]!;
  await signIn(page);
  await page.goto(`${serve.url}/#/timeline?camera=${cameraId}&t=${first.start + 8000}`);
  const video = page.getByTestId('recorded-video');
  // the stream starts 8 s into the first segment
  await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid="recorded-video"]')?.currentTime ?? 0) > 0.3, undefined, { timeout: 15_000 });
  const stalls = await video.evaluate((v: HTMLVideoElement) => {
    (window as unknown as { stalls: number }).stalls = 0;
    v.addEventListener('waiting', () => ((window as unknown as { stalls: number }).stalls += 1));
    v.playbackRate = 1.5;
    return 0;
  });
  expect(stalls).toBe(0);
  // from 8 s into the recording, across the boundaries at 10, 20 and 30 s (2, 12 and 22 s into the stream)
  await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid="recorded-video"]')?.currentTime ?? 0) > 23, undefined, { timeout: 40_000 });
  expect(await page.evaluate(() => (window as unknown as { stalls: number }).stalls)).toBe(0);
  // the segments joined into one buffered range: no hole at any boundary
  expect(await video.evaluate((v: HTMLVideoElement) => v.buffered.length)).toBe(1);

  // seek with the keyboard on the timeline, 20 s back and 10 s forward: playback resumes there (how soon is logged, not asserted)
  const slider = page.getByRole('slider', { name: /Timeline/ });
  await slider.focus();
  for (const [key, presses, delta] of [['ArrowLeft', 2, -20_000], ['ArrowRight', 1, 10_000]] as const) {
    const from = Number(await slider.getAttribute('aria-valuenow'));
    for (let i = 0; i < presses; i++) await page.keyboard.press(key);
    const target = from + delta;
    const t0 = Date.now();
    await expect
      .poll(async () => Number(await slider.getAttribute('aria-valuenow')), { timeout: 15_000, intervals: [50] })
      .toBeGreaterThan(target + 200);
    const resumedMs = Date.now() - t0;
    console.log(`recorded: seek ${delta / 1000} s resumed after ${resumedMs} ms`);
    expect(Math.abs(Number(await slider.getAttribute('aria-valuenow')) - target)).toBeLessThan(3_000);
  }
});
