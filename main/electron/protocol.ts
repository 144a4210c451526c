// The app:// protocol: serves the UI and media from fixed roots with Range support; never file://.
import { Readable } from 'node:stream';
import { CONTENT_SECURITY_POLICY } from '../common/csp.js';
import { contentType, parseRange, type MediaKind, type MediaStore } from '../core/media/index.js';
import { FRAME_CACHE, openPlayback, playbackHeaders, recordedFrame, type RecordedMediaDeps, type Refusal } from '../core/recordings/recorded-media.js';
import { APP_HOST } from './security.js';
import { uiFile, uiFileResponse } from './ui-files.js';

export interface ProtocolRoots {
  /** The built renderer. */
  ui: string;
  /** The media store: `/media/<kind>/<path>` is read through it, never from a folder by path. */
  media?: Pick<MediaStore, 'has' | 'size' | 'openRead'>;
  /** Every read of a media file (the audit log records who watched what). */
  onRead?: (kind: string, path: string) => void;
  /** Media made on request (`/media/play/...`, `/media/frame/...`), the same code the HTTP server runs. */
  recorded?: RecordedMediaDeps & { onPlay?: (cameraId: string, start: number, end: number) => void };
}

function refusal(r: Refusal): Response {
  return new Response(JSON.stringify({ ok: false, error: { code: r.code, message: r.message } }), { status: r.status, headers: { 'content-type': 'application/json' } });
}

/** `/media/play/<camera>` and `/media/frame/<camera>`. */
const RECORDED_PATH = /^\/media\/(play|frame)\/([^/]+)$/;

/** Recorded playback or one recorded frame. */
async function recordedResponse(deps: NonNullable<ProtocolRoots['recorded']>, kind: string, rawCamera: string, url: URL, request: Request): Promise<Response> {
  let camera: string;
  try {
    camera = decodeURIComponent(rawCamera);
  } catch {
    return refusal({ ok: false, status: 400, code: 'invalid_input', message: 'the camera id in the address is not valid' });
  }
  const query = Object.fromEntries(url.searchParams);
  if (kind === 'frame') {
    const r = await recordedFrame(deps, camera, query, request.signal);
    return r.ok ? new Response(new Uint8Array(r.jpeg), { status: 200, headers: { 'content-type': 'image/jpeg', 'cache-control': FRAME_CACHE } }) : refusal(r);
  }
  const r = await openPlayback(deps, camera, query, request.signal);
  if (!r.ok) return refusal(r);
  deps.onPlay?.(r.cameraId, r.start, r.end);
  // the player going away (seek, close) cancels the body or aborts the request (the signal openPlayback took): ffmpeg stops either way
  const reader = (Readable.toWeb(r.play.stream) as ReadableStream<Uint8Array>).getReader();
  const body = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: async () => {
      r.play.stop();
      await reader.cancel();
    },
  });
  return new Response(body, { status: 200, headers: playbackHeaders(r.play) });
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

const MEDIA_KINDS: ReadonlySet<string> = new Set<MediaKind>(['recordings', 'snapshots', 'exports']);

/** One stored media file with Range support, its bytes from the media store. */
function mediaResponse(store: NonNullable<ProtocolRoots['media']>, kind: MediaKind, rel: string, rangeHeader: string | null): Response {
  const size = store.size(kind, rel);
  const range = parseRange(rangeHeader ?? undefined, size);
  const headers: Record<string, string> = { 'content-type': contentType(rel), 'accept-ranges': 'bytes', 'cache-control': 'private, max-age=3600' };
  if (range === 'invalid') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
  const { start, end } = range ?? { start: 0, end: size - 1 };
  if (size === 0) return new Response(new Uint8Array(), { status: 200, headers: { ...headers, 'content-length': '0' } });
  const stream = store.openRead(kind, rel, { start, end });
  if (!stream) return textResponse(404, 'not found');
  headers['content-length'] = String(end - start + 1);
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status: range ? 206 : 200, headers });
}

/**
 * Every app:// response carries the policy: Electron's webRequest hooks never see custom protocols, so the handler is
 * the only place a header can come from (the page's <meta> is the fallback).
 */
function withPolicy(response: Response): Response {
  response.headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
  response.headers.set('x-content-type-options', 'nosniff');
  return response;
}

/** Builds the handler given to protocol.handle('app', ...). Pure: it needs no Electron to test. */
export function createAppProtocolHandler(roots: ProtocolRoots): (request: Request) => Promise<Response> {
  const serve = routeAppRequest(roots);
  return async (request: Request): Promise<Response> => withPolicy(await serve(request));
}

function routeAppRequest(roots: ProtocolRoots): (request: Request) => Response | Promise<Response> {
  return (request: Request): Response | Promise<Response> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed');
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return textResponse(404, 'not found');
    const path = url.pathname;
    const rangeHeader = request.headers.get('range');
    const recorded = roots.recorded ? RECORDED_PATH.exec(path) : null;
    if (roots.recorded && recorded) return recordedResponse(roots.recorded, recorded[1] ?? '', recorded[2] ?? '', url, request);
    const media = /^\/media\/([a-z]+)\/(.+)$/.exec(path);
    if (media) {
      const kind = media[1] ?? '';
      const rel = media[2] ?? '';
      if (!roots.media || !MEDIA_KINDS.has(kind) || !roots.media.has(kind as MediaKind, rel)) return textResponse(404, 'not found');
      roots.onRead?.(kind, rel);
      return mediaResponse(roots.media, kind as MediaKind, rel, rangeHeader);
    }
    if (path.startsWith('/media/')) return textResponse(404, 'not found');
    const file = uiFile(roots.ui, path === '/' ? 'index.html' : path) ?? uiFile(roots.ui, 'index.html');
    if (!file) return textResponse(404, 'not found');
    return uiFileResponse(file, rangeHeader, file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
  };
}
