// Media over HTTP: recordings, snapshots and exports with Range and caching; recorded playback across segments.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../core/app.js';
import { parseRange, contentType } from '../core/media/safe-path.js';
import type { MediaKind, MediaStore } from '../core/recordings/media-store.js';
import { FRAME_CACHE, openPlayback, playbackHeaders, recordedFrame } from '../core/recordings/recorded-media.js';
import { callerOf } from './auth.js';

const CACHE: Record<MediaKind, string> = {
  // a segment never changes once written; snapshots neither (new events get new files)
  recordings: 'private, max-age=86400, immutable',
  snapshots: 'private, max-age=86400, immutable',
  exports: 'private, no-cache',
};

export function sendFile(req: FastifyRequest, reply: FastifyReply, file: string, store: MediaStore, cache: string) {
  const size = store.size(file);
  const range = parseRange(req.headers.range, size);
  reply.header('accept-ranges', 'bytes').header('cache-control', cache).header('content-type', contentType(file));
  if (range === 'invalid') return reply.status(416).header('content-range', `bytes */${size}`).send();
  if (!range) return reply.header('content-length', size).send(store.openRead(file));
  return reply
    .status(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
    .header('content-length', range.end - range.start + 1)
    .send(store.openRead(file, range));
}

export function registerMediaRoutes(app: FastifyInstance, engine: Engine): void {
  const store = engine.media;
  for (const kind of ['recordings', 'snapshots', 'exports'] as const) {
    app.get<{ Params: { '*': string } }>(`/media/${kind}/*`, (req, reply) => {
      const file = store.resolve(kind, req.params['*']);
      if (!file) return reply.status(404).send({ ok: false, error: { code: 'not_found', message: 'No such file' } });
      return sendFile(req, reply, file, store, CACHE[kind]);
    });
  }
}

/** GET /media/play/:cameraId?start=ms[&end=ms]: recorded video across segment boundaries, as one stream. */
export function registerPlaybackRoute(app: FastifyInstance, engine: Engine): void {
  app.get<{ Params: { cameraId: string }; Querystring: Record<string, string> }>('/media/play/:cameraId', async (req, reply) => {
    const r = await openPlayback(engine, req.params.cameraId, req.query);
    if (!r.ok) return reply.status(r.status).send({ ok: false, error: { code: r.code, message: r.message } });
    engine.audit.record({ actor: callerOf(req).name, action: 'recordings.play', target: r.cameraId, origin: req.ip, ok: true, details: { start: r.start, end: r.end } });
    req.raw.on('close', () => r.play.stop());
    return reply.headers(playbackHeaders(r.play)).send(r.play.stream);
  });
}

/** GET /media/frame/:cameraId?t=ms: one small JPEG from the recording at that moment (timeline hover). */
export function registerFrameRoute(app: FastifyInstance, engine: Engine): void {
  app.get<{ Params: { cameraId: string }; Querystring: Record<string, string> }>('/media/frame/:cameraId', async (req, reply) => {
    const r = await recordedFrame(engine, req.params.cameraId, req.query);
    if (!r.ok) return reply.status(r.status).send({ ok: false, error: { code: r.code, message: r.message } });
    return reply.header('content-type', 'image/jpeg').header('cache-control', FRAME_CACHE).send(r.jpeg);
  });
}
