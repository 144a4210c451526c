// The desktop app itself, through Playwright's Electron driver: where the Electron binary exists.
import { _electron as electron } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BRIDGE_KEY } from '../main/common/bridge.js';
import { startRtspCamera } from '../test/fixtures/rtsp-camera.js';
import { expect, test } from './fixtures/page.js';

/** Where `electron` would run from, or why it cannot. */
function electronBinary(): { path?: string; reason?: string } {
  try {
    const pkgDir = resolve(createRequire(import.meta.url).resolve('electron/package.json'), '..');
    const pathTxt = join(pkgDir, 'path.txt');
    if (!existsSync(pathTxt)) return { reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing); this machine cannot reach Electron’s download host' };
    const bin = join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
    return existsSync(bin) ? { path: bin } : { reason: `the Electron binary ${bin} is missing` };
  } catch (err) {
    return { reason: `the electron package is not installed: ${(err as Error).message}` };
  }
}

const found = electronBinary();

test.describe('desktop app (Electron)', () => {
  test.skip(!found.path, `skipped: ${found.reason}`);

  test('opens over IPC with the renderer sandboxed, adds the demo camera and plays it live; a person event plays from app://', async () => {
    test.setTimeout(180_000);
    const userData = mkdtempSync(join(tmpdir(), 'porchlight-electron-'));
    // the demo picture has nobody in it: a real RTSP camera showing the vtest clip makes the person event
    const camera = await startRtspCamera({ hevc: false });
    const app = await electron.launch({ executablePath: found.path, args: [resolve('dist/main/electron/main.js'), `--user-data-dir=${userData}`] });
    try {
      const window = await app.firstWindow();
      await window.goto('app://porchlight/index.html#/system');
      await expect(window.getByTestId('version')).toBeVisible();
      await expect(window.getByText('Desktop app (IPC)')).toBeVisible();
      // the renderer has no Node: the sandbox holds
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      // the CSP of the app:// response is in force: an inline script is refused and reported
      const inlineRan = await window.evaluate(async () => {
        const violated = new Promise<boolean>((r) => document.addEventListener('securitypolicyviolation', () => r(true), { once: true }));
        const el = document.createElement('script');
        el.textContent = 'window.__inlineRan = true';
        document.head.append(el);
        await Promise.race([violated, new Promise((r) => setTimeout(r, 2000))]);
        return (window as { __inlineRan?: boolean }).__inlineRan === true;
      });
      expect(inlineRan).toBe(false);
      // first run: the demo camera, then live video through IPC (live.open and live.chunk)
      await window.goto('app://porchlight/index.html#/live');
      await window.getByRole('button', { name: 'Try the demo camera' }).click();
      await window.waitForFunction(() => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="live-video"]');
        return !!v && v.videoWidth > 0 && v.currentTime > 0.5;
      }, undefined, { timeout: 30_000 });

      // an event: the plaza camera added through the same bridge the UI uses, its person event listed with a thumbnail
      const added = await window.evaluate(
        async ([key, url]) => {
          const bridge = (globalThis as unknown as Record<string, { call: (m: string, i: unknown) => Promise<{ ok: boolean }> }>)[key as string];
          return bridge!.call('cameras.upsert', { name: 'Plaza', streams: [{ name: 'main', url, roles: ['record', 'detect', 'live'] }] });
        },
        [BRIDGE_KEY, camera.url('vtest')] as const,
      );
      expect(added.ok).toBe(true);
      await window.goto('app://porchlight/index.html#/events');
      const card = window.locator('[data-testid="event-card"][data-label="person"]').first();
      await expect(card).toBeVisible({ timeout: 60_000 });
      await window.waitForFunction(() => (document.querySelector<HTMLImageElement>('[data-testid="event-card"][data-label="person"] img')?.naturalWidth ?? 0) > 0);
      // its clip plays through app://porchlight/media/play (recorded playback served by the desktop protocol)
      await card.click();
      await window.waitForFunction(() => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="recorded-video"]');
        return !!v && v.videoWidth > 0 && v.currentTime > 0.5;
      }, undefined, { timeout: 60_000 });
    } finally {
      await app.close();
      await camera.stop();
      rmSync(userData, { recursive: true, force: true });
    }
  });

  test('closing the window keeps it running in the tray; launching again brings a window back and the second copy quits', async () => {
    test.setTimeout(120_000);
    const userData = mkdtempSync(join(tmpdir(), 'porchlight-electron-'));
    const args = [resolve('dist/main/electron/main.js'), `--user-data-dir=${userData}`];
    const app = await electron.launch({ executablePath: found.path, args });
    try {
      const first = await app.firstWindow();
      await expect(first.getByRole('heading', { level: 1 })).toBeVisible();
      await first.close();
      expect(app.windows()).toHaveLength(0);
      const reopened = app.waitForEvent('window');
      const second = await electron.launch({ executablePath: found.path, args });
      // the second copy hands over to the first and quits
      await second.waitForEvent('close', { timeout: 30_000 });
      const win = await reopened;
      await expect(win.getByRole('heading', { level: 1 })).toBeVisible();
    } finally {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
