// MQTT: connects only to the user's broker; per-camera alert and state topics, Home Assistant discovery so cameras appear as sensors.
import { randomBytes } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import type { EventDto } from '../../../common/contract/events.js';
import type { MqttSinkConfig } from '../../../common/contract/rules.js';
import { registerSinkKind, type DiscoveryTarget, type SinkContext, type SinkInstance } from '../notifier.js';

/** Topic levels and Home Assistant object ids allow a narrow alphabet. */
export function topicSafe(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
}

export function discoveryTopic(discoveryPrefix: string, cameraId: string, label: string): string {
  return `${discoveryPrefix}/binary_sensor/porchlight_${topicSafe(cameraId)}_${topicSafe(label)}/config`;
}

export function stateTopic(topicPrefix: string, cameraId: string, label: string): string {
  return `${topicPrefix}/${topicSafe(cameraId)}/${topicSafe(label)}`;
}

export function alertTopic(topicPrefix: string, cameraId: string): string {
  return `${topicPrefix}/${topicSafe(cameraId)}/alert`;
}

/** Home Assistant's MQTT discovery document for one camera × label binary sensor. */
export function discoveryConfig(c: Pick<MqttSinkConfig, 'topicPrefix'>, t: DiscoveryTarget, label: string): Record<string, unknown> {
  const cam = topicSafe(t.cameraId);
  return {
    name: `${label}`,
    unique_id: `porchlight_${cam}_${topicSafe(label)}`,
    state_topic: stateTopic(c.topicPrefix, t.cameraId, label),
    payload_on: 'ON',
    payload_off: 'OFF',
    availability_topic: `${c.topicPrefix}/availability`,
    device_class: label === 'person' ? 'occupancy' : 'motion',
    device: { identifiers: [`porchlight_${cam}`], name: t.cameraName, manufacturer: 'Porchlight', model: 'Camera' },
  };
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error(signal.reason instanceof Error && signal.reason.name === 'TimeoutError' ? 'the broker did not acknowledge in time' : 'cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

class MqttSink implements SinkInstance {
  private readonly client: MqttClient;
  /** (camera, label) → open events keeping that sensor ON. */
  private readonly on = new Map<string, Set<string>>();
  private readonly availability: string;
  private closed = false;

  constructor(
    private readonly c: MqttSinkConfig,
    private readonly ctx: SinkContext,
  ) {
    this.availability = `${c.topicPrefix}/availability`;
    this.client = connect(c.url, {
      ...(c.username ? { username: c.username } : {}),
      ...(c.password ? { password: c.password } : {}),
      clientId: `porchlight_${randomBytes(4).toString('hex')}`,
      reconnectPeriod: 5000,
      connectTimeout: 10_000,
      // Home Assistant marks the sensors unavailable if Porchlight vanishes
      will: { topic: this.availability, payload: Buffer.from('offline'), retain: true, qos: 1 },
    });
    this.client.on('connect', () => {
      ctx.log.info({ sink: ctx.sinkId }, 'connected to the MQTT broker');
      void this.announce();
      // Home Assistant asks for discovery again when it restarts
      this.client.subscribe(`${c.discoveryPrefix}/status`, { qos: 0 });
    });
    this.client.on('message', (topic, payload) => {
      if (topic === `${c.discoveryPrefix}/status` && payload.toString() === 'online') void this.announce();
    });
    // MQTT.js reconnects by itself; the error is shown in the sink's status
    this.client.on('error', (err) => ctx.reportError(`MQTT: ${err.message}`));
  }

  /** Availability, then a retained discovery document and current state per camera × label. */
  private async announce(): Promise<void> {
    if (!this.client.connected) return;
    try {
      await this.client.publishAsync(this.availability, 'online', { qos: 1, retain: true });
      for (const t of this.ctx.discovery()) {
        for (const label of t.labels) {
          await this.client.publishAsync(discoveryTopic(this.c.discoveryPrefix, t.cameraId, label), JSON.stringify(discoveryConfig(this.c, t, label)), {
            qos: 1,
            retain: true,
          });
          const state = (this.on.get(`${t.cameraId}\0${label}`)?.size ?? 0) > 0 ? 'ON' : 'OFF';
          await this.client.publishAsync(stateTopic(this.c.topicPrefix, t.cameraId, label), state, { qos: 1, retain: true });
        }
      }
    } catch (err) {
      if (!this.closed) this.ctx.reportError(`MQTT discovery: ${(err as Error).message}`);
    }
  }

  refresh(): void {
    void this.announce();
  }

  async send(n: Parameters<SinkInstance['send']>[0], signal: AbortSignal): Promise<void> {
    // fail now rather than queue inside MQTT.js: the status shows it and the notifier retries
    if (!this.client.connected) throw new Error('not connected to the MQTT broker');
    const { alert } = n;
    const payload = JSON.stringify({
      type: n.test ? 'test' : 'alert',
      alert,
      camera: n.camera,
      event: n.event && { id: n.event.id, label: n.event.label, start: n.event.start, topScore: n.event.topScore, zones: n.event.zones },
    });
    await untilAborted(this.client.publishAsync(alertTopic(this.c.topicPrefix, n.camera.id), payload, { qos: 1 }), signal);
    if (n.test) return;
    const key = `${n.camera.id}\0${alert.label}`;
    const open = this.on.get(key) ?? new Set<string>();
    open.add(alert.eventId ?? `alert-${alert.id}`);
    this.on.set(key, open);
    await untilAborted(this.client.publishAsync(stateTopic(this.c.topicPrefix, n.camera.id, alert.label), 'ON', { qos: 1, retain: true }), signal);
  }

  eventEnded(event: EventDto): void {
    const key = `${event.cameraId}\0${event.label}`;
    const open = this.on.get(key);
    if (!open?.delete(event.id) || open.size > 0) return;
    this.on.delete(key);
    if (this.client.connected) this.client.publish(stateTopic(this.c.topicPrefix, event.cameraId, event.label), 'OFF', { qos: 1, retain: true });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.client.connected) {
      // a clean goodbye: the will is not sent on a normal disconnect
      await untilAborted(this.client.publishAsync(this.availability, 'offline', { qos: 1, retain: true }), AbortSignal.timeout(2000)).catch(() => undefined);
    }
    await this.client.endAsync(true);
  }
}

registerSinkKind({
  kind: 'mqtt',
  retry: true,
  create: (config, ctx) => new MqttSink(config as MqttSinkConfig, ctx),
});
