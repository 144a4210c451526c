// Picks the transport at start: IPC through the desktop preload, else HTTP + WebSocket to the server.
import { BRIDGE_KEY, type ApiClient, type PorchlightBridge } from '@common/bridge.js';
import type { MethodName, Result, TopicName } from '@common/contract/index.js';

declare global {
  interface Window {
    [BRIDGE_KEY]?: PorchlightBridge;
  }
}

function ipcClient(bridge: PorchlightBridge): ApiClient {
  return {
    transport: 'ipc',
    call: (method, input) => bridge.call(method, input) as never,
    subscribe: (topic, listener) => bridge.subscribe(topic, listener as (p: unknown) => void),
  };
}

/** One WebSocket for all topics; reconnects with backoff and re-subscribes. */
class TopicSocket {
  private ws: WebSocket | undefined;
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  subscribe(topic: string, listener: (p: unknown) => void): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
      this.send({ type: 'subscribe', topics: [topic] });
    }
    set.add(listener);
    this.ensureOpen();
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.listeners.delete(topic);
        this.send({ type: 'unsubscribe', topics: [topic] });
      }
    };
  }

  private send(msg: unknown): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private ensureOpen(): void {
    if (this.ws || this.timer) return;
    const url = new URL('api/ws', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      ws.send(JSON.stringify({ type: 'subscribe', topics: [...this.listeners.keys()] }));
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as { topic?: string; payload?: unknown };
      if (!msg.topic) return;
      for (const l of this.listeners.get(msg.topic) ?? []) l(msg.payload);
    };
    ws.onclose = () => {
      this.ws = undefined;
      if (this.listeners.size === 0) return;
      const delay = [500, 1000, 5000, 10000][Math.min(this.retry++, 3)];
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.ensureOpen();
      }, delay);
    };
  }
}

function httpClient(): ApiClient {
  const socket = new TopicSocket();
  return {
    transport: 'http',
    async call(method: MethodName, input: unknown) {
      try {
        const res = await fetch(new URL(`api/rpc/${method}`, window.location.href), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
        });
        return (await res.json()) as Result<never>;
      } catch {
        // details.ui: the renderer's own error, which ErrorText words in the viewer's language (i18n errors.unreachable)
        return { ok: false, error: { code: 'unavailable', message: 'Porchlight is not reachable. Is the server running?', details: { ui: 'unreachable' } } };
      }
    },
    subscribe: (topic: TopicName, listener) => socket.subscribe(topic, listener as (p: unknown) => void),
  };
}

export function createClient(): ApiClient {
  const bridge = window[BRIDGE_KEY];
  return bridge ? ipcClient(bridge) : httpClient();
}
