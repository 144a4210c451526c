// The built renderer's files for app:// (never media: recordings, snapshots and exports come from the media store).
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { contentType, parseRange } from '../core/media/index.js';
import { resolveInside } from '../core/media/safe-path.js';

/** A file of the built UI, or null when the path leaves its folder or names nothing. */
export function uiFile(root: string, path: string): string | null {
  return resolveInside(root, path);
}

export function uiFileResponse(path: string, rangeHeader: string | null, cache: string): Response {
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
