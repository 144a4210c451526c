// Live view over a WebSocket: fragmented MP4 from the camera's one connection, or JPEG frames where the browser cannot decode it.
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { CameraId, canSeeCamera, LiveView } from '../common/contract/index.js';
import type { Engine } from '../core/app.js';
import type { Frame } from '../core/detect/frame.js';
import { frameToJpeg } from '../core/events/snapshot.js';
import { applyMask, maskBitmap, mayLiftMasks } from '../core/privacy/index.js';
import type { LiveChunk } from '../core/ingest/index.js';
import { createLogger } from '../core/log/index.js';
import { z } from 'zod';
import { requireCaller } from './gate.js';
import type { SocketRegistry } from './sockets.js';
import { MAX_SOCKET_BUFFER } from './topics-socket.js';

const log = createLogger('live');

/** A slow viewer is skipped to the next keyframe rather than buffered without bound. */
const MAX_BUFFERED = MAX_SOCKET_BUFFER;
const JPEG_INTERVAL_MS = 500;

/** The one message a live client sends: it cannot play the codec, so it asks for JPEG frames. */
const LiveMessage = z.object({ type: z.literal('fallback') }).strict();

function parseLiveMessage(raw: RawData, isBinary: boolean): boolean {
  if (isBinary) return false;
  try {
    return LiveMessage.safeParse(JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw))).success;
  } catch {
    return false;
  }
}

export function registerLiveRoute(app: FastifyInstance, engine: Engine, sockets: SocketRegistry): void {
  app.get<{ Params: { cameraId: string } }>('/api/live/:cameraId', { websocket: true, config: { access: 'viewer', needs: 'live' } }, (socket: WebSocket, req) => {
    socket.on('error', (err) => log.debug({ err }, 'live socket error'));
    const user = requireCaller(req, undefined);
    if (!user || !req.sessionHash) return socket.close(4401, 'sign in first');
    const id = CameraId.safeParse(req.params.cameraId);
    // another camera is, to this caller, no camera at all
    const camera = id.success && canSeeCamera(user, id.data) ? engine.cameras.get(id.data) : undefined;
    if (!camera) return socket.close(4404, 'no such camera');
    // ?view=grid plays the camera's grid stream (its sub stream by default), ?view=compat that stream as H.264; else main
    const asked = LiveView.safeParse((req.query as { view?: unknown } | undefined)?.view);
    const view = asked.success ? asked.data : 'full';
    // privacy masks: whoever may not lift them watches a transcode with them burned in (one per camera, shared)
    const masks = camera.masks.privacy;
    const lifts = masks.length > 0 && mayLiftMasks(user, camera.id);
    const masked = masks.length > 0 && !lifts;
    const source = engine.runtime.live(camera.id, view, { masked });
    if (!source) return socket.close(4503, 'camera is not running');
    // one viewing session from the socket's open to its close (written when it starts, and with its end when it closes)
    const now = Date.now();
    const endView = engine.views.view({ actor: user.name, origin: req.ip, kind: 'live', cameraId: camera.id, start: now, end: now });
    // a lift is logged once for the socket, not per fragment
    if (lifts) engine.audit.record({ actor: user.name, action: 'privacy.liftMasks', target: camera.id, origin: req.ip, ok: true, details: { kind: 'live', view } });
    const unregister = sockets.add(user.id, req.sessionHash, (code, reason) => socket.close(code, reason));
    // the masks edited while watching: a viewer they apply to reconnects (the player does so by itself) to the new ones
    const openedWith = JSON.stringify(masks);
    const offCamera = engine.bus.subscribe('camera.changed', (c) => {
      if (c.id !== camera.id || lifts) return;
      if (JSON.stringify(engine.cameras.get(camera.id)?.masks.privacy ?? []) !== openedWith) socket.close(4409, 'privacy masks changed');
    });
    const bits = new Map<string, Uint8Array | null>();
    /** A JPEG fallback frame with the masks blacked out when they apply (a copy: the frame is shared with detection). */
    const shown = (frame: Frame): Frame => {
      if (!masked) return frame;
      const key = `${frame.width}x${frame.height}`;
      if (!bits.has(key)) bits.set(key, maskBitmap(masks, frame.width, frame.height));
      const b = bits.get(key);
      if (!b) return frame;
      const copy = { ...frame, data: new Uint8Array(frame.data) };
      applyMask(copy, b);
      return copy;
    };

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
    socket.on('message', (raw, isBinary) => {
      if (!parseLiveMessage(raw, isBinary) || stopFrames) return;
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
        frameToJpeg(shown(frame), 70)
          .then((jpeg) => socket.readyState === socket.OPEN && socket.send(jpeg))
          .catch((err: unknown) => log.warn({ err, camera: camera.id }, 'jpeg frame failed'))
          .finally(() => (encoding = false));
      });
    });
    socket.on('close', () => {
      offCamera();
      endView();
      unregister();
      unsubscribe();
      stopFrames?.();
    });
  });
}
