// Media over HTTP: recordings, snapshots and exports with Range and caching; recorded playback and frames; every read audited.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../core/app.js';
import { parseRange, contentType } from '../core/media/safe-path.js';
import type { MediaKind, MediaStore } from '../core/recordings/media-store.js';
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
async function sendMasked(reply: FastifyReply, engine: Engine, file: string, masks: Polygon[]) {
  const chunks: Buffer[] = [];
  for await (const c of engine.media.openRead(file)) chunks.push(c as Buffer);
  const jpeg = await maskJpeg(ffmpegBin(engine), Buffer.concat(chunks), masks);
  return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, no-store').send(jpeg);
}

export function registerMediaRoutes(app: FastifyInstance, engine: Engine): void {
  const store = engine.media;
  for (const kind of ['recordings', 'snapshots', 'exports'] as const) {
    app.get<{ Params: { '*': string } }>(`/media/${kind}/*`, { config: { access: 'viewer' } }, async (req, reply) => {
      const caller = requireCaller(req, reply);
      if (!caller) return reply;
      const file = store.resolve(kind, req.params['*']);
      if (!file) return refusal(reply, { status: 404, code: 'not_found', message: 'No such file' });
      // snapshots live under <camera>/: its privacy masks apply to whoever may not lift them
      const privacy = kind === 'snapshots' ? masksFor(engine, caller, req.params['*'].split('/')[0] ?? '') : { masks: [], lifted: false };
      engine.audit.recordRead({ actor: caller.name, action: READ_ACTION[kind], target: req.params['*'], origin: req.ip, ...(privacy.lifted ? { details: { privacyMasksLifted: true } } : {}) });
      if (privacy.masks.length) return sendMasked(reply, engine, file, privacy.masks);
      return sendFile(req, reply, file, store, CACHE[kind]);
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
