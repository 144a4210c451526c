// The app:// protocol: serves the UI and media from fixed roots with Range support; never file://.
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { contentType, parseRange, resolveInside } from '../core/media/safe-path.js';
import { APP_HOST } from './security.js';

export interface ProtocolRoots {
  /** The built renderer. */
  ui: string;
  /** Media folders by URL prefix, e.g. { recordings: '<data>/recordings', snapshots: ..., exports: ... }. */
  media: Record<string, string>;
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

function fileResponse(path: string, rangeHeader: string | null, cache: string): Response {
  const size = statSync(path).size;
  const range = parseRange(rangeHeader ?? undefined, size);
  const headers: Record<string, string> = { 'content-type': contentType(path), 'accept-ranges': 'bytes', 'cache-control': cache };
  if (range === 'invalid') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
  const { start, end } = range ?? { start: 0, end: size - 1 };
  if (size === 0) return new Response(new Uint8Array(), { status: 200, headers: { ...headers, 'content-length': '0' } });
  const body = Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>;
  headers['content-length'] = String(end - start + 1);
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  return new Response(body, { status: range ? 206 : 200, headers });
}

/** Builds the handler given to protocol.handle('app', ...). Pure: it needs no Electron to test. */
export function createAppProtocolHandler(roots: ProtocolRoots): (request: Request) => Response {
  return (request: Request): Response => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed');
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return textResponse(404, 'not found');
    const path = url.pathname;
    const rangeHeader = request.headers.get('range');
    const media = /^\/media\/([a-z]+)\/(.+)$/.exec(path);
    if (media) {
      const root = roots.media[media[1] ?? ''];
      const file = root ? resolveInside(root, media[2] ?? '') : null;
      if (!file) return textResponse(404, 'not found');
      return fileResponse(file, rangeHeader, 'private, max-age=3600');
    }
    if (path.startsWith('/media/')) return textResponse(404, 'not found');
    const file = resolveInside(roots.ui, path === '/' ? 'index.html' : path) ?? resolveInside(roots.ui, 'index.html');
    if (!file) return textResponse(404, 'not found');
    return fileResponse(file, rangeHeader, file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
  };
}
