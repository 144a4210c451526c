// Live view over a WebSocket: fragmented MP4 from the camera's one connection, or JPEG frames where the browser cannot decode it.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { CameraId } from '../common/contract/index.js';
import type { Engine } from '../core/app.js';
import { frameToJpeg } from '../core/events/snapshot.js';
import type { LiveChunk } from '../core/ingest/index.js';
import { createLogger } from '../core/log/index.js';
import { callerOf } from './auth.js';
import { sameOrigin } from './server.js';

const log = createLogger('live');

/** A slow viewer is skipped to the next keyframe rather than buffered without bound. */
const MAX_BUFFERED = 4 * 1024 * 1024;
const JPEG_INTERVAL_MS = 500;

export function registerLiveRoute(app: FastifyInstance, engine: Engine): void {
  app.get<{ Params: { cameraId: string } }>('/api/live/:cameraId', { websocket: true }, (socket: WebSocket, req) => {
    if (!sameOrigin(req)) return socket.close(1008, 'cross-origin');
    const id = CameraId.safeParse(req.params.cameraId);
    const camera = id.success ? engine.cameras.get(id.data) : undefined;
    if (!camera) return socket.close(4404, 'no such camera');
    const source = engine.runtime.live(camera.id);
    if (!source) return socket.close(4503, 'camera is not running');
    const user = callerOf(req);
    engine.audit.record({ actor: user.name, action: 'live.start', target: camera.id, origin: req.ip, ok: true });

    let waitingForKeyframe = false;
    let stopFrames: (() => void) | undefined;
    const sendChunk = (chunk: LiveChunk): void => {
      if (socket.readyState !== socket.OPEN) return;
      if (chunk.type === 'init') {
        socket.send(JSON.stringify({ type: 'init', codec: chunk.codec }));
        socket.send(chunk.data);
        waitingForKeyframe = true;
        return;
      }
      if (socket.bufferedAmount > MAX_BUFFERED) {
        waitingForKeyframe = true;
        return;
      }
      if (waitingForKeyframe && !chunk.keyframe) return;
      waitingForKeyframe = false;
      socket.send(chunk.data);
    };
    let unsubscribe = source.subscribe(sendChunk);

    // The browser answers the init with `fallback` when it cannot play the codec (HEVC): send JPEG frames instead.
    socket.on('message', (raw) => {
      let msg: { type?: string };
      try {
        msg = JSON.parse(String(raw)) as { type?: string };
      } catch {
        return;
      }
      if (msg.type !== 'fallback' || stopFrames) return;
      unsubscribe();
      unsubscribe = () => undefined;
      const ingest = engine.runtime.frames(camera.id);
      if (!ingest) return socket.close(4503, 'no frames for this camera');
      let last = 0;
      let encoding = false;
      socket.send(JSON.stringify({ type: 'jpeg' }));
      stopFrames = ingest.subscribe((frame) => {
        if (encoding || frame.time - last < JPEG_INTERVAL_MS || socket.bufferedAmount > MAX_BUFFERED) return;
        encoding = true;
        last = frame.time;
        frameToJpeg(frame, 70)
          .then((jpeg) => socket.readyState === socket.OPEN && socket.send(jpeg))
          .catch((err: unknown) => log.warn({ err, camera: camera.id }, 'jpeg frame failed'))
          .finally(() => (encoding = false));
      });
    });
    socket.on('close', () => {
      unsubscribe();
      stopFrames?.();
    });
  });
}
