// Media over HTTP: recordings, snapshots and exports with Range and caching; recorded playback and frames; every read audited.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canSeeCamera, seesAllCameras, type Permission, type ViewKind } from '../common/contract/index.js';
import { sql } from '../core/storage/sql.js';
import type { Engine } from '../core/app.js';
import { contentType, parseRange, type MediaKind, type MediaStore } from '../core/media/index.js';
import { mayAccessExport } from '../core/export/index.js';
import { FRAME_CACHE, openPlayback, playbackHeaders, recordedFrame } from '../core/recordings/recorded-media.js';
import { locateFfmpeg } from '../core/ffmpeg/locate.js';
import { maskJpeg, MaskedRecordings, mayLiftMasks, type MaskedFile } from '../core/privacy/index.js';
import type { Polygon } from '../common/contract/index.js';
import { requireCaller, type Caller } from './gate.js';

const CACHE: Record<MediaKind, string> = {
  // a segment never changes once written; snapshots neither (new events get new files)
  recordings: 'private, max-age=86400, immutable',
  snapshots: 'private, max-age=86400, immutable',
  exports: 'private, no-cache',
};

/** The permission a viewer needs to read each kind of media (thumbnails are snapshots). */
const NEEDS: Record<MediaKind, Permission> = {
  recordings: 'recordings',
  snapshots: 'recordings',
  exports: 'export',
};

/**
 * Whether the caller may read a stored media file, decided from its name in the store (`MediaStore.canonical`):
 * recordings and snapshots live under their camera's folder, exports under their job's (whose cameras must all be
 * the caller's). Anything else (a file at a root) is only for those who see every camera.
 */
export function mayReadMedia(engine: Engine, caller: Caller, kind: MediaKind, rel: string): boolean {
  // whoever sees every camera may read every file, as before cameras could be granted one by one
  if (seesAllCameras(caller)) return true;
  const parts = rel.split('/');
  const owner = parts[0];
  if (parts.length < 2 || !owner || owner === '..') return false;
  if (kind !== 'exports') return canSeeCamera(caller, owner);
  try {
    return mayAccessExport(caller, engine.exports.get(owner));
  } catch {
    return false;
  }
}

/**
 * What a media file shows, for the audit of views: the camera and time range of a segment or a snapshot's event, or
 * each camera of an export over its range. Empty for a file that belongs to none (it is audited as a plain read).
 */
export function viewsOfFile(engine: Engine, kind: MediaKind, rel: string): { kind: ViewKind; cameraId: string; start: number; end: number }[] {
  if (kind === 'recordings') {
    // the index keeps segment paths relative to the recordings folder, as the store names them
    const seg = engine.db.get<{ camera_id: string; start: number; end: number }>(sql`SELECT camera_id, start, end FROM segments WHERE path = ${rel}`);
    return seg ? [{ kind: 'recording', cameraId: seg.camera_id, start: seg.start, end: seg.end }] : [];
  }
  if (kind === 'snapshots') {
    const snapshot = rel.replace(/\.thumb\.jpg$/, '.jpg');
    const ev = engine.db.get<{ camera_id: string; start: number; end: number | null }>(sql`SELECT camera_id, start, end FROM events WHERE snapshot = ${snapshot}`);
    return ev ? [{ kind: 'snapshot', cameraId: ev.camera_id, start: ev.start, end: ev.end ?? ev.start }] : [];
  }
  const jobId = rel.split('/')[0] ?? '';
  try {
    const job = engine.exports.get(jobId);
    return job.cameras.map((cameraId) => ({ kind: 'export' as const, cameraId, start: job.start, end: job.end }));
  } catch {
    return [];
  }
}

/** The audit action for a read of each kind of media. */
const READ_ACTION: Record<MediaKind, string> = {
  recordings: 'recordings.read',
  snapshots: 'snapshots.read',
  exports: 'exports.download',
};

/** One stored file with Range support; the bytes come from the media store (decrypted there when stored encrypted). */
export function sendFile(req: FastifyRequest, reply: FastifyReply, kind: MediaKind, rel: string, store: MediaStore, cache: string) {
  return sendRanged(req, reply, { size: store.size(kind, rel), open: (range) => store.openRead(kind, rel, range) }, contentType(rel), cache);
}

/** Bytes with Range support from any source that knows its size (a stored file, a masked copy in scratch). */
function sendRanged(req: FastifyRequest, reply: FastifyReply, file: MaskedFile, type: string, cache: string) {
  const size = file.size;
  const range = parseRange(req.headers.range, size);
  reply.header('accept-ranges', 'bytes').header('cache-control', cache).header('content-type', type);
  if (range === 'invalid') return reply.status(416).header('content-range', `bytes */${size}`).send();
  const body = file.open(range ?? undefined);
  if (!body) return refusal(reply, { status: 404, code: 'not_found', message: 'No such file' });
  if (!range) return reply.header('content-length', size).send(body);
  return reply
    .status(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
    .header('content-length', range.end - range.start + 1)
    .send(body);
}

/** What a camera out of scope answers: the same as a camera with nothing recorded. */
const NOTHING_RECORDED = { status: 404, code: 'not_found', message: 'Nothing was recorded at that time' };

function refusal(reply: FastifyReply, r: { status: number; code: string; message: string }) {
  return reply.status(r.status).send({ ok: false, error: { code: r.code, message: r.message } });
}

/** A camera's privacy masks when this caller may not lift them; [] when there are none or they may (a lift is then noted). */
function masksFor(engine: Engine, caller: Caller, cameraId: string): { masks: Polygon[]; lifted: boolean } {
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

/** What a file of a camera with privacy masks is sent with: never kept by the browser (one profile may serve several users). */
const MASKED_CAMERA_CACHE = 'private, no-store';

export function registerMediaRoutes(app: FastifyInstance, engine: Engine): void {
  const store = engine.media;
  // recorded segments with the masks burned in, for callers who may not lift them (Range is served over the copy)
  const masked = new MaskedRecordings({ media: store, ffmpeg: () => ffmpegBin(engine) });
  app.addHook('onClose', () => masked.close());
  for (const kind of ['recordings', 'snapshots', 'exports'] as const) {
    app.get<{ Params: { '*': string } }>(`/media/${kind}/*`, { config: { access: 'viewer', needs: NEEDS[kind] } }, async (req, reply) => {
      const caller = requireCaller(req, reply);
      if (!caller) return reply;
      // the file as the store would serve it: whose it is is decided on that name, and that name is what is served
      const rel = store.canonical(kind, req.params['*']);
      // another camera's file is, to this caller, no file at all
      if (!rel || !mayReadMedia(engine, caller, kind, rel)) return refusal(reply, { status: 404, code: 'not_found', message: 'No such file' });
      // recordings and snapshots live under <camera>/: its privacy masks apply to whoever may not lift them
      const privacy = kind !== 'exports' ? masksFor(engine, caller, rel.split('/')[0] ?? '') : { masks: [], lifted: false };
      const views = viewsOfFile(engine, kind, rel);
      // a player's many Range requests, segment after segment, make one viewing session
      for (const v of views) engine.views.view({ actor: caller.name, origin: req.ip, ...v });
      if (views.length === 0 || privacy.lifted) engine.audit.recordRead({ actor: caller.name, action: READ_ACTION[kind], target: rel, origin: req.ip, ...(privacy.lifted ? { details: { privacyMasksLifted: true } } : {}) });
      if (privacy.masks.length && kind === 'recordings') {
        const r = await masked.get(rel, privacy.masks);
        return r.ok ? sendRanged(req, reply, r.file, 'video/mp4', MASKED_CAMERA_CACHE) : refusal(reply, r);
      }
      if (privacy.masks.length) return sendMasked(reply, engine, kind, rel, privacy.masks);
      return sendFile(req, reply, kind, rel, store, privacy.lifted ? MASKED_CAMERA_CACHE : CACHE[kind]);
    });
  }
}

/** GET /media/play/:cameraId?start=ms[&end=ms]: recorded video across segment boundaries, as one stream. */
export function registerPlaybackRoute(app: FastifyInstance, engine: Engine): void {
  app.get<{ Params: { cameraId: string }; Querystring: Record<string, string> }>('/media/play/:cameraId', { config: { access: 'viewer', needs: 'recordings' } }, async (req, reply) => {
    const caller = requireCaller(req, reply);
    if (!caller) return reply;
    if (!canSeeCamera(caller, req.params.cameraId)) return refusal(reply, NOTHING_RECORDED);
    // the stop is wired before ffmpeg is spawned, so a client that already left never leaves a process behind
    const cancel = new AbortController();
    reply.raw.once('close', () => cancel.abort());
    const privacy = masksFor(engine, caller, req.params.cameraId);
    const r = await openPlayback(engine, req.params.cameraId, req.query, cancel.signal, privacy.masks);
    if (!r.ok) return refusal(reply, r);
    engine.views.view({ actor: caller.name, origin: req.ip, kind: 'recording', cameraId: r.cameraId, start: r.start, end: r.end });
    if (privacy.lifted) engine.audit.recordRead({ actor: caller.name, action: 'privacy.liftMasks', target: r.cameraId, origin: req.ip, details: { kind: 'playback', start: r.start, end: r.end } });
    return reply.headers(playbackHeaders(r.play)).send(r.play.stream);
  });
}

/** GET /media/frame/:cameraId?t=ms: one small JPEG from the recording at that moment (timeline hover). */
export function registerFrameRoute(app: FastifyInstance, engine: Engine): void {
  app.get<{ Params: { cameraId: string }; Querystring: Record<string, string> }>('/media/frame/:cameraId', { config: { access: 'viewer', needs: 'recordings' } }, async (req, reply) => {
    const caller = requireCaller(req, reply);
    if (!caller) return reply;
    if (!canSeeCamera(caller, req.params.cameraId)) return refusal(reply, NOTHING_RECORDED);
    const cancel = new AbortController();
    reply.raw.once('close', () => cancel.abort());
    const r = await recordedFrame(engine, req.params.cameraId, req.query, cancel.signal);
    if (!r.ok) return refusal(reply, r);
    const t = Number(req.query.t);
    engine.views.view({ actor: caller.name, origin: req.ip, kind: 'recording', cameraId: req.params.cameraId, start: t, end: t });
    const privacy = masksFor(engine, caller, req.params.cameraId);
    if (privacy.lifted) engine.audit.recordRead({ actor: caller.name, action: 'recordings.frame', target: req.params.cameraId, origin: req.ip, details: { privacyMasksLifted: true } });
    if (privacy.masks.length) return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, no-store').send(await maskJpeg(ffmpegBin(engine), r.jpeg, privacy.masks));
    return reply.header('content-type', 'image/jpeg').header('cache-control', FRAME_CACHE).send(r.jpeg);
  });
}
