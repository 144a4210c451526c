// Media over HTTP: recordings, snapshots and exports with Range and caching; recorded playback and frames; every read audited.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../core/app.js';
import { contentType, parseRange, type MediaKind, type MediaStore } from '../core/media/index.js';
import { FRAME_CACHE, openPlayback, playbackHeaders, recordedFrame } from '../core/recordings/recorded-media.js';
import { requireCaller } from './gate.js';

const CACHE: Record<MediaKind, string> = {
  // a segment never changes once written; snapshots neither (new events get new files)
  recordings: 'private, max-age=86400, immutable',
  snapshots: 'private, max-age=86400, immutable',
  exports: 'private, no-cache',
};

/** The audit action for a read of each kind of media. */
const READ_ACTION: Record<MediaKind, string> = {
  recordings: 'recordings.read',
  snapshots: 'snapshots.read',
  exports: 'exports.download',
};

/** One stored file with Range support; the bytes come from the media store (decrypted there when stored encrypted). */
export function sendFile(req: FastifyRequest, reply: FastifyReply, kind: MediaKind, rel: string, store: MediaStore, cache: string) {
  const size = store.size(kind, rel);
  const range = parseRange(req.headers.range, size);
  reply.header('accept-ranges', 'bytes').header('cache-control', cache).header('content-type', contentType(rel));
  if (range === 'invalid') return reply.status(416).header('content-range', `bytes */${size}`).send();
  const body = store.openRead(kind, rel, range);
  if (!body) return refusal(reply, { status: 404, code: 'not_found', message: 'No such file' });
  if (!range) return reply.header('content-length', size).send(body);
  return reply
    .status(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
    .header('content-length', range.end - range.start + 1)
    .send(body);
}

function refusal(reply: FastifyReply, r: { status: number; code: string; message: string }) {
  return reply.status(r.status).send({ ok: false, error: { code: r.code, message: r.message } });
}

export function registerMediaRoutes(app: FastifyInstance, engine: Engine): void {
  const store = engine.media;
  for (const kind of ['recordings', 'snapshots', 'exports'] as const) {
    app.get<{ Params: { '*': string } }>(`/media/${kind}/*`, { config: { access: 'viewer' } }, (req, reply) => {
      const caller = requireCaller(req, reply);
      if (!caller) return reply;
      const rel = req.params['*'];
      if (!store.has(kind, rel)) return refusal(reply, { status: 404, code: 'not_found', message: 'No such file' });
      engine.audit.recordRead({ actor: caller.name, action: READ_ACTION[kind], target: rel, origin: req.ip });
      return sendFile(req, reply, kind, rel, store, CACHE[kind]);
    });
  }
}

/** GET /media/play/:cameraId?start=ms[&end=ms]: recorded video across segment boundaries, as one stream. */
export function registerPlaybackRoute(app: FastifyInstance, engine: Engine): void {
  app.get<{ Params: { cameraId: string }; Querystring: Record<string, string> }>('/media/play/:cameraId', { config: { access: 'viewer' } }, async (req, reply) => {
    const caller = requireCaller(req, reply);
    if (!caller) return reply;
    // the stop is wired before ffmpeg is spawned, so a client that already left never leaves a process behind
    const cancel = new AbortController();
    reply.raw.once('close', () => cancel.abort());
    const r = await openPlayback(engine, req.params.cameraId, req.query, cancel.signal);
    if (!r.ok) return refusal(reply, r);
    engine.audit.recordRead({ actor: caller.name, action: 'recordings.play', target: r.cameraId, origin: req.ip, details: { start: r.start, end: r.end } });
    return reply.headers(playbackHeaders(r.play)).send(r.play.stream);
  });
}

/** GET /media/frame/:cameraId?t=ms: one small JPEG from the recording at that moment (timeline hover). */
export function registerFrameRoute(app: FastifyInstance, engine: Engine): void {
  app.get<{ Params: { cameraId: string }; Querystring: Record<string, string> }>('/media/frame/:cameraId', { config: { access: 'viewer' } }, async (req, reply) => {
    const caller = requireCaller(req, reply);
    if (!caller) return reply;
    const cancel = new AbortController();
    reply.raw.once('close', () => cancel.abort());
    const r = await recordedFrame(engine, req.params.cameraId, req.query, cancel.signal);
    if (!r.ok) return refusal(reply, r);
    engine.audit.recordRead({ actor: caller.name, action: 'recordings.frame', target: req.params.cameraId, origin: req.ip });
    return reply.header('content-type', 'image/jpeg').header('cache-control', FRAME_CACHE).send(r.jpeg);
  });
}
