// The desktop shell's security checklist, with the electron module mocked (no Electron binary here).
import { EventEmitter } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_KEY, IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, IPC_SUBSCRIBE_CHANNEL } from '../common/bridge.js';
import { withEngine } from '../../test/helpers/engine.js';
import { makeTempDir } from '../../test/helpers/tmp.js';
import { encodeSegments, indexSegments } from '../core/export/fixtures.js';
import { locateFfmpeg } from '../core/ffmpeg/locate.js';
import { createMainWindow } from './desktop.js';
import { TRAY_ICON_PNG, trayMenu, trayStatus, trayTooltip } from './tray.js';
import { bridgeIpc } from './ipc.js';
import { createAppProtocolHandler } from './protocol.js';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY, withCspMeta } from '../common/csp.js';
import { cspMeta } from '../../renderer/vite.config.js';
import {
  APP_ORIGIN,
  installNavigationGuards,
  installPermissionHandlers,
  isTrustedSender,
} from './security.js';

// The real preload source, compiled as Electron loads it (CommonJS), with a fake `electron` module.
function loadPreload(): { exposed: Record<string, unknown>; sent: unknown[][] } {
  const exposed: Record<string, unknown> = {};
  const sent: unknown[][] = [];
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: (...args: unknown[]) => Promise.resolve(args),
    send: (...args: unknown[]) => sent.push(args),
  });
  const electron = { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) }, ipcRenderer };
  const source = readFileSync(new URL('./preload.cts', import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const fakeRequire = (id: string): unknown => {
    if (id !== 'electron') throw new Error(`the sandboxed preload may only require electron, not ${id}`);
    return electron;
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', outputText)(fakeRequire, module, module.exports);
  return { exposed, sent };
}

class FakeContents extends EventEmitter {
  windowOpenHandler: ((d: { url: string }) => { action: string }) | undefined;
  constructor(public url = `${APP_ORIGIN}/index.html`) {
    super();
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h;
  }
  getURL(): string {
    return this.url;
  }
}

function navigate(contents: FakeContents, event: string, url: string): boolean {
  let prevented = false;
  contents.emit(event, { preventDefault: () => (prevented = true) }, url);
  return prevented;
}

describe('BrowserWindow', () => {
  it('is created with every hardening preference and loads app://, never file://', () => {
    const tmp = makeTempDir();
    let options: { webPreferences?: Record<string, unknown> } = {};
    let loaded = '';
    class FakeWindow extends EventEmitter {
      constructor(o: typeof options) {
        super();
        options = o;
      }
      loadURL(u: string) {
        loaded = u;
        return Promise.resolve();
      }
      maximize() {}
      show() {}
      getNormalBounds() {
        return { x: 0, y: 0, width: 1280, height: 800 };
      }
      isMaximized() {
        return false;
      }
    }
    const electron = { BrowserWindow: FakeWindow, screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] } };
    createMainWindow(electron as never, '/app/preload.cjs', join(tmp.dir, 'window.json'));
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options.webPreferences).not.toHaveProperty('enableRemoteModule', true);
    expect(loaded).toBe(`${APP_ORIGIN}/index.html`);
    tmp.cleanup();
  });
});

describe('Content-Security-Policy', () => {
  it('comes with every app:// response the handler makes: pages, assets, media, refusals', async () => {
    const tmp = makeTempDir();
    const ui = join(tmp.dir, 'ui');
    mkdirSync(join(ui, 'assets'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
    writeFileSync(join(ui, 'assets', 'app.js'), 'export {};');
    const recordings = join(tmp.dir, 'recordings');
    mkdirSync(recordings);
    writeFileSync(join(recordings, 'a.mp4'), Buffer.alloc(64));
    const handle = createAppProtocolHandler({ ui, media: { recordings } });
    const urls = [
      `${APP_ORIGIN}/index.html`,
      `${APP_ORIGIN}/`,
      `${APP_ORIGIN}/events/42`,
      `${APP_ORIGIN}/assets/app.js`,
      `${APP_ORIGIN}/media/recordings/a.mp4`,
      `${APP_ORIGIN}/media/recordings/../../etc/passwd`,
      'app://elsewhere/index.html',
    ];
    for (const url of urls) {
      const res = await handle(new Request(url));
      expect(res.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
    }
    const post = await handle(new Request(`${APP_ORIGIN}/index.html`, { method: 'POST' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    tmp.cleanup();
  });

  it('allows only our own origin, and no inline or eval script', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
  });

  it('is also in the built page as a <meta>, first in <head>, without the header-only directives', async () => {
    const plugin = cspMeta();
    expect(plugin.apply).toBe('build');
    const hook = plugin.transformIndexHtml as (html: string) => string;
    const html = hook('<!doctype html><html lang="en"><head><meta charset="UTF-8" /><title>x</title></head><body></body></html>');
    const head = /<head[^>]*>\s*(<meta[^>]*>)/.exec(html)?.[1] ?? '';
    expect(head).toContain('http-equiv="Content-Security-Policy"');
    expect(head).toContain(`content="${META_CONTENT_SECURITY_POLICY}"`);
    expect(META_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(META_CONTENT_SECURITY_POLICY).not.toContain('frame-ancestors');
    expect(() => withCspMeta('<html><body></body></html>')).toThrow(/no <head>/);
  });
});

describe('navigation and window-open guards', () => {
  const contents = new FakeContents();
  const opened: string[] = [];
  installNavigationGuards(contents as never, (u) => opened.push(u));

  it('keeps navigation inside app://', () => {
    expect(navigate(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'app://other-host/x')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'http://127.0.0.1:1/')).toBe(true);
    expect(navigate(contents, 'will-navigate', `${APP_ORIGIN}/index.html#/events`)).toBe(false);
  });

  it('never opens a window; web links go to the system browser', () => {
    expect(contents.windowOpenHandler?.({ url: 'https://example.org/help' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.org/help']);
  });

  it('refuses webviews', () => {
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });
});

describe('permission handler', () => {
  let request: ((c: FakeContents, p: string, cb: (ok: boolean) => void) => void) | undefined;
  let check: ((c: FakeContents | null, p: string, origin: string) => boolean) | undefined;
  installPermissionHandlers({
    setPermissionRequestHandler: (h: typeof request) => (request = h),
    setPermissionCheckHandler: (h: typeof check) => (check = h),
  } as never);

  const ask = (permission: string, url = `${APP_ORIGIN}/index.html`): boolean => {
    let answer = true;
    request?.(new FakeContents(url), permission, (ok) => (answer = ok));
    return answer;
  };

  it('allows notifications and fullscreen from the app only', () => {
    expect(ask('notifications')).toBe(true);
    expect(ask('fullscreen')).toBe(true);
    expect(ask('notifications', 'https://evil.example/')).toBe(false);
    expect(check?.(null, 'notifications', APP_ORIGIN)).toBe(true);
  });

  it.each(['media', 'geolocation', 'clipboard-read', 'midi', 'openExternal', 'pointerLock', 'usb', 'serial', 'hid', 'display-capture'])('denies %s', (p) => {
    expect(ask(p)).toBe(false);
    expect(check?.(null, p, APP_ORIGIN)).toBe(false);
  });
});

describe('IPC bridge', () => {
  let h: Awaited<ReturnType<typeof withEngine>>;
  beforeAll(async () => {
    h = await withEngine();
  });
  afterAll(() => h.close());

  function setup() {
    const handlers = new Map<string, (...a: unknown[]) => unknown>();
    const listeners = new Map<string, (...a: unknown[]) => unknown>();
    const ipcMain = {
      handle: (ch: string, fn: (...a: unknown[]) => unknown) => handlers.set(ch, fn),
      removeHandler: (ch: string) => handlers.delete(ch),
      on: (ch: string, fn: (...a: unknown[]) => unknown) => listeners.set(ch, fn),
      removeListener: (ch: string) => listeners.delete(ch),
    };
    const mainFrame = { url: `${APP_ORIGIN}/index.html` };
    const pushed: unknown[][] = [];
    const win = { isDestroyed: () => false, webContents: { mainFrame, send: (...a: unknown[]) => pushed.push(a) } };
    const dispose = bridgeIpc(ipcMain as never, h.engine, () => win as never);
    return { handlers, listeners, mainFrame, pushed, dispose };
  }

  it('answers calls from our main frame', async () => {
    const { handlers, mainFrame, dispose } = setup();
    const res = await handlers.get(IPC_CALL_CHANNEL)?.({ senderFrame: mainFrame }, 'system.info', {});
    expect(res).toMatchObject({ ok: true, value: { name: 'Porchlight', host: 'server' } });
    dispose();
  });

  it('refuses a foreign frame: an iframe, or our frame after navigating elsewhere', async () => {
    const { handlers, mainFrame, dispose } = setup();
    const iframe = { url: `${APP_ORIGIN}/index.html` };
    expect(await handlers.get(IPC_CALL_CHANNEL)?.({ senderFrame: iframe }, 'system.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handlers.get(IPC_CALL_CHANNEL)?.({ senderFrame: null }, 'system.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    mainFrame.url = 'https://evil.example/';
    expect(await handlers.get(IPC_CALL_CHANNEL)?.({ senderFrame: mainFrame }, 'system.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(isTrustedSender(undefined, undefined)).toBe(false);
    dispose();
  });

  it('pushes only subscribed topics to the window, and stops on dispose', () => {
    const { listeners, mainFrame, pushed, dispose } = setup();
    listeners.get(IPC_SUBSCRIBE_CHANNEL)?.({ senderFrame: mainFrame }, 'camera.changed', true);
    listeners.get(IPC_SUBSCRIBE_CHANNEL)?.({ senderFrame: { url: 'x' } }, 'settings.changed', true);
    h.engine.bus.publish('camera.changed', { id: 'a', deleted: false });
    h.engine.bus.publish('settings.changed', { section: 'storage' });
    expect(pushed).toEqual([[IPC_EVENT_CHANNEL, 'camera.changed', { id: 'a', deleted: false }]]);
    dispose();
    h.engine.bus.publish('camera.changed', { id: 'b', deleted: false });
    expect(pushed).toHaveLength(1);
  });
});

describe('preload', () => {
  it('exposes only call and subscribe under the bridge key, on the bridge channels', async () => {
    const { exposed, sent } = loadPreload();
    expect(Object.keys(exposed)).toEqual([BRIDGE_KEY]);
    const api = exposed[BRIDGE_KEY] as { call: (m: string, i: unknown) => Promise<unknown>; subscribe: (t: string, l: () => void) => () => void };
    expect(Object.keys(api).sort()).toEqual(['call', 'subscribe']);
    expect(await api.call('system.info', {})).toEqual([IPC_CALL_CHANNEL, 'system.info', {}]);
    await expect(api.call('../../x', {})).rejects.toThrow(/invalid method/);
    const off = api.subscribe('camera.changed', () => {});
    off();
    expect(sent).toEqual([
      [IPC_SUBSCRIBE_CHANNEL, 'camera.changed', true],
      [IPC_SUBSCRIBE_CHANNEL, 'camera.changed', false],
    ]);
  });
});

describe('app:// protocol', () => {
  const tmp = makeTempDir();
  const ui = join(tmp.dir, 'ui');
  const recordings = join(tmp.dir, 'data', 'recordings');
  mkdirSync(join(ui, 'assets'), { recursive: true });
  mkdirSync(join(recordings, 'cam', '2026-11-29'), { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Porchlight</title>');
  writeFileSync(join(recordings, 'cam', '2026-11-29', '10-00-00.mp4'), Buffer.alloc(1000, 7));
  writeFileSync(join(tmp.dir, 'data', 'porchlight.db'), 'secret database');
  const handle = createAppProtocolHandler({ ui, media: { recordings } });
  afterAll(() => tmp.cleanup());

  it('serves the UI and media with Range support', async () => {
    const index = await handle(new Request(`${APP_ORIGIN}/index.html`));
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('Porchlight');
    const part = await handle(new Request(`${APP_ORIGIN}/media/recordings/cam/2026-11-29/10-00-00.mp4`, { headers: { range: 'bytes=100-199' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const bad = await handle(new Request(`${APP_ORIGIN}/media/recordings/cam/2026-11-29/10-00-00.mp4`, { headers: { range: 'bytes=5000-' } }));
    expect(bad.status).toBe(416);
  });

  it.each([
    '/media/recordings/../porchlight.db',
    '/media/recordings/%2e%2e/porchlight.db',
    '/media/recordings/..%2fporchlight.db',
    '/media/recordings/%2fetc%2fpasswd',
    '/media/other/x',
    '/media/recordings/cam/missing.mp4',
  ])('refuses %s', async (path) => {
    const res = await handle(new Request(`${APP_ORIGIN}${path}`));
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('secret');
  });

  it('answers only its own host and GET/HEAD', async () => {
    expect((await handle(new Request('app://elsewhere/index.html'))).status).toBe(404);
    expect((await handle(new Request(`${APP_ORIGIN}/index.html`, { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});

describe('app:// recorded media', () => {
  let h: Awaited<ReturnType<typeof withEngine>>;
  let handle: ReturnType<typeof createAppProtocolHandler>;
  const played: string[] = [];
  const T0 = Date.UTC(2026, 10, 29, 12);
  beforeAll(async () => {
    h = await withEngine();
    const files = await encodeSegments(locateFfmpeg().ffmpeg, join(h.dataDir, 'src'), { seconds: 6, width: 320, height: 240, fps: 10, segmentS: 2 });
    h.engine.cameras.upsert({ id: 'cam', name: 'Cam', enabled: false, streams: [{ name: 'main', url: 'rtsp://127.0.0.1:9/cam', roles: ['record'] }] });
    indexSegments(h.engine.media, h.engine.segments, 'cam', files, T0, 2000);
    handle = createAppProtocolHandler({
      ui: h.dataDir,
      media: {},
      recorded: { segments: h.engine.segments, media: h.engine.media, settings: h.engine.settings, onPlay: (id) => played.push(id) },
    });
  }, 60_000);
  afterAll(() => h?.close());

  it('plays a recording across segments and shows a frame, as the HTTP server does', async () => {
    const res = await handle(new Request(`${APP_ORIGIN}/media/play/cam?start=${T0 + 1000}`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    // the stream starts at the keyframe at or before the start (one a second here, so exactly there), and says so
    expect(Number(res.headers.get('x-playback-duration'))).toBeCloseTo(5, 0);
    expect(JSON.parse(res.headers.get('x-playback-map')!)[0]).toEqual([0, T0 + 1000, expect.closeTo(5, 0)]);
    const mp4 = Buffer.from(await res.arrayBuffer());
    expect(mp4.subarray(4, 8).toString()).toBe('ftyp');
    expect(mp4.length).toBeGreaterThan(10_000);
    expect(played).toEqual(['cam']);

    const frame = await handle(new Request(`${APP_ORIGIN}/media/frame/cam?t=${T0 + 3000}`));
    expect(frame.status).toBe(200);
    expect(Buffer.from(await frame.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('stops ffmpeg when the player cancels the stream', async () => {
    const res = await handle(new Request(`${APP_ORIGIN}/media/play/cam?start=${T0}`));
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    // the playback's temporary concat list is removed when its ffmpeg exits
    await expect.poll(() => readdirSync(tmpdir()).filter((d) => d.startsWith('porchlight-play-')).length, { timeout: 5000 }).toBe(0);
  });

  it.each([
    ['/media/play/..%2f..%2fetc?start=1', 400],
    ['/media/play/cam?start=abc', 400],
    ['/media/play/cam?start=1', 404],
    ['/media/frame/cam', 400],
    ['/media/frame/cam?t=5', 404],
    ['/media/play/cam/extra?start=1', 404],
    ['/media/play/%E0%A4%A?start=1', 400],
  ])('refuses %s with %i', async (path, status) => {
    const res = await handle(new Request(`${APP_ORIGIN}${path}`));
    expect(res.status).toBe(status);
  });
});

describe('tray', () => {
  const st = (cameraId: string, state: 'online' | 'offline' | 'error' | 'disabled' | 'connecting') => ({ cameraId, state, since: 0 });

  it('sums up the cameras in words', () => {
    expect(trayStatus([st('a', 'online'), st('b', 'online')], false)).toEqual({ level: 'ok', text: 'All 2 cameras recording' });
    expect(trayStatus([st('a', 'online'), st('b', 'offline'), st('c', 'disabled')], false)).toEqual({ level: 'warning', text: '1 of 2 cameras offline' });
    expect(trayStatus([st('a', 'error')], true)).toEqual({ level: 'paused', text: 'Recording paused' });
    expect(trayStatus([], false).text).toBe('No cameras yet');
  });

  it('offers what waits to be reviewed, open, pause or resume, and quit', () => {
    const calls: string[] = [];
    const menu = trayMenu(
      { level: 'ok', text: 'All 1 camera recording' },
      false,
      {
        open: (route) => calls.push(`open:${route ?? ''}`),
        setPaused: (p) => calls.push(`paused:${p}`),
        quit: () => calls.push('quit'),
      },
      3,
    );
    const labels = menu.map((m) => m.label).filter(Boolean);
    expect(labels).toEqual(['All 1 camera recording', '3 to review', 'Open Porchlight', 'Pause recording', 'Quit Porchlight']);
    for (const m of menu) (m.click as (() => void) | undefined)?.();
    expect(calls).toEqual(['open:/review', 'open:', 'paused:true', 'quit']);
    expect(trayMenu({ level: 'ok', text: 'x' }, false, { open() {}, setPaused() {}, quit() {} }).find((m) => m.label === 'Nothing to review')?.enabled).toBe(false);
    expect(trayTooltip({ level: 'ok', text: 'All 1 camera recording' }, 0)).toBe('Porchlight: All 1 camera recording');
    expect(trayTooltip({ level: 'warning', text: '1 of 2 cameras offline' }, 4)).toBe('Porchlight: 1 of 2 cameras offline · 4 to review');
    expect(trayMenu({ level: 'paused', text: 'x' }, true, { open() {}, setPaused() {}, quit() {} }).map((m) => m.label)).toContain('Resume recording');
    expect(TRAY_ICON_PNG).toMatch(/^data:image\/png;base64,/);
  });
});
