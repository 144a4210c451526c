// The MQTT sink against a real broker (mosquitto on 127.0.0.1): alert and state topics, Home Assistant discovery.
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Broker } from '../../../test/fixtures/mosquitto.js';
import { withEngine } from '../../../test/helpers/engine.js';
import type { EventDto } from '../../common/contract/events.js';
import { RuleEngine } from '../rules/engine.js';
import { Notifier } from './index.js';

let broker: Broker;
let h: Awaited<ReturnType<typeof withEngine>>;
let notifier: Notifier;
let rules: RuleEngine;
let sub: MqttClient;
const messages: { topic: string; payload: string; retain: boolean }[] = [];
const waiters: Array<{ pred: (m: (typeof messages)[number]) => boolean; resolve: (m: (typeof messages)[number]) => void }> = [];

function nextMessage(pred: (m: (typeof messages)[number]) => boolean, ms = 10_000): Promise<(typeof messages)[number]> {
  const found = messages.find(pred);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const w = {
      pred,
      resolve: (m: (typeof messages)[number]) => {
        clearTimeout(t);
        resolve(m);
      },
    };
    const t = setTimeout(() => {
      waiters.splice(waiters.indexOf(w), 1);
      reject(new Error(`no matching MQTT message in ${ms} ms; got ${messages.map((m) => m.topic).join(', ')}`));
    }, ms);
    waiters.push(w);
  });
}

beforeAll(async () => {
  broker = await startMosquitto();
  h = await withEngine();
  const { db, bus, events, cameras, settings } = h.engine;
  cameras.upsert({ id: 'front', name: 'Front door', enabled: false, streams: [{ name: 'main', url: 'rtsp://127.0.0.1:8554/front', roles: ['record'] }] });
  cameras.upsert({ id: 'back', name: 'Back yard', enabled: false, streams: [{ name: 'main', url: 'rtsp://127.0.0.1:8554/back', roles: ['record'] }] });
  notifier = new Notifier(db, bus, { retryDelaysMs: [100, 200], timeoutMs: 3000 });
  notifier.start();
  rules = new RuleEngine({ db, bus, events, cameras, notifier, homeMode: () => settings.get('general').homeMode });
  rules.start();

  sub = connect(broker.url, { clientId: 'porchlight-test-subscriber', reconnectPeriod: 0 });
  sub.on('message', (topic, payload, packet) => {
    const m = { topic, payload: payload.toString(), retain: packet.retain };
    messages.push(m);
    for (const w of [...waiters]) {
      if (w.pred(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    sub.once('connect', () => resolve());
    sub.once('error', reject);
  });
  await sub.subscribeAsync(['homeassistant/#', 'porchlight/#'], { qos: 1 });
});

afterAll(async () => {
  rules?.stop();
  await notifier?.stop();
  await sub?.endAsync(true);
  await h?.close();
  await broker?.stop();
});

describe('MQTT sink', () => {
  it('announces cameras to Home Assistant, publishes the alert and the sensor state', async () => {
    const sink = await notifier.upsert({ kind: 'mqtt', name: 'Home Assistant', url: broker.url, enabled: true });
    const rule = rules.upsert({ name: 'People at the front', cameras: ['front'], labels: ['person'], cooldownSeconds: 0, schedule: { timezone: 'UTC' }, sinks: [sink.id] });

    const disc = await nextMessage((m) => m.topic === 'homeassistant/binary_sensor/porchlight_front_person/config');
    // retained: a client that subscribes later (Home Assistant after a restart) still gets it
    const late = connect(broker.url, { clientId: 'porchlight-test-late', reconnectPeriod: 0 });
    try {
      const retained = new Promise<{ retain: boolean; payload: string }>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no retained message in 5 s')), 5000);
        late.on('message', (_t, payload, packet) => {
          clearTimeout(t);
          resolve({ retain: packet.retain, payload: payload.toString() });
        });
      });
      await late.subscribeAsync(disc.topic, { qos: 1 });
      expect(await retained).toEqual({ retain: true, payload: disc.payload });
    } finally {
      await late.endAsync(true);
    }
    expect(JSON.parse(disc.payload)).toMatchObject({
      name: 'person',
      unique_id: 'porchlight_front_person',
      state_topic: 'porchlight/front/person',
      device_class: 'occupancy',
      availability_topic: 'porchlight/availability',
      device: { identifiers: ['porchlight_front'], name: 'Front door', manufacturer: 'Porchlight' },
    });
    await nextMessage((m) => m.topic === 'porchlight/availability' && m.payload === 'online');
    // only the cameras and labels the rule allows
    expect(messages.some((m) => m.topic.includes('porchlight_back_'))).toBe(false);

    const e: EventDto = {
      id: 'ev-mqtt-1',
      cameraId: 'front',
      label: 'person',
      start: Date.now(),
      end: null,
      topScore: 0.91,
      box: [0.1, 0.1, 0.4, 0.8],
      zones: ['porch'],
      currentZones: ['porch'],
      hasSnapshot: false,
      falsePositive: false,
      keep: false,
    };
    h.engine.events.upsert({ ...e, snapshot: null });
    h.engine.bus.publish('event.changed', e);
    const alert = await nextMessage((m) => m.topic === 'porchlight/front/alert');
    expect(JSON.parse(alert.payload)).toMatchObject({ type: 'alert', alert: { ruleId: rule.id, eventId: e.id, label: 'person' }, camera: { id: 'front', name: 'Front door' } });
    await nextMessage((m) => m.topic === 'porchlight/front/person' && m.payload === 'ON');
    const onAt = messages.findIndex((m) => m.topic === 'porchlight/front/person' && m.payload === 'ON');
    // the object leaves: the sensor clears
    h.engine.bus.publish('event.changed', { ...e, end: Date.now() });
    await nextMessage((m, i = messages.indexOf(m)) => i > onAt && m.topic === 'porchlight/front/person' && m.payload === 'OFF');
    await notifier.idle();
    expect(notifier.statusOf(sink.id)).toMatchObject({ failures: 0, dropped: 0 });
    expect(await notifier.test(sink.id)).toMatchObject({ ok: true });
  });

  it('a broker that is not there shows in the status instead of failing silently', async () => {
    const dead = await notifier.upsert({ kind: 'mqtt', name: 'Nowhere', url: 'mqtt://127.0.0.1:1', enabled: true });
    const r = await notifier.test(dead.id);
    expect(r.ok).toBe(false);
    expect(notifier.statusOf(dead.id).lastError?.message).toBeTruthy();
    await notifier.delete(dead.id);
  });
});
