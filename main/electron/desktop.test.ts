// The desktop shell's life cycle with the electron module faked (no Electron binary here): the real startDesktop, a real
// engine on a temporary data directory, and the app events a user causes (launch again, dock click, close, quit).
import type * as Electron from 'electron';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/tmp.js';
import { waitUntil } from '../../test/helpers/wait.js';
import { APP_USER_MODEL_ID, startDesktop } from './desktop.js';
import { DESKTOP_CONTEXT } from './ipc.js';
import { APP_ORIGIN } from './security.js';

class FakeWindow extends EventEmitter {
  static made: FakeWindow[] = [];
  loaded: string[] = [];
  visible = false;
  minimised = false;
  destroyed = false;
  focused = 0;
  webContents = { mainFrame: {}, send: () => undefined };
  constructor(public options: Record<string, unknown>) {
    super();
    FakeWindow.made.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    queueMicrotask(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  maximize(): void {}
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focused++;
  }
  minimize(): void {
    this.minimised = true;
  }
  isMinimized(): boolean {
    return this.minimised;
  }
  restore(): void {
    this.minimised = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMaximized(): boolean {
    return false;
  }
  getNormalBounds() {
    return { x: 0, y: 0, width: 1280, height: 800 };
  }
  /** What the user closing the window does: close, then closed; the object is gone. */
  userCloses(): void {
    this.emit('close');
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
}

class FakeTray {
  static made: FakeTray[] = [];
  tooltip = '';
  title = '';
  menu: Electron.MenuItemConstructorOptions[] = [];
  constructor() {
    FakeTray.made.push(this);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(text: string): void {
    this.title = text;
  }
  setContextMenu(menu: { template: Electron.MenuItemConstructorOptions[] }): void {
    this.menu = menu.template;
  }
  on(): void {}
  destroy(): void {}
}

class FakeApp extends EventEmitter {
  calls: string[] = [];
  badge = 0;
  userModelId: string | undefined;
  exitCode: number | undefined;
  constructor(
    private dataDir: string,
    private lock = true,
  ) {
    super();
  }
  requestSingleInstanceLock(): boolean {
    return this.lock;
  }
  quit(): void {
    this.calls.push('quit');
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    this.emit('before-quit', event);
  }
  exit(code: number): void {
    this.exitCode = code;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  getPath(): string {
    return this.dataDir;
  }
  setAppUserModelId(id: string): void {
    this.userModelId = id;
  }
  setLoginItemSettings(): void {}
  setBadgeCount(n: number): boolean {
    this.badge = n;
    return true;
  }
  get isPackaged(): boolean {
    return false;
  }
}

function fakeElectron(app: FakeApp) {
  const handlers = new Map<string, (r: Request) => Promise<Response>>();
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: { handle: () => undefined, on: () => undefined, removeHandler: () => undefined, removeListener: () => undefined },
    protocol: { registerSchemesAsPrivileged: () => undefined, handle: (scheme: string, h: (r: Request) => Promise<Response>) => handlers.set(scheme, h) },
    session: { defaultSession: { setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined } },
    shell: { openExternal: () => Promise.resolve() },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    Tray: FakeTray,
    Menu: { buildFromTemplate: (template: Electron.MenuItemConstructorOptions[]) => ({ template }) },
    nativeImage: { createFromDataURL: () => ({}), createFromPath: () => ({}) },
    Notification: Object.assign(class {}, { isSupported: () => false }),
    safeStorage: { isEncryptionAvailable: () => false },
  };
  return { electron, handlers };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  FakeWindow.made = [];
  FakeTray.made = [];
});

async function launch(platform: NodeJS.Platform = 'linux') {
  const tmp = makeTempDir();
  const app = new FakeApp(tmp.dir);
  const { electron, handlers } = fakeElectron(app);
  const uiDir = makeTempDir();
  const engine = await startDesktop(electron as never, { uiDir: uiDir.dir, preload: '/app/preload.cjs', platform });
  cleanups.push(async () => {
    if (app.exitCode === undefined) {
      app.quit();
      await waitUntil(() => app.exitCode !== undefined, 30_000, 'the engine to stop');
    }
    uiDir.cleanup();
    tmp.cleanup();
  });
  return { app, handlers, engine: engine! };
}

describe('desktop life cycle', () => {
  it('a second launch while another runs quits at once and starts nothing', async () => {
    const tmp = makeTempDir();
    const app = new FakeApp(tmp.dir, false);
    const { electron, handlers } = fakeElectron(app);
    await startDesktop(electron as never, {});
    expect(app.calls).toEqual(['quit']);
    expect(handlers.size).toBe(0);
    expect(FakeWindow.made).toHaveLength(0);
    tmp.cleanup();
  });

  it('launching again after the window was closed to the tray opens a new window', async () => {
    const { app } = await launch();
    expect(FakeWindow.made).toHaveLength(1);
    const first = FakeWindow.made[0]!;
    expect(first.loaded).toEqual([`${APP_ORIGIN}/index.html`]);
    first.userCloses();
    // recording goes on in the tray: closing every window does not quit
    app.emit('window-all-closed');
    expect(app.exitCode).toBeUndefined();

    app.emit('second-instance', {}, ['porchlight'], '/');
    expect(FakeWindow.made).toHaveLength(2);
    const second = FakeWindow.made[1]!;
    expect(second.visible).toBe(true);
    expect(second.focused).toBeGreaterThan(0);
    expect(second.loaded).toEqual([`${APP_ORIGIN}/index.html`]);
  });

  it('launching again while minimised restores and focuses the same window', async () => {
    const { app } = await launch();
    const win = FakeWindow.made[0]!;
    win.minimize();
    const focused = win.focused;
    app.emit('second-instance', {}, ['porchlight'], '/');
    expect(FakeWindow.made).toHaveLength(1);
    expect(win.isMinimized()).toBe(false);
    expect(win.visible).toBe(true);
    expect(win.focused).toBe(focused + 1);
  });

  it("macOS: a dock click ('activate') with no window open makes one; with one open, focuses it", async () => {
    const { app } = await launch('darwin');
    FakeWindow.made[0]!.userCloses();
    app.emit('activate', {}, false);
    expect(FakeWindow.made).toHaveLength(2);
    const win = FakeWindow.made[1]!;
    const focused = win.focused;
    app.emit('activate', {}, true);
    expect(FakeWindow.made).toHaveLength(2);
    expect(win.focused).toBe(focused + 1);
  });

  it('Windows: the AppUserModelID is set, and it is the installer appId (notifications need the two to match)', async () => {
    const builder = YAML.parse(readFileSync(new URL('../../build/electron-builder.yml', import.meta.url), 'utf8')) as { appId: string };
    const win = await launch('win32');
    expect(win.app.userModelId).toBe(APP_USER_MODEL_ID);
    expect(APP_USER_MODEL_ID).toBe(builder.appId);
    const linux = await launch('linux');
    expect(linux.app.userModelId).toBeUndefined();
  });

  it('serves the UI over app:// with the CSP, and quitting stops the engine before exiting', async () => {
    const { app, handlers } = await launch();
    const handler = handlers.get('app');
    expect(handler).toBeDefined();
    const res = await handler!(new Request(`${APP_ORIGIN}/index.html`));
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    app.quit();
    await waitUntil(() => app.exitCode !== undefined, 30_000, 'the engine to stop');
    expect(app.exitCode).toBe(0);
  });

  it('the tray counts what waits to be reviewed, as events arrive and as they are reviewed, and opens the Review page', async () => {
    const { app, engine } = await launch('darwin');
    const tray = FakeTray.made[0]!;
    await waitUntil(() => tray.tooltip !== '', 10_000, 'the tray to show its state');
    expect(tray.tooltip).toBe('Porchlight: No cameras yet');
    expect(tray.menu.find((m) => m.label === 'Nothing to review')?.enabled).toBe(false);
    expect(app.badge).toBe(0);

    engine.cameras.upsert({ id: 'porch', name: 'Porch', streams: [{ name: 'main', url: 'rtsp://127.0.0.1:1/porch', roles: ['record', 'detect', 'live'] }] });
    const now = Date.now();
    for (const [id, label, ago] of [['e1', 'person', 600_000], ['e2', 'car', 60_000]] as const) {
      engine.events.upsert({ id, cameraId: 'porch', label, start: now - ago, end: now - ago + 5000, topScore: 0.8, box: [0.1, 0.1, 0.2, 0.4], zones: [], snapshot: null });
      // what the event maintainer announces for each event it stores
      engine.bus.publish('event.changed', engine.events.get(id)!);
    }
    await waitUntil(() => tray.title === '2', 10_000, 'the tray to count two events');
    expect(tray.tooltip).toMatch(/^Porchlight: .+ · 2 to review$/);
    expect(app.badge).toBe(2);
    const item = tray.menu.find((m) => m.label === '2 to review')!;
    expect(item.enabled).toBe(true);

    // the count's menu item opens the window on the Review page
    FakeWindow.made[0]!.userCloses();
    item.click!({} as never, undefined, {} as never);
    expect(FakeWindow.made.at(-1)!.loaded.at(-1)).toBe(`${APP_ORIGIN}/index.html#/review`);

    // reviewing everything (here, mark all) clears it
    const res = await engine.router.dispatch(DESKTOP_CONTEXT, 'review.markAll', {});
    expect(res.ok).toBe(true);
    await waitUntil(() => tray.title === '', 10_000, 'the tray count to clear once everything is reviewed');
    expect(tray.tooltip).not.toContain('to review');
    expect(app.badge).toBe(0);
  });
});
