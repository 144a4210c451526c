// Cameras as they really are, in Chromium: the grid plays the sub stream and full screen the main one (muted, with a
// mute button when it has sound); an H.265 main stream falls back to the sub stream, and with no sub to a low-rate H.264
// transcode the engine makes from the camera's own stream.
import type { Page } from '@playwright/test';
import { startRtspCamera, type RtspCamera } from '../test/fixtures/rtsp-camera.js';
import { expect, test } from './fixtures/page.js';
import { setupAdmin, type AdminSession } from './fixtures/admin.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

let camera: RtspCamera;
let serve: ServeHandle;
let admin: AdminSession;
const ids: Record<string, string> = {};

const MAIN = ['record', 'live-full'];
const SUB = ['detect', 'live-grid'];

test.beforeAll(async () => {
  camera = await startRtspCamera({ vtest: false });
  serve = await startServe();
  admin = await setupAdmin(serve);
  const add = async (name: string, main: string, sub?: string) => {
    const streams = [{ name: 'main', url: camera.url(main), roles: sub ? MAIN : [...MAIN, ...SUB] }, ...(sub ? [{ name: 'sub', url: camera.url(sub), roles: SUB }] : [])];
    ids[name] = (await admin.api<{ id: string }>('cameras.upsert', { name, streams, detect: { enabled: false } })).id;
  };
  await add('Porch', 'main720a', 'sub360');
  await add('Driveway', 'hevc', 'sub360');
  await add('Shed', 'hevc');
});

test.afterAll(async () => {
  await serve?.stop();
  await camera?.stop();
});

const signIn = (page: Page): Promise<void> => admin.signIn(page);

/** Resolves once the player in `scope` plays video of this width. */
async function playsWidth(page: Page, scope: string, width: number): Promise<void> {
  await page.waitForFunction(
    ([s, w]) => {
      const v = document.querySelector<HTMLVideoElement>(`${s} [data-testid="live-video"]`);
      return !!v && v.videoWidth === w && v.currentTime > 0.3;
    },
    [scope, width] as const,
    { timeout: 60_000 },
  );
}

test('the grid plays the sub stream, full screen the main one, muted until the mute button is pressed', async ({ page }) => {
  await signIn(page);
  await page.goto(`${serve.url}/#/live`);
  await playsWidth(page, '[data-testid="live-tile"][aria-label="Porch"]', 640);
  await page.goto(`${serve.url}/#/live/${ids.Porch}`);
  await playsWidth(page, '#single-tile', 1280);
  expect(await page.locator('#single-tile [data-testid="live-video"]').evaluate((v: HTMLVideoElement) => v.muted)).toBe(true);
  const mute = page.getByRole('button', { name: 'Unmute' });
  await mute.click();
  await expect(page.getByRole('button', { name: 'Mute' })).toHaveAttribute('aria-pressed', 'true');
  expect(await page.locator('#single-tile [data-testid="live-video"]').evaluate((v: HTMLVideoElement) => v.muted)).toBe(false);
});

test('an H.265 main stream falls back to its sub stream in full screen, and to an H.264 transcode without one', async ({ page }) => {
  await signIn(page);
  await page.goto(`${serve.url}/#/live/${ids.Driveway}`);
  await expect(page.locator('#single-tile .player-note')).toContainText("cannot play H.265: showing the camera's smaller stream", { timeout: 60_000 });
  await playsWidth(page, '#single-tile', 640);
  await expect(page.locator('#single-tile .player')).toHaveAttribute('data-stream', 'grid');
  await page.goto(`${serve.url}/#/live/${ids.Shed}`);
  await expect(page.locator('#single-tile .player-note')).toContainText('cannot play H.265: showing a converted, lower-rate picture', { timeout: 30_000 });
  await playsWidth(page, '#single-tile', 640);
  await expect(page.locator('#single-tile .player')).toHaveAttribute('data-stream', 'compat');
});
