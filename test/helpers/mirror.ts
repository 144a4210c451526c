// A download mirror on loopback standing in for a public address: serves files by path, trickled so progress shows,
// and records every request (so a test can prove nothing was fetched before the user asked).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Mirror {
  /** Base URL, ending in '/'. */
  url: string;
  requests: string[];
  close: () => Promise<void>;
}

export async function startMirror(files: Record<string, Buffer>, opts: { chunkBytes?: number; everyMs?: number; contentType?: string } = {}): Promise<Mirror> {
  const requests: string[] = [];
  const chunkBytes = opts.chunkBytes ?? 256 * 1024;
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const bytes = files[req.url ?? ''];
    if (!bytes) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': bytes.length, 'content-type': opts.contentType ?? 'application/octet-stream' });
    let off = 0;
    const timer = setInterval(() => {
      const chunk = bytes.subarray(off, off + chunkBytes);
      off += chunk.length;
      res.write(chunk);
      if (off >= bytes.length) {
        clearInterval(timer);
        res.end();
      }
    }, opts.everyMs ?? 100);
    res.once('close', () => clearInterval(timer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
