// Media over HTTP: recordings, snapshots and exports with Range and caching; recorded playback and frames; every read audited.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../core/app.js';
import { contentType, parseRange, type MediaKind, type MediaStore } from '../core/media/index.js';
import { FRAME_CACHE, openPlayback, playbackHeaders, recordedFrame } from '../core/recordings/recorded-media.js';
import { locateFfmpeg } from '../core/ffmpeg/locate.js';
import { maskJpeg, mayLiftMasks } from '../core/privacy/index.js';
import type { Polygon } from '../common/contract/index.js';
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

/** A camera's privacy masks when this caller may not lift them; [] when there are none or they may (a lift is then noted). */
function masksFor(engine: Engine, caller: { role: 'admin' | 'viewer' }, cameraId: string): { masks: Polygon[]; lifted: boolean } {
  const masks = engine.cameras.get(cameraId)?.masks.privacy ?? [];
  if (masks.length === 0) return { masks: [], lifted: false };
  return mayLiftMasks(caller, cameraId) ? { masks: [], lifted: true } : { masks, lifted: false };
}

function ffmpegBin(engine: Engine): string {
  const cfg = engine.settings.get('ffmpeg');
  return locateFfmpeg({ ffmpeg: cfg.ffmpegPath || undefined, ffprobe: cfg.ffprobePath || undefined }).ffmpeg;
}

/** A snapshot or thumbnail with the camera's privacy masks blacked out: read whole through the store, never cached by the browser. */
async function sendMasked(reply: FastifyReply, engine: Engine, kind: MediaKind, rel: string, masks: Polygon[]) {
  const bytes = await engine.media.readBytes(kind, rel);
  if (!bytes) return refusal(reply, { status: 404, code: 'not_found', message: 'No such file' });
  const jpeg = await maskJpeg(ffmpegBin(engine), bytes, masks);
  return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, no-store').send(jpeg);
}

export function registerMediaRoutes(app: FastifyInstance, engine: Engine): void {
  const store = engine.media;
  for (const kind of ['recordings', 'snapshots', 'exports'] as const) {
    app.get<{ Params: { '*': string } }>(`/media/${kind}/*`, { config: { access: 'viewer' } }, async (req, reply) => {
      const caller = requireCaller(req, reply);
      if (!caller) return reply;
      const rel = req.params['*'];
      if (!store.has(kind, rel)) return refusal(reply, { status: 404, code: 'not_found', message: 'No such file' });
      // snapshots live under <camera>/: its privacy masks apply to whoever may not lift them
      const privacy = kind === 'snapshots' ? masksFor(engine, caller, rel.split('/')[0] ?? '') : { masks: [], lifted: false };
      engine.audit.recordRead({ actor: caller.name, action: READ_ACTION[kind], target: rel, origin: req.ip, ...(privacy.lifted ? { details: { privacyMasksLifted: true } } : {}) });
      if (privacy.masks.length) return sendMasked(reply, engine, kind, rel, privacy.masks);
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
    const privacy = masksFor(engine, caller, req.params.cameraId);
    engine.audit.recordRead({ actor: caller.name, action: 'recordings.frame', target: req.params.cameraId, origin: req.ip, ...(privacy.lifted ? { details: { privacyMasksLifted: true } } : {}) });
    if (privacy.masks.length) return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, no-store').send(await maskJpeg(ffmpegBin(engine), r.jpeg, privacy.masks));
    return reply.header('content-type', 'image/jpeg').header('cache-control', FRAME_CACHE).send(r.jpeg);
  });
}
