// The preload: exposes only call(method, input) and subscribe(topic, cb) → unsubscribe. Sandboxed, so self-contained.
import type * as Electron from 'electron';
import type { IpcRendererEvent } from 'electron';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload is CommonJS
const { contextBridge, ipcRenderer } = require('electron') as typeof Electron;

// Keep in step with main/common/bridge.ts (a test checks they match); a sandboxed preload cannot import it.
const BRIDGE_KEY = 'porchlight';
const IPC_CALL_CHANNEL = 'porchlight:call';
const IPC_EVENT_CHANNEL = 'porchlight:event';
const IPC_SUBSCRIBE_CHANNEL = 'porchlight:subscribe';
const NAME = /^[a-z]+(\.[a-zA-Z]+)+$/;

const listeners = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, topic: unknown, payload: unknown) => {
  if (typeof topic !== 'string') return;
  for (const l of listeners.get(topic) ?? []) l(payload);
});

contextBridge.exposeInMainWorld(BRIDGE_KEY, {
  call(method: string, input: unknown): Promise<unknown> {
    if (typeof method !== 'string' || !NAME.test(method)) return Promise.reject(new Error('invalid method name'));
    return ipcRenderer.invoke(IPC_CALL_CHANNEL, method, input);
  },
  subscribe(topic: string, listener: (payload: unknown) => void): () => void {
    if (typeof topic !== 'string' || !NAME.test(topic) || typeof listener !== 'function') throw new Error('invalid subscription');
    let set = listeners.get(topic);
    if (!set) {
      set = new Set();
      listeners.set(topic, set);
      ipcRenderer.send(IPC_SUBSCRIBE_CHANNEL, topic, true);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        listeners.delete(topic);
        ipcRenderer.send(IPC_SUBSCRIBE_CHANNEL, topic, false);
      }
    };
  },
});
