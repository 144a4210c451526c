// The store's tap for ffmpeg: encrypted files served decrypted on 127.0.0.1 with Range, each under a random handle.
// ffmpeg and ffprobe must seek (an MP4's moov is at its end), which a pipe cannot do; its http reader can.
//
// The capability is not in the URL: a command line is readable by every local user (/proc/<pid>/cmdline), a process's
// environment only by its owner. So the tap is an HTTP proxy that wants a secret (Proxy-Authorization, Basic), and the
// secret reaches ffmpeg as `http_proxy=http://tap:<secret>@127.0.0.1:<port>` in its environment (ffmpeg's http reader
// honours it, answers the 407 and sends the credential on every request after). The URL in argv names a handle on the
// made-up host `porchlight-tap`: without the environment it opens nothing. The secret is new at every listen.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { createLogger } from '../log/index.js';
import { DecryptedChunks } from './chunk-cache.js';
import { parseRange } from './safe-path.js';

const log = createLogger('media');

/** The host tap URLs name: never resolved, ffmpeg sends every request to the proxy (the tap). */
export const TAP_HOST = 'porchlight-tap';

/** A token unused this long is forgotten (a playback reads more often than this while it runs). */
const IDLE_MS = 120_000;

export interface TapSource {
  size(): number;
  open(range?: { start: number; end: number }): Readable;
}

/** Decrypted bytes kept for the next request of the same file: a few segments' worth. */
const CACHE_BYTES = 32 << 20;

export class MediaTap {
  /** Chunks decrypted for one request, there for the next (ffmpeg's jumps in an MP4, a probe then a playback). */
  readonly chunks = new DecryptedChunks(CACHE_BYTES);
  private server: Server | undefined;
  private port = 0;
  private readonly tokens = new Map<string, { source: TapSource; used: number }>();
  private sweeper: NodeJS.Timeout | undefined;
  private secret = '';
  private expected: Buffer = Buffer.alloc(0);

  /** Listens on 127.0.0.1 (a free port); the store starts it with the engine. */
  async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    server.unref();
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.secret = randomBytes(24).toString('base64url');
    this.expected = Buffer.from(`Basic ${Buffer.from(`tap:${this.secret}`).toString('base64')}`);
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [t, e] of this.tokens) if (now - e.used > IDLE_MS) this.tokens.delete(t);
    }, 30_000);
    this.sweeper.unref();
  }

  /**
   * A URL ffmpeg can open (with `http,tcp` in its protocol whitelist) that reads `source` decrypted, once the process
   * carries `env()` in its environment.
   */
  url(source: TapSource, name: string): string {
    if (!this.server) throw new Error('the media tap is not listening');
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { source, used: Date.now() });
    return `http://${TAP_HOST}/${token}/${encodeURIComponent(name)}`;
  }

  /** What a process that opens tap URLs needs in its environment (the proxy and its credential); never put in argv or logs. */
  env(): Record<string, string> {
    if (!this.server) return {};
    // no_proxy emptied: an inherited `no_proxy=*` would send ffmpeg to a host that does not exist
    return { http_proxy: `http://tap:${this.secret}@127.0.0.1:${this.port}`, no_proxy: '' };
  }

  private authorised(req: IncomingMessage): boolean {
    const got = Buffer.from(req.headers['proxy-authorization'] ?? '');
    return this.expected.length > 0 && got.length === this.expected.length && timingSafeEqual(got, this.expected);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.socket.remoteAddress?.replace('::ffff:', '') !== '127.0.0.1') {
      res.writeHead(404).end();
      return;
    }
    if (!this.authorised(req)) {
      // ffmpeg asks without the credential first and sends it once challenged; anyone else stops here
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="porchlight-tap"', 'content-length': 0 }).end();
      return;
    }
    // a proxy request names the whole URL: http://porchlight-tap[:80]/<token>/<name>
    const path = (req.url ?? '').replace(/^http:\/\/[^/]*/i, '');
    const token = /^\/([A-Za-z0-9_-]{32})\//.exec(path)?.[1];
    const entry = token ? this.tokens.get(token) : undefined;
    if (!entry) {
      res.writeHead(404).end();
      return;
    }
    entry.used = Date.now();
    let size: number;
    try {
      size = entry.source.size();
    } catch {
      res.writeHead(404).end();
      return;
    }
    const range = parseRange(req.headers.range, size);
    if (range === 'invalid') {
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const headers: Record<string, string | number> = { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'content-length': size === 0 ? 0 : end - start + 1 };
    if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    try {
      await pipeline(entry.source.open({ start, end }), res);
    } catch (err) {
      // ffmpeg closes the connection when it seeks: only a failure to decrypt is worth a line
      if ((err as Error).name === 'VaultFormatError') log.error({ err }, 'a stored file could not be decrypted for ffmpeg');
      res.destroy();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.tokens.clear();
    this.chunks.clear();
    this.secret = '';
    this.expected = Buffer.alloc(0);
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
