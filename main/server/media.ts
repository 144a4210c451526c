// Media over HTTP: recordings, snapshots and exports with Range and caching; recorded playback and frames; every read audited.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { canSeeCamera, seesAllCameras, type Permission, type ViewKind } from '../common/contract/index.js';
import { sql } from '../core/storage/sql.js';
import type { Engine } from '../core/app.js';
import { mayAccessExport } from '../core/export/index.js';
import { parseRange, contentType } from '../core/media/safe-path.js';
import type { MediaKind, MediaStore } from '../core/recordings/media-store.js';
import { FRAME_CACHE, openPlayback, playbackHeaders, recordedFrame } from '../core/recordings/recorded-media.js';
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
 * Whether the caller may read a resolved media file, decided from the file that would be served: recordings and
 * snapshots live under their camera's folder, exports under their job's (whose cameras must all be the caller's).
 * Anything else (a file at a root) is only for those who see every camera.
 */
export function mayReadMedia(engine: Engine, caller: Caller, kind: MediaKind, file: string): boolean {
  // whoever sees every camera may read every file, as before cameras could be granted one by one
  if (seesAllCameras(caller)) return true;
  let parts: string[];
  try {
    parts = relative(realpathSync(engine.media.root(kind)), file).split(sep);
  } catch {
    return false;
  }
  const owner = parts[0];
  if (parts.length < 2 || !owner || owner === '..') return false;
  if (kind !== 'exports') return canSeeCamera(caller, owner);
  try {
    return mayAccessExport(caller, engine.exports.get(owner));
  } catch {
    return false;
  }
}

/** A resolved (real) media path as the index stores it: under the data directory as configured. */
function storedPath(engine: Engine, kind: MediaKind, file: string): string {
  return join(engine.media.root(kind), relative(realpathSync(engine.media.root(kind)), file));
}

/**
 * What a media file shows, for the audit of views: the camera and time range of a segment or a snapshot's event, or
 * each camera of an export over its range. Empty for a file that belongs to none (it is audited as a plain read).
 */
export function viewsOfFile(engine: Engine, kind: MediaKind, file: string): { kind: ViewKind; cameraId: string; start: number; end: number }[] {
  if (kind === 'recordings') {
    const seg = engine.db.get<{ camera_id: string; start: number; end: number }>(sql`SELECT camera_id, start, end FROM segments WHERE path = ${file} OR path = ${storedPath(engine, kind, file)}`);
    return seg ? [{ kind: 'recording', cameraId: seg.camera_id, start: seg.start, end: seg.end }] : [];
  }
  if (kind === 'snapshots') {
    const snapshot = relative(realpathSync(engine.media.root(kind)), file).split(sep).join('/').replace(/\.thumb\.jpg$/, '.jpg');
    const ev = engine.db.get<{ camera_id: string; start: number; end: number | null }>(sql`SELECT camera_id, start, end FROM events WHERE snapshot = ${snapshot}`);
    return ev ? [{ kind: 'snapshot', cameraId: ev.camera_id, start: ev.start, end: ev.end ?? ev.start }] : [];
  }
  const jobId = relative(realpathSync(engine.media.root(kind)), file).split(sep)[0] ?? '';
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

/** What a camera out of scope answers: the same as a camera with nothing recorded. */
const NOTHING_RECORDED = { status: 404, code: 'not_found', message: 'Nothing was recorded at that time' };

function refusal(reply: FastifyReply, r: { status: number; code: string; message: string }) {
  return reply.status(r.status).send({ ok: false, error: { code: r.code, message: r.message } });
}

export function registerMediaRoutes(app: FastifyInstance, engine: Engine): void {
  const store = engine.media;
  for (const kind of ['recordings', 'snapshots', 'exports'] as const) {
    app.get<{ Params: { '*': string } }>(`/media/${kind}/*`, { config: { access: 'viewer', needs: NEEDS[kind] } }, (req, reply) => {
      const caller = requireCaller(req, reply);
      if (!caller) return reply;
      const file = store.resolve(kind, req.params['*']);
      // another camera's file is, to this caller, no file at all
      if (!file || !mayReadMedia(engine, caller, kind, file)) return refusal(reply, { status: 404, code: 'not_found', message: 'No such file' });
      const views = viewsOfFile(engine, kind, file);
      // a player's many Range requests, segment after segment, make one viewing session
      for (const v of views) engine.views.view({ actor: caller.name, origin: req.ip, ...v });
      if (views.length === 0) engine.audit.recordRead({ actor: caller.name, action: READ_ACTION[kind], target: req.params['*'], origin: req.ip });
      return sendFile(req, reply, file, store, CACHE[kind]);
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
    const r = await openPlayback(engine, req.params.cameraId, req.query, cancel.signal);
    if (!r.ok) return refusal(reply, r);
    engine.views.view({ actor: caller.name, origin: req.ip, kind: 'recording', cameraId: r.cameraId, start: r.start, end: r.end });
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
    return reply.header('content-type', 'image/jpeg').header('cache-control', FRAME_CACHE).send(r.jpeg);
  });
}
