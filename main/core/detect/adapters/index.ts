// Model family adapters registered by key: adding a family is adding a file and one line here.
import { deimAdapter } from './deim.js';
import { nanodetAdapter } from './nanodet.js';
import { picodetAdapter } from './picodet.js';
import type { ModelAdapter } from './types.js';
import { yoloxAdapter } from './yolox.js';

export type { DecodeContext, ExtraInput, ModelAdapter, RawOutput } from './types.js';

const adapters = new Map<string, ModelAdapter>();

export function registerAdapter(adapter: ModelAdapter): void {
  adapters.set(adapter.key, adapter);
}

export function getAdapter(family: string): ModelAdapter | undefined {
  return adapters.get(family);
}

export function adapterKeys(): string[] {
  return [...adapters.keys()];
}

registerAdapter(yoloxAdapter);
registerAdapter(picodetAdapter);
registerAdapter(nanodetAdapter);
registerAdapter(deimAdapter);
