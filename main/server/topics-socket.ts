// The topics WebSocket: a signed-in client subscribes to contract topics; every message is validated, none can throw.
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { z } from 'zod';
import { isTopicName, type TopicName } from '../common/contract/index.js';
import { topicAllowed, topicVisible } from '../core/api/scope.js';
import type { Engine } from '../core/app.js';
import { createLogger } from '../core/log/index.js';
import { requireCaller } from './gate.js';
import type { SocketRegistry } from './sockets.js';

const log = createLogger('server');

/** A client that does not read its socket is dropped rather than buffered for without bound. */
export const MAX_SOCKET_BUFFER = 4 * 1024 * 1024;

const TopicMessage = z
  .object({
    type: z.enum(['subscribe', 'unsubscribe']),
    topics: z.array(z.string().max(100)).max(100),
  })
  .strict();

/** Parses one text frame; binary frames and anything but the two message shapes are errors, never exceptions. */
export function parseTopicMessage(raw: RawData, isBinary: boolean): z.infer<typeof TopicMessage> | { error: string } {
  if (isBinary) return { error: 'messages are JSON text' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw));
  } catch {
    return { error: 'messages are JSON' };
  }
  const parsed = TopicMessage.safeParse(json);
  return parsed.success ? parsed.data : { error: 'expected {"type": "subscribe" | "unsubscribe", "topics": [names]}' };
}

/** Sends without throwing; a socket whose peer does not read is closed. */
export function safeSend(socket: WebSocket, data: string | Buffer): void {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > MAX_SOCKET_BUFFER) {
    socket.terminate();
    return;
  }
  try {
    socket.send(data);
  } catch (err) {
    log.debug({ err }, 'socket send failed');
  }
}

export function registerTopicsSocket(app: FastifyInstance, engine: Engine, sockets: SocketRegistry): void {
  // every topic declares who receives it (topicAccess); each message is checked against this socket's caller
  app.get('/api/ws', { websocket: true, config: { access: 'viewer', needs: null } }, (socket, req) => {
    socket.on('error', (err) => log.debug({ err }, 'topics socket error'));
    const caller = requireCaller(req, undefined);
    if (!caller || !req.sessionHash) return socket.close(4401, 'sign in first');
    const wanted = new Set<TopicName>();
    const unregister = sockets.add(caller.id, req.sessionHash, (code, reason) => socket.close(code, reason));
    // the cameras of each export this socket was told about (progress comes often; the job's cameras never change)
    const exportCameras = new Map<string, readonly string[] | undefined>();
    const camerasOfExport = (id: string): readonly string[] | undefined => {
      if (!exportCameras.has(id)) {
        let cameras: readonly string[] | undefined;
        try {
          cameras = engine.exports.get(id).cameras;
        } catch {
          cameras = undefined;
        }
        if (exportCameras.size > 1000) exportCameras.clear();
        exportCameras.set(id, cameras);
      }
      return exportCameras.get(id);
    };
    const unsubscribe = engine.bus.subscribeAll((topic, payload) => {
      if (wanted.has(topic) && topicVisible(caller, topic, payload, camerasOfExport)) safeSend(socket, JSON.stringify({ topic, payload }));
    });
    socket.on('message', (raw, isBinary) => {
      const msg = parseTopicMessage(raw, isBinary);
      if ('error' in msg) return safeSend(socket, JSON.stringify({ error: { code: 'invalid_input', message: msg.error } }));
      // live video has its own binary WebSocket (/api/live); its IPC topic is not for JSON clients
      const topics = msg.topics.filter((t): t is TopicName => isTopicName(t) && t !== 'live.chunk' && topicAllowed(caller, t));
      for (const t of topics) {
        if (msg.type === 'subscribe') wanted.add(t);
        else wanted.delete(t);
      }
      // an acknowledgement, so a client knows from when on it receives the topics
      safeSend(socket, JSON.stringify({ type: 'subscribed', topics: [...wanted] }));
    });
    socket.on('close', () => {
      unsubscribe();
      unregister();
    });
  });
}
