// The notifier: sink kinds registered by key, one instance per configured sink, delivery with retries and a visible status.
import type { EventDto } from '../../common/contract/events.js';
import { ApiFailure } from '../../common/contract/index.js';
import type { Alert, DeliveryResult, SinkConfig, SinkInput, SinkStatus, SinkView } from '../../common/contract/rules.js';
import { createLogger, type Logger } from '../log/index.js';
import type { SecretBox } from '../secrets/index.js';
import type { Database } from '../storage/database.js';
import { BUILTIN_SINKS, SinkRepository, viewOf } from './repository.js';
import type { Bus } from '../bus/index.js';

const log = createLogger('notify');

/** What every sink is handed for one alert. */
export interface AlertNotice {
  alert: Alert;
  event: EventDto | null;
  camera: { id: string; name: string };
  /** Relative to the snapshots folder, as the media URLs name it. */
  snapshot: string | null;
  /** The snapshot's JPEG bytes, read through the media store when a sink wants them (the desktop notification's image). */
  snapshotJpeg: () => Promise<Buffer | null>;
  /** A notification the user asked for with sinks.test. */
  test?: boolean;
}

/** The Electron host shows it with the snapshot; clicking opens the event. */
export interface DesktopNotice {
  title: string;
  body: string;
  alertId: number;
  eventId: string | null;
  cameraId: string;
  snapshotJpeg: Buffer | null;
}
export type DesktopNotifier = (n: DesktopNotice) => void | Promise<void>;

/** The cameras and labels an integration (Home Assistant) should know about. */
export interface DiscoveryTarget {
  cameraId: string;
  cameraName: string;
  labels: string[];
}

export interface SinkContext {
  sinkId: string;
  bus: Bus;
  log: Logger;
  desktop(): DesktopNotifier | null;
  discovery(): DiscoveryTarget[];
  /** A failure outside a delivery (a broker refusing the login) shown in the sink's status. */
  reportError(message: string): void;
}

export interface SinkInstance {
  /** Throws when the notification did not get through; the notifier retries. */
  send(n: AlertNotice, signal: AbortSignal): Promise<void>;
  /** An event that alerted through this sink ended (MQTT turns its sensor off). */
  eventEnded?(event: EventDto): void;
  /** Cameras or rules changed (MQTT re-announces its discovery messages). */
  refresh?(): void;
  /** False when this host cannot deliver at all (no desktop on the server): skipped, not failed. */
  available?(): boolean;
  close(): Promise<void>;
}

export interface SinkKind {
  kind: SinkConfig['kind'] | (typeof BUILTIN_SINKS)[number];
  /** Whether a failed delivery is tried again (a toast is not). */
  retry: boolean;
  create(config: SinkConfig | null, ctx: SinkContext): SinkInstance;
}

const KINDS = new Map<string, SinkKind>();

/** Adding a sink is a file that calls this, plus its line in sinks/index.ts. */
export function registerSinkKind(kind: SinkKind): void {
  KINDS.set(kind.kind, kind);
}

export interface NotifierOptions {
  /** Waits between attempts; the length is the number of retries. */
  retryDelaysMs?: number[];
  /** One attempt's limit. */
  timeoutMs?: number;
  /** Deliveries waiting per sink before new ones are dropped (and counted). */
  maxPending?: number;
  /** Seals sink secrets at rest. */
  secrets?: SecretBox;
}

const BUILTIN_NAMES: Record<(typeof BUILTIN_SINKS)[number], string> = { toast: 'In-app notification', desktop: 'Desktop notification' };

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `${err.message} (${cause.code})`;
    if (cause?.message) return `${err.message}: ${cause.message}`;
    return err.message;
  }
  return String(err);
}

interface Active {
  config: SinkConfig | null;
  kind: SinkKind;
  instance: SinkInstance;
  pending: number;
}

export class Notifier {
  private readonly repo: SinkRepository;
  private readonly active = new Map<string, Active>();
  private readonly status = new Map<string, SinkStatus>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly retryDelaysMs: number[];
  private readonly timeoutMs: number;
  private readonly maxPending: number;
  private desktopFn: DesktopNotifier | null = null;
  private discoverySource: (sinkId: string) => DiscoveryTarget[] = () => [];
  private started = false;

  constructor(
    db: Database,
    private readonly bus: Bus,
    opts: NotifierOptions = {},
  ) {
    this.repo = new SinkRepository(db, opts.secrets);
    this.retryDelaysMs = opts.retryDelaysMs ?? [1000, 5000, 30_000];
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxPending = opts.maxPending ?? 100;
  }

  /** Creates the built-in sinks and every enabled configured one; connects only where the user configured. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const id of BUILTIN_SINKS) this.open(id, null);
    for (const c of this.repo.list()) if (c.enabled) this.open(c.id, c);
  }

  /** Waits for running deliveries to stop, then closes every sink; safe to call twice. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.inflight]);
    const closing = [...this.active.values()].map((a) => a.instance.close());
    this.active.clear();
    await Promise.allSettled(closing);
  }

  /** The Electron host fills this in; the server has none and desktop deliveries are skipped. */
  setDesktopNotifier(fn: DesktopNotifier | null): void {
    this.desktopFn = fn;
  }

  setDiscoverySource(fn: (sinkId: string) => DiscoveryTarget[]): void {
    this.discoverySource = fn;
  }

  /** Cameras or rules changed: integrations re-announce what exists. */
  refreshDiscovery(): void {
    for (const a of this.active.values()) a.instance.refresh?.();
  }

  eventEnded(event: EventDto, sinkIds: readonly string[]): void {
    for (const id of sinkIds) this.active.get(id)?.instance.eventEnded?.(event);
  }

  private open(id: string, config: SinkConfig | null): void {
    const kind = KINDS.get(config?.kind ?? id);
    if (!kind) {
      log.warn({ sink: id }, 'no sink kind registered for this sink');
      return;
    }
    const ctx: SinkContext = {
      sinkId: id,
      bus: this.bus,
      log,
      desktop: () => this.desktopFn,
      discovery: () => this.discoverySource(id),
      reportError: (message) => this.failed(id, message),
    };
    try {
      this.active.set(id, { config, kind, instance: kind.create(config, ctx), pending: 0 });
    } catch (err) {
      this.failed(id, errorMessage(err));
    }
  }

  private async close(id: string): Promise<void> {
    const a = this.active.get(id);
    this.active.delete(id);
    await a?.instance.close();
  }

  // --- configuration -----------------------------------------------------------------------

  list(): { sink: SinkView; status: SinkStatus }[] {
    const builtins: SinkView[] = BUILTIN_SINKS.map((id) => ({
      id,
      kind: id,
      name: BUILTIN_NAMES[id],
      enabled: id === 'desktop' ? this.desktopFn !== null : true,
    }));
    return [...builtins, ...this.repo.list().map(viewOf)].map((sink) => ({ sink, status: this.statusOf(sink.id) }));
  }

  exists(id: string): boolean {
    return (BUILTIN_SINKS as readonly string[]).includes(id) || this.repo.get(id) !== undefined;
  }

  async upsert(input: SinkInput): Promise<SinkView> {
    const config = this.repo.upsert(input);
    await this.close(config.id);
    this.status.delete(config.id);
    if (config.enabled && this.started && !this.stopping.signal.aborted) this.open(config.id, config);
    log.info({ sink: config.id, kind: config.kind, enabled: config.enabled }, 'sink saved');
    return viewOf(config);
  }

  async delete(id: string): Promise<boolean> {
    if ((BUILTIN_SINKS as readonly string[]).includes(id)) throw new ApiFailure('conflict', `${id} is a built-in sink`);
    await this.close(id);
    this.status.delete(id);
    return this.repo.delete(id);
  }

  // --- delivery ----------------------------------------------------------------------------

  statusOf(id: string): SinkStatus {
    return this.status.get(id) ?? { id, lastOk: null, lastError: null, failures: 0, dropped: 0 };
  }

  private setStatus(s: SinkStatus): void {
    this.status.set(s.id, s);
    this.bus.publish('sink.status', s);
  }

  private succeeded(id: string): void {
    this.setStatus({ ...this.statusOf(id), lastOk: Date.now(), failures: 0 });
  }

  private failed(id: string, message: string): void {
    const s = this.statusOf(id);
    this.setStatus({ ...s, lastError: { time: Date.now(), message: message.slice(0, 500) }, failures: s.failures + 1 });
  }

  private dropped(id: string): void {
    const s = this.statusOf(id);
    this.setStatus({ ...s, dropped: s.dropped + 1 });
  }

  /** Hands an alert to each named sink; returns at once, deliveries run in the background. */
  notify(sinkIds: readonly string[], notice: AlertNotice): void {
    for (const id of new Set(sinkIds)) {
      const a = this.active.get(id);
      if (!a || a.instance.available?.() === false) continue; // disabled, deleted, or the desktop sink on the server
      if (a.pending >= this.maxPending) {
        log.warn({ sink: id, camera: notice.camera.id }, 'sink queue full, notification dropped');
        this.dropped(id);
        continue;
      }
      a.pending++;
      const p = this.deliver(id, a, notice).finally(() => {
        a.pending--;
        this.inflight.delete(p);
      });
      this.inflight.add(p);
    }
  }

  /** Resolves when every delivery started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async attempt(a: Active, notice: AlertNotice): Promise<DeliveryResult> {
    const t0 = Date.now();
    try {
      await a.instance.send(notice, AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.timeoutMs)]));
      return { ok: true, durationMs: Date.now() - t0 };
    } catch (err) {
      return { ok: false, message: errorMessage(err), durationMs: Date.now() - t0 };
    }
  }

  private async deliver(id: string, a: Active, notice: AlertNotice): Promise<void> {
    const delays = a.kind.retry ? this.retryDelaysMs : [];
    for (let i = 0; i <= delays.length; i++) {
      if (this.stopping.signal.aborted) return;
      const r = await this.attempt(a, notice);
      if (r.ok) {
        this.succeeded(id);
        return;
      }
      this.failed(id, r.message ?? 'failed');
      log.warn({ sink: id, camera: notice.camera.id, attempt: i + 1, error: r.message }, 'notification not delivered');
      const wait = delays[i];
      if (wait === undefined || !(await this.sleep(wait))) break;
    }
    this.dropped(id);
    log.error({ sink: id, camera: notice.camera.id }, 'notification given up after retries');
  }

  /** False when the notifier stops during the wait. */
  private sleep(ms: number): Promise<boolean> {
    const signal = this.stopping.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = (): void => {
        clearTimeout(t);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** One test notification through one sink, now, without retries. */
  async test(id: string): Promise<DeliveryResult> {
    const a = this.active.get(id);
    if (!a) {
      if (!this.exists(id)) throw new ApiFailure('not_found', `There is no sink with id ${JSON.stringify(id)}`);
      return { ok: false, message: 'This sink is disabled', durationMs: 0 };
    }
    if (a.instance.available?.() === false) return { ok: false, message: 'This sink is not available on this host', durationMs: 0 };
    const now = Date.now();
    const notice: AlertNotice = {
      alert: { id: 0, ruleId: 'test', ruleName: 'Test notification', eventId: null, cameraId: 'test', label: 'test', time: now, seen: false },
      event: null,
      camera: { id: 'test', name: 'Test' },
      snapshot: null,
      snapshotJpeg: () => Promise.resolve(null),
      test: true,
    };
    const r = await this.attempt(a, notice);
    if (r.ok) this.succeeded(id);
    else this.failed(id, r.message ?? 'failed');
    return r;
  }
}
