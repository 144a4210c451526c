// Media over HTTP: recordings, snapshots and exports with Range and caching; recorded playback across segments.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseRange, contentType } from '../core/media/safe-path.js';
import type { MediaKind, MediaStore } from '../core/recordings/media-store.js';

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

export function registerMediaRoutes(app: FastifyInstance, store: MediaStore): void {
  for (const kind of ['recordings', 'snapshots', 'exports'] as const) {
    app.get<{ Params: { '*': string } }>(`/media/${kind}/*`, (req, reply) => {
      const file = store.resolve(kind, req.params['*']);
      if (!file) return reply.status(404).send({ ok: false, error: { code: 'not_found', message: 'No such file' } });
      return sendFile(req, reply, file, store, CACHE[kind]);
    });
  }
}
