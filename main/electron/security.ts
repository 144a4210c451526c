// Electron's security checklist in one place: window preferences, guards, permissions, IPC senders (the CSP comes with every app:// response).
import type { Session, WebContents, WebFrameMain, WebPreferences } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'porchlight';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}


export function isAppUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const u = new URL(url);
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
}

/** Permissions the app needs: notifications and fullscreen for the live view. Everything else is denied. */
const ALLOWED_PERMISSIONS = new Set(['notifications', 'fullscreen']);

export function permissionAllowed(permission: string, requestingUrl: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}

export function installPermissionHandlers(session: Session): void {
  session.setPermissionRequestHandler((contents, permission, callback) => callback(permissionAllowed(permission, contents.getURL())));
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
}

/**
 * Navigation stays inside the app; new windows are never opened. External http(s) links, if the
 * user clicks one, are handed to the system browser by `openExternal` (the caller decides).
 */
export function installNavigationGuards(contents: WebContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (URL.canParse(url) && ['https:', 'http:'].includes(new URL(url).protocol)) openExternal(url);
    return { action: 'deny' };
  });
}

/** IPC is accepted only from our main frame showing our origin (not an iframe, not a navigated-away page). */
export function isTrustedSender(frame: WebFrameMain | null | undefined, mainFrame: WebFrameMain | undefined): boolean {
  if (!frame || !mainFrame) return false;
  if (frame !== mainFrame) return false;
  return isAppUrl(frame.url);
}
