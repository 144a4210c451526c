// A person seen by the real pipeline (RTSP camera with the vtest clip) fires a rule: one signed webhook POST, MQTT alert and discovery.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Broker } from '../../../test/fixtures/mosquitto.js';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';

const SECRET = 'shared-secret-for-the-test-123';
let broker: Broker;
let cam: RtspCamera;
let receiver: Server;
let h: Awaited<ReturnType<typeof withEngine>>;
let sub: MqttClient;
const posts: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
const mqttMessages: { topic: string; payload: string }[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
  cam = await startRtspCamera({ hevc: false });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posts.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  sub = connect(broker.url, { clientId: 'pipeline-test', reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    sub.once('connect', () => sub.subscribe('#', (err) => (err ? reject(err) : resolve())));
    sub.once('error', reject);
  });
  sub.on('message', (topic, payload) => mqttMessages.push({ topic, payload: payload.toString() }));
  h = await withEngine({ startCameras: true });
}, 60_000);

afterAll(async () => {
  await h?.close();
  sub?.end(true);
  await new Promise((r) => receiver?.close(r));
  await cam?.stop();
  await broker?.stop();
});

async function call<T>(method: string, input: unknown): Promise<T> {
  const res = await h.engine.router.dispatch(ADMIN, method, input);
  if (!res.ok) throw new Error(`${method}: ${res.error.message}`);
  return res.value as T;
}

async function until<T>(check: () => T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('rules on the real pipeline', () => {
  it('a person event sends one signed webhook and MQTT alert with Home Assistant discovery', async () => {
    const port = (receiver.address() as AddressInfo).port;
    const hook = await call<{ id: string }>('sinks.upsert', { kind: 'webhook', name: 'Loopback hook', url: `http://127.0.0.1:${port}/alert`, secret: SECRET });
    const mqtt = await call<{ id: string }>('sinks.upsert', { kind: 'mqtt', name: 'Broker', url: broker.url });
    await call('rules.upsert', { name: 'People', labels: ['person'], cooldownSeconds: 3600, sinks: [hook.id, mqtt.id], schedule: { timezone: 'UTC' } });
    const camera = await call<{ id: string }>('cameras.upsert', {
      name: 'Plaza',
      streams: [{ name: 'main', url: cam.url('vtest'), roles: ['record', 'detect', 'live'] }],
      detect: { enabled: true, width: 640, height: 480, fps: 5 },
    });

    const post = await until(() => posts[0], 90_000, 'the webhook POST');
    const signature = String(post.headers['x-porchlight-signature']);
    expect(signature).toBe(`sha256=${createHmac('sha256', SECRET).update(post.body).digest('hex')}`);
    const payload = JSON.parse(post.body) as { event: { label: string; cameraId: string } };
    expect(payload.event).toMatchObject({ label: 'person', cameraId: camera.id });

    await until(() => mqttMessages.find((m) => m.topic === `porchlight/${camera.id}/alert`), 20_000, 'the MQTT alert');
    const discovery = await until(() => mqttMessages.find((m) => m.topic.startsWith('homeassistant/binary_sensor/') && m.topic.includes('person')), 20_000, 'discovery');
    expect(JSON.parse(discovery.payload)).toMatchObject({ device: { manufacturer: 'Porchlight' } });

    // more people keep walking by, but the cooldown holds the rule to one alert for this camera
    const alertsNow = (await call<{ items: unknown[] }>('alerts.list', {})).items.length;
    await new Promise((r) => setTimeout(r, 5000));
    expect(posts).toHaveLength(1);
    expect((await call<{ items: unknown[] }>('alerts.list', {})).items.length).toBe(alertsNow);
  }, 150_000);
});
