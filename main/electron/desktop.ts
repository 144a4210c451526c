// The desktop shell: single instance, the engine in-process, one secure window, graceful quit.
import type * as Electron from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngine, type Engine } from '../core/app.js';
import { createLogger } from '../core/log/index.js';
import { wrappedKeyBox } from '../core/secrets/index.js';
import { keychainSource } from '../core/vault/index.js';
import { APP_ROOT } from '../core/version.js';
import { bridgeIpc, DESKTOP_CONTEXT } from './ipc.js';
import { createAppProtocolHandler } from './protocol.js';
import {
  APP_ORIGIN,
  APP_SCHEME,
  installNavigationGuards,
  installPermissionHandlers,
  webPreferences,
} from './security.js';
import { TRAY_ICON_PNG, trayMenu, trayStatus, trayTooltip } from './tray.js';
import { loadWindowState, saveWindowState } from './window-state.js';

const log = createLogger('desktop');

type ElectronModule = Pick<
  typeof Electron,
  'app' | 'BrowserWindow' | 'ipcMain' | 'protocol' | 'session' | 'shell' | 'screen' | 'Tray' | 'Menu' | 'nativeImage' | 'Notification' | 'safeStorage'
>;

/** Windows groups the taskbar and shows notifications under this id: it must be the installer's (electron-builder's appId). */
export const APP_USER_MODEL_ID = 'app.porchlight.desktop';

export interface DesktopOptions {
  /** Where the built renderer is (dist/renderer). */
  uiDir?: string;
  /** Where the compiled preload is. */
  preload?: string;
  /** The OS the shell behaves for (tests); process.platform by default. */
  platform?: NodeJS.Platform;
}

/** Must run before the app is ready: app:// behaves like https (secure, fetch, streaming media). */
export function registerAppScheme(electron: ElectronModule): void {
  electron.protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false } },
  ]);
}

export function createMainWindow(electron: ElectronModule, preload: string, stateFile: string): Electron.BrowserWindow {
  const displays = electron.screen.getAllDisplays().map((d) => d.workArea);
  const state = loadWindowState(stateFile, displays);
  const win = new electron.BrowserWindow({
    ...state,
    minWidth: 800,
    minHeight: 560,
    show: false,
    backgroundColor: '#0f1216',
    title: 'Porchlight',
    webPreferences: webPreferences(preload),
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => saveWindowState(stateFile, win.getNormalBounds(), win.isMaximized()));
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

/** Starts the shell; resolves to its engine, or undefined when another instance already runs. */
export async function startDesktop(electron: ElectronModule, opts: DesktopOptions = {}): Promise<Engine | undefined> {
  const { app } = electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  registerAppScheme(electron);
  const platform = opts.platform ?? process.platform;
  if (platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  let win: Electron.BrowserWindow | undefined;
  // a relaunch or a dock click before the window can exist is remembered and honoured once it can
  let showWanted = false;
  let showWindow: (hash?: string) => void = () => {
    showWanted = true;
  };
  // launching again (the window closed to the tray, or minimised) and macOS's dock click both bring the window back
  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  app.on('web-contents-created', (_event, contents) => installNavigationGuards(contents, (url) => void electron.shell.openExternal(url)));

  await app.whenReady();
  const dataDir = app.getPath('userData');
  // credentials at rest are sealed with a key that only the OS keychain can unwrap
  const keychain = electron.safeStorage.isEncryptionAvailable()
    ? { encrypt: (plain: string) => electron.safeStorage.encryptString(plain), decrypt: (sealed: Buffer) => electron.safeStorage.decryptString(sealed) }
    : null;
  const secrets = keychain ? wrappedKeyBox(join(dataDir, 'secret.key.enc'), keychain) : undefined;
  // the vault's master key is kept the same way (on for a new install; without a keychain it stays locked and says so)
  const vault = { encryption: keychain ? ('auto' as const) : ('off' as const), source: keychainSource(join(dataDir, 'vault.key.enc'), keychain) };
  // a build made with --bundle-model carries the model in resources/models; otherwise the first run offers the download
  const bundled = app.isPackaged ? join(process.resourcesPath, 'models') : undefined;
  const modelsDir = bundled && existsSync(bundled) ? bundled : undefined;
  const engine: Engine = await startEngine({ dataDir, host: 'desktop', startCameras: true, vault, ...(modelsDir ? { modelsDir } : {}), ...(secrets ? { secrets } : {}) });
  const here = fileURLToPath(new URL('.', import.meta.url));
  const handler = createAppProtocolHandler({
    ui: opts.uiDir ?? join(APP_ROOT, 'dist', 'renderer'),
    media: engine.media,
    onRead: (kind, path) => engine.audit.recordRead({ actor: 'desktop', action: kind === 'exports' ? 'exports.download' : `${kind}.read`, target: path, origin: 'desktop' }),
    recorded: {
      segments: engine.segments,
      media: engine.media,
      settings: engine.settings,
      onPlay: (cameraId, start, end) => engine.views.view({ actor: 'desktop', origin: 'desktop', kind: 'recording', cameraId, start, end }),
    },
  });
  electron.protocol.handle(APP_SCHEME, (request) => handler(request));
  installPermissionHandlers(electron.session.defaultSession);
  const disposeIpc = bridgeIpc(electron.ipcMain, engine, () => win);
  const preload = opts.preload ?? join(here, 'preload.cjs');
  const stateFile = join(dataDir, 'window-state.json');
  showWindow = (hash?: string): void => {
    if (!win || win.isDestroyed()) {
      win = createMainWindow(electron, preload, stateFile);
      win.on('closed', () => {
        win = undefined;
      });
    }
    if (hash) void win.loadURL(`${APP_ORIGIN}/index.html#${hash}`);
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  const desktopCfg = engine.settings.get('desktop');
  app.setLoginItemSettings({ openAtLogin: desktopCfg.startAtLogin });
  if (!desktopCfg.startMinimised || showWanted) showWindow();

  // The tray keeps recording visible while the window is closed: Porchlight runs until Quit.
  const tray = new electron.Tray(electron.nativeImage.createFromDataURL(TRAY_ICON_PNG));
  // what waits to be reviewed: the same count, through the same method, as the window's badge and title
  let unreviewed = 0;
  const refreshTray = (): void => {
    const paused = engine.settings.get('general').recordingPaused;
    const status = trayStatus([...engine.states.values()], paused);
    tray.setToolTip(trayTooltip(status, unreviewed));
    if (platform === 'darwin') tray.setTitle(unreviewed > 0 ? String(unreviewed) : '');
    app.setBadgeCount(unreviewed);
    tray.setContextMenu(
      electron.Menu.buildFromTemplate(
        trayMenu(
          status,
          paused,
          {
            open: (route) => showWindow(route),
            setPaused: (p) => engine.settings.set('general', { recordingPaused: p }),
            quit: () => app.quit(),
          },
          unreviewed,
        ),
      ),
    );
  };
  const countUnreviewed = async (): Promise<void> => {
    const res = await engine.router.dispatch(DESKTOP_CONTEXT, 'review.counts', {});
    if (res.ok) unreviewed = (res.value as { total: number }).total;
    refreshTray();
  };
  // events come in bursts: count at most once a second, and once more after the last of a burst
  let countTimer: NodeJS.Timeout | undefined;
  let countAgain = false;
  const scheduleCount = (): void => {
    if (countTimer) {
      countAgain = true;
      return;
    }
    countTimer = setTimeout(() => {
      countTimer = undefined;
      void countUnreviewed().finally(() => {
        if (countAgain) {
          countAgain = false;
          scheduleCount();
        }
      });
    }, 1000);
  };
  refreshTray();
  void countUnreviewed();
  const offState = engine.bus.subscribe('camera.state', refreshTray);
  const offSettings = engine.bus.subscribe('settings.changed', refreshTray);
  const offReview = engine.bus.subscribe('review.changed', scheduleCount);
  const offEvents = engine.bus.subscribe('event.changed', scheduleCount);
  // the count covers the last 24 hours: items age out of it without any event
  const recount = setInterval(scheduleCount, 60_000);
  tray.on('click', () => showWindow());
  app.on('window-all-closed', () => {
    // stay in the tray; recording goes on
  });

  // Alerts become system notifications with the snapshot; a click opens the event.
  engine.notifier.setDesktopNotifier((n) => {
    if (!electron.Notification.isSupported()) return;
    const note = new electron.Notification({
      title: n.title,
      body: n.body,
      ...(n.snapshotJpeg ? { icon: electron.nativeImage.createFromBuffer(n.snapshotJpeg) } : {}),
    });
    note.on('click', () => showWindow(n.eventId ? `/events/${n.eventId}` : '/events'));
    note.show();
  });

  // Quit waits for the engine to finalise the segment being written.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    void (async () => {
      offState();
      offSettings();
      offReview();
      offEvents();
      clearInterval(recount);
      clearTimeout(countTimer);
      tray.destroy();
      disposeIpc();
      await engine.stop().catch((err: unknown) => log.error({ err }, 'engine stop failed'));
      app.exit(0);
    })();
  });
  log.info({ dataDir }, 'desktop started');
  return engine;
}
