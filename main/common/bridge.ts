// The only API the desktop preload exposes to the renderer, and the client both transports satisfy.
import type { MethodName, MethodInput, MethodOutput, Result, TopicName, TopicPayload } from './contract/index.js';

/** What `window.porchlight` holds in the desktop app (contextBridge). */
export interface PorchlightBridge {
  call(method: string, input: unknown): Promise<Result<unknown>>;
  subscribe(topic: string, listener: (payload: unknown) => void): () => void;
}

export const BRIDGE_KEY = 'porchlight';
export const IPC_CALL_CHANNEL = 'porchlight:call';
export const IPC_EVENT_CHANNEL = 'porchlight:event';
export const IPC_SUBSCRIBE_CHANNEL = 'porchlight:subscribe';

/** The typed client features use; it never knows which transport carries it. */
export interface ApiClient {
  readonly transport: 'ipc' | 'http';
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  subscribe<T extends TopicName>(topic: T, listener: (payload: TopicPayload<T>) => void): () => void;
}
