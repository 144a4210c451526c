// Carries the contract over IPC: ipcMain.handle to the router, topics pushed to the window, senders checked.
import type { BrowserWindow, IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, IPC_SUBSCRIBE_CHANNEL } from '../common/bridge.js';
import { isTopicName, type Result, type TopicName } from '../common/contract/index.js';
import type { Engine } from '../core/app.js';
import { createLogger } from '../core/log/index.js';
import { isTrustedSender } from './security.js';

const log = createLogger('ipc');

/** The desktop user owns the machine: every call is the local admin. */
export const DESKTOP_CONTEXT = { user: { name: 'desktop', role: 'admin' as const }, origin: 'desktop' };

export function bridgeIpc(ipcMain: IpcMain, engine: Engine, getWindow: () => BrowserWindow | undefined): () => void {
  const wanted = new Set<TopicName>();
  const trusted = (event: IpcMainInvokeEvent | IpcMainEvent): boolean => {
    const ok = isTrustedSender(event.senderFrame, getWindow()?.webContents.mainFrame);
    if (!ok) log.warn({ url: event.senderFrame?.url ?? 'unknown' }, 'IPC from an untrusted frame refused');
    return ok;
  };

  ipcMain.handle(IPC_CALL_CHANNEL, async (event, method: unknown, input: unknown): Promise<Result<unknown>> => {
    if (!trusted(event)) return { ok: false, error: { code: 'forbidden', message: 'This frame may not call Porchlight' } };
    if (typeof method !== 'string') return { ok: false, error: { code: 'invalid_input', message: 'method must be a string' } };
    return engine.router.dispatch(DESKTOP_CONTEXT, method, input);
  });

  const onSubscribe = (event: IpcMainEvent, topic: unknown, on: unknown): void => {
    if (!trusted(event) || typeof topic !== 'string' || !isTopicName(topic)) return;
    if (on === true) wanted.add(topic);
    else wanted.delete(topic);
  };
  ipcMain.on(IPC_SUBSCRIBE_CHANNEL, onSubscribe);

  const unsubscribe = engine.bus.subscribeAll((topic, payload) => {
    const win = getWindow();
    if (wanted.has(topic) && win && !win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, topic, payload);
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
    ipcMain.removeListener(IPC_SUBSCRIBE_CHANNEL, onSubscribe);
  };
}
