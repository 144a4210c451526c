// The engine in its own process, as an Electron utility process would hold it: chunks and events go to the host over IPC.
import { followLive, startLoad } from './engine.js';

const urls = JSON.parse(process.argv[2] ?? '[]') as string[];
const send = (kind: 'chunk' | 'event', data: Uint8Array | object): void => {
  process.send?.({ kind, data });
};
const load = await startLoad(urls, send);
const live = await followLive(load.engine, (d) => send('chunk', d));
process.send?.({ kind: 'ready', data: { live } });
process.on('message', (m: { kind?: string }) => {
  if (m.kind !== 'stop') return;
  void load.engine.stop().then(() => process.exit(0));
});
