// Media over HTTP: recordings, snapshots and exports with Range and caching; recorded playback across segments.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CameraId } from '../common/contract/index.js';
import type { Engine } from '../core/app.js';
import { locateFfmpeg } from '../core/ffmpeg/locate.js';
import { spawnFfmpeg } from '../core/ffmpeg/process.js';
import { parseRange, contentType } from '../core/media/safe-path.js';
import type { MediaKind, MediaStore } from '../core/recordings/media-store.js';
import { playbackPlan, startPlayback } from '../core/recordings/playback.js';
import { callerOf } from './auth.js';

const PlayQuery = z.object({
  start: z.coerce.number().int(),
  end: z.coerce.number().int().optional(),
});
/** One request plays at most this much; the player asks for more as it goes. */
const MAX_PLAY_MS = 3600_000;

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
  app.get<{ Params: { cameraId: string }; Querystring: Record<string, string> }>('/media/play/:cameraId', (req, reply) => {
    const id = CameraId.safeParse(req.params.cameraId);
    const q = PlayQuery.safeParse(req.query);
    if (!id.success || !q.success) return reply.status(400).send({ ok: false, error: { code: 'invalid_input', message: 'use /media/play/<camera>?start=<epoch ms>[&end=<epoch ms>]' } });
    const end = Math.min(q.data.end ?? q.data.start + MAX_PLAY_MS, q.data.start + MAX_PLAY_MS);
    const segments = playbackPlan(engine.segments.segments(id.data, q.data.start, end), q.data.start, end);
    if (segments.length === 0) return reply.status(404).send({ ok: false, error: { code: 'not_found', message: 'Nothing was recorded at that time' } });
    const files = segments.flatMap((s) => {
      const path = engine.media.resolve('recordings', s.url);
      return path ? [{ path, start: s.start, end: s.end }] : [];
    });
    const cfg = engine.settings.get('ffmpeg');
    const play = startPlayback(locateFfmpeg({ ffmpeg: cfg.ffmpegPath || undefined, ffprobe: cfg.ffprobePath || undefined }).ffmpeg, files, q.data.start);
    engine.audit.record({ actor: callerOf(req).name, action: 'recordings.play', target: id.data, origin: req.ip, ok: true, details: { start: q.data.start, end } });
    req.raw.on('close', () => play.stop());
    return reply
      .header('content-type', 'video/mp4')
      .header('cache-control', 'no-store')
      .header('x-playback-start', String(play.startsAt))
      .header('x-playback-duration', String(play.duration))
      .header('access-control-expose-headers', 'x-playback-start, x-playback-duration')
      .send(play.stream);
  });
}

/** GET /media/frame/:cameraId?t=ms: one small JPEG from the recording at that moment (timeline hover). */
export function registerFrameRoute(app: FastifyInstance, engine: Engine): void {
  app.get<{ Params: { cameraId: string }; Querystring: Record<string, string> }>('/media/frame/:cameraId', async (req, reply) => {
    const id = CameraId.safeParse(req.params.cameraId);
    const t = z.coerce.number().int().safeParse(req.query.t);
    if (!id.success || !t.success) return reply.status(400).send({ ok: false, error: { code: 'invalid_input', message: 'use /media/frame/<camera>?t=<epoch ms>' } });
    const seg = engine.segments.segments(id.data, t.data, t.data + 1)[0];
    const path = seg ? engine.media.resolve('recordings', seg.url) : null;
    if (!seg || !path) return reply.status(404).send({ ok: false, error: { code: 'not_found', message: 'Nothing was recorded at that time' } });
    const cfg = engine.settings.get('ffmpeg');
    const ffmpeg = locateFfmpeg({ ffmpeg: cfg.ffmpegPath || undefined, ffprobe: cfg.ffprobePath || undefined }).ffmpeg;
    const offset = Math.max(0, (t.data - seg.start) / 1000).toFixed(2);
    const jpeg = await grabFrame(ffmpeg, path, offset);
    if (!jpeg) return reply.status(404).send({ ok: false, error: { code: 'not_found', message: 'No picture at that time' } });
    // a recorded moment never changes
    return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, max-age=86400, immutable').send(jpeg);
  });
}

async function grabFrame(ffmpeg: string, path: string, offset: string): Promise<Buffer | null> {
  const proc = spawnFfmpeg(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-ss', offset, '-i', path, '-frames:v', '1', '-vf', 'scale=240:-2', '-f', 'mjpeg', 'pipe:1'], { label: 'frame' });
  const chunks: Buffer[] = [];
  proc.stdout.on('data', (c: Buffer) => chunks.push(c));
  const timer = setTimeout(() => void proc.stop(500), 5000);
  const exit = await proc.exited;
  clearTimeout(timer);
  return exit.code === 0 && chunks.length ? Buffer.concat(chunks) : null;
}
