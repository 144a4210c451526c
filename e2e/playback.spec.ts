// Recorded playback in Chromium against the real RTSP camera and model: an event's clip plays with its stored box drawn
// over the picture where the track says it is at the moment shown; two cameras play in sync from one moment on the timeline.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRtspCamera, type RtspCamera } from '../test/fixtures/rtsp-camera.js';
import { boxAt, pictureRect, toElement, type TrackPoint } from '../renderer/src/lib/track.js';
import { setupAdmin, type AdminSession } from './fixtures/admin.js';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

let camera: RtspCamera;
let serve: ServeHandle;
let dataDir: string;
let admin: AdminSession;
let plaza: string;
let yard: string;

interface EventRow {
  id: string;
  label: string;
  start: number;
  end: number | null;
}

test.beforeAll(async () => {
  test.setTimeout(90_000);
  dataDir = mkdtempSync(join(tmpdir(), 'porchlight-playback-'));
  camera = await startRtspCamera({ hevc: false });
  serve = await startServe({ dataDir });
  admin = await setupAdmin(serve);
  plaza = (await admin.api<{ id: string }>('cameras.upsert', { name: 'Plaza', streams: [{ name: 'main', url: camera.url('vtest'), roles: ['record', 'detect', 'live'] }] })).id;
  yard = (await admin.api<{ id: string }>('cameras.upsert', { name: 'Yard', streams: [{ name: 'main', url: camera.url('sub360'), roles: ['record', 'detect', 'live'] }] })).id;
});

test.afterAll(async () => {
  await serve?.stop();
  await camera?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/**
 * What the overlay drew, read in one go (it redraws only between tasks): the wall time shown, the box, the video's picture
 * geometry, and the canvas pixels on the box's left edge and at its middle.
 */
async function overlayState(page: Page) {
  return page.getByTestId('recorded-video').evaluate((v: HTMLVideoElement) => {
    const c = v.parentElement!.querySelector<HTMLCanvasElement>('[data-testid="track-overlay"]')!;
    const box = c.dataset.box ?? '';
    const r = box.split(',').map(Number);
    const ctx = c.getContext('2d')!;
    const d = window.devicePixelRatio || 1;
    const at = (x: number, y: number) => [...ctx.getImageData(Math.round(x * d), Math.round(y * d), 1, 1).data];
    const px = box ? { edge: at(r[0]!, r[1]! + r[3]! / 2), inside: at(r[0]! + r[2]! / 2, r[1]! + r[3]! / 2) } : null;
    return { at: Number(c.dataset.at), box, w: v.clientWidth, h: v.clientHeight, vw: v.videoWidth, vh: v.videoHeight, currentTime: v.currentTime, px };
  });
}

function expectedBox(track: readonly TrackPoint[], s: Awaited<ReturnType<typeof overlayState>>): number[] | null {
  const shown = boxAt(track, s.at);
  if (!shown) return null;
  const r = toElement(shown.box, pictureRect(s.w, s.h, s.vw, s.vh));
  return [r.x, r.y, r.width, r.height];
}

test('an event opens on its clip with the box drawn where the track puts it as the video plays', async ({ page }) => {
  test.setTimeout(180_000);
  // a person the model followed for a while, whose footage is written (segments close every few seconds)
  let event: EventRow | undefined;
  let track: TrackPoint[] = [];
  await expect
    .poll(
      async () => {
        const page1 = await admin.api<{ items: EventRow[] }>('events.query', { cameras: [plaza], labels: ['person'], limit: 50 });
        for (const e of page1.items) {
          if (e.end === null) continue;
          const t = await admin.api<{ points: TrackPoint[] }>('events.track', { id: e.id });
          const segments = await admin.api<Array<{ end: number }>>('recordings.segments', { cameraId: plaza, after: e.start - 5000, before: e.end });
          if (t.points.length >= 10 && segments.some((s) => s.end >= e.end!)) {
            event = e;
            track = t.points;
            return true;
          }
        }
        return false;
      },
      { timeout: 120_000, intervals: [2000] },
    )
    .toBe(true);

  await admin.signIn(page);
  await page.goto(`${serve.url}/#/events/${event!.id}`);
  const video = page.getByTestId('recorded-video');
  const overlay = page.getByTestId('track-overlay');
  await expect(overlay).toBeAttached();
  // plays into the event, where the person is boxed
  await expect.poll(async () => (await overlayState(page)).box, { timeout: 30_000 }).not.toBe('');

  // twice, a second of video apart, as it plays: the box is where the track puts it at the moment shown
  const seen: number[] = [];
  for (const step of [0, 1]) {
    if (step > 0) await expect.poll(async () => (await overlayState(page)).currentTime, { timeout: 15_000 }).toBeGreaterThan(seen[0]! + 0.8);
    const s = await overlayState(page);
    seen.push(s.currentTime);
    const want = expectedBox(track, s);
    // the person is boxed at first; a second later they may have left the track: then nothing is drawn
    if (step === 0) expect(want).not.toBeNull();
    expect(s.box === '').toBe(want === null);
    if (!want) continue;
    const drawn = s.box.split(',').map(Number);
    drawn.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1));
    // the stroke is really there, in the person's colour, on the box's left edge; the middle of the box is left clear
    expect(s.px!.edge.slice(0, 3)).toEqual([0xff, 0x6b, 0x6b]);
    expect(s.px!.edge[3]).toBe(255);
    expect(s.px!.inside[3]).toBe(0);
  }
  await video.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/artifacts/event-clip-boxes.png' });
});

test('two cameras play in sync from one moment on the timeline, and pause together', async ({ page }) => {
  test.setTimeout(120_000);
  type Seg = { start: number; end: number };
  const segs = (id: string) => admin.api<Seg[]>('recordings.segments', { cameraId: id, after: 0, before: Date.now() + 60_000 });
  // a moment both cameras recorded, with 20 s after it on both
  let from = 0;
  await expect
    .poll(
      async () => {
        const [a, b] = await Promise.all([segs(plaza), segs(yard)]);
        if (!a.length || !b.length) return false;
        from = Math.max(a[0]!.start, b[0]!.start) + 2000;
        return Math.min(a.at(-1)!.end, b.at(-1)!.end) >= from + 20_000;
      },
      { timeout: 90_000, intervals: [2000] },
    )
    .toBe(true);

  await admin.signIn(page);
  await page.goto(`${serve.url}/#/timeline?t=${from}&camera=${plaza}&together=${plaza},${yard}`);
  const player = page.getByTestId('synced-player');
  await expect(page.getByTestId('synced-video')).toHaveCount(2);
  await expect(page.getByRole('checkbox', { name: 'Yard' })).toBeChecked();
  const read = () =>
    player.evaluate((el) => ({
      clock: Number(el.getAttribute('data-clock')),
      walls: [...el.querySelectorAll<HTMLVideoElement>('video')].map((v) => Number(v.dataset.wall)),
      paused: [...el.querySelectorAll<HTMLVideoElement>('video')].map((v) => v.paused),
    }));
  // both play, and the clock has run a few seconds from the moment chosen
  await expect.poll(async () => (await read()).clock, { timeout: 30_000 }).toBeGreaterThan(from + 3000);
  await expect(page.getByTestId('synced-tile').and(page.locator('[data-state="playing"]'))).toHaveCount(2);
  for (let i = 0; i < 2; i++) {
    if (i > 0) {
      const was = (await read()).clock;
      await expect.poll(async () => (await read()).clock, { timeout: 15_000 }).toBeGreaterThan(was + 2000);
    }
    const s = await read();
    expect(s.paused).toEqual([false, false]);
    // the two pictures show the same moment, the clock's (a video frame and a 100 ms tick apart at most, with slack)
    expect(Math.abs(s.walls[0]! - s.walls[1]!)).toBeLessThanOrEqual(500);
    for (const w of s.walls) expect(Math.abs(w - s.clock)).toBeLessThanOrEqual(500);
  }
  await page.screenshot({ path: 'e2e/artifacts/timeline-together.png', fullPage: true });
  const accessibility = await new AxeBuilder({ page }).exclude('video').analyze();
  expect(accessibility.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  await page.getByRole('button', { name: 'Pause all' }).click();
  await expect.poll(async () => (await read()).paused, { timeout: 5000 }).toEqual([true, true]);
  // paused, the clock stands still while the tick goes on (the videos stay where they are)
  const stopped = await read();
  await page.waitForTimeout(500);
  const later = await read();
  expect(later.clock).toBe(stopped.clock);
  expect(later.walls).toEqual(stopped.walls);
});
