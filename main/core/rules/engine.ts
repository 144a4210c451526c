// The rule engine: evaluates every rule on each event.changed, stores and publishes alerts, hands them to the notifier.
import type { EventDto, EventQuery } from '../../common/contract/events.js';
import { ApiFailure } from '../../common/contract/index.js';
import { RuleInput, type Alert, type Rule } from '../../common/contract/rules.js';
import type { Bus } from '../bus/index.js';
import type { CameraRepository } from '../cameras/repository.js';
import type { EventRepository } from '../events/repository.js';
import { createLogger } from '../log/index.js';
import type { DiscoveryTarget, Notifier } from '../notify/notifier.js';
import type { Database } from '../storage/database.js';
import { evaluate, MemoryCooldowns, ZoneTracker, type Cooldowns } from './evaluate.js';
import { RuleRepository } from './repository.js';

const log = createLogger('rules');

/** Labels announced to integrations for a rule that allows every label. */
export const DISCOVERY_LABELS = ['person', 'car', 'dog', 'cat'];
const MAX_TRACKED_EVENTS = 5000;
const MAX_RECHECKS = 1000;
/** Preview reads at most this many events (20 pages of 500). */
const PREVIEW_MAX_PAGES = 20;

export interface RuleEngineDeps {
  db: Database;
  bus: Bus;
  events: Pick<EventRepository, 'query' | 'snapshotPath'>;
  cameras: Pick<CameraRepository, 'get' | 'list'>;
  /** The home/away switch: settings `general.homeMode`. */
  homeMode: () => 'home' | 'away';
  notifier?: Notifier;
  /** A snapshot's JPEG (relative to the snapshots folder) from the media store, for the desktop notification. */
  snapshotJpeg?: (relative: string) => Promise<Buffer | null>;
  now?: () => number;
}

/** Remembers a bounded number of keys, forgetting the oldest first. */
class BoundedMap<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V): this {
    if (!this.has(key) && this.size >= this.max) {
      const oldest = this.keys().next().value;
      if (oldest !== undefined) this.delete(oldest);
    }
    return super.set(key, value);
  }
}

/** Cooldowns from memory, falling back to the alerts table after a restart. */
class StoredCooldowns implements Cooldowns {
  private readonly times = new BoundedMap<number | undefined>(10_000);
  constructor(private readonly repo: RuleRepository) {}
  last(ruleId: string, cameraId: string): number | undefined {
    const key = `${ruleId}\0${cameraId}`;
    if (!this.times.has(key)) this.times.set(key, this.repo.lastAlertTime(ruleId, cameraId));
    return this.times.get(key);
  }
  record(ruleId: string, cameraId: string, time: number): void {
    this.times.set(`${ruleId}\0${cameraId}`, time);
  }
}

export class RuleEngine {
  readonly repo: RuleRepository;
  private readonly bus: Bus;
  private readonly now: () => number;
  private rules: Rule[] = [];
  private readonly zones = new ZoneTracker(MAX_TRACKED_EVENTS);
  private readonly cooldowns: StoredCooldowns;
  /** Rules already decided for an event (fired, or held back by a cooldown): one alert per rule per event. */
  private readonly decided = new BoundedMap<Set<string>>(MAX_TRACKED_EVENTS);
  /** Sinks an open event alerted through, told when it ends. */
  private readonly alertedSinks = new BoundedMap<Set<string>>(MAX_TRACKED_EVENTS);
  /** Open events waiting to have been inside a zone long enough. */
  private readonly rechecks = new Map<string, { at: number; timer: NodeJS.Timeout; event: EventDto }>();
  private readonly unsubscribe: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly deps: RuleEngineDeps) {
    this.repo = new RuleRepository(deps.db);
    this.cooldowns = new StoredCooldowns(this.repo);
    this.bus = deps.bus;
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.rules = this.repo.list();
    this.unsubscribe.push(this.deps.bus.subscribe('event.changed', (e) => this.handle(e)));
    this.unsubscribe.push(this.deps.bus.subscribe('camera.changed', () => this.deps.notifier?.refreshDiscovery()));
    this.deps.notifier?.setDiscoverySource((sinkId) => this.discoveryTargets(sinkId));
    log.info({ rules: this.rules.length }, 'rules loaded');
  }

  /** Safe to call twice. */
  stop(): void {
    this.stopped = true;
    for (const u of this.unsubscribe.splice(0)) u();
    for (const r of this.rechecks.values()) clearTimeout(r.timer);
    this.rechecks.clear();
  }

  // --- rules -------------------------------------------------------------------------------

  list(): Rule[] {
    return this.rules;
  }

  upsert(input: RuleInput): Rule {
    const parsed = RuleInput.parse(input);
    const unknown = parsed.sinks.filter((s) => this.deps.notifier && !this.deps.notifier.exists(s));
    if (unknown.length > 0) throw new ApiFailure('invalid_input', `sinks: no sink with id ${unknown.map((s) => JSON.stringify(s)).join(', ')}`);
    const rule = this.repo.upsert(parsed);
    this.reload();
    log.info({ rule: rule.id, enabled: rule.enabled }, 'rule saved');
    return rule;
  }

  delete(id: string): boolean {
    const deleted = this.repo.delete(id);
    this.reload();
    return deleted;
  }

  snooze(id: string, minutes: number | null): Rule {
    const rule = this.rules.find((r) => r.id === id);
    if (!rule) throw new ApiFailure('not_found', `There is no rule with id ${JSON.stringify(id)}`);
    const saved = this.repo.upsert({ ...rule, snoozedUntil: minutes === null ? null : this.now() + minutes * 60_000 });
    this.reload();
    return saved;
  }

  /** A deleted sink leaves every rule that named it. */
  removeSink(sinkId: string): void {
    for (const r of this.rules) if (r.sinks.includes(sinkId)) this.repo.upsert({ ...r, sinks: r.sinks.filter((s) => s !== sinkId) });
    this.reload();
  }

  private reload(): void {
    this.rules = this.repo.list();
    this.deps.notifier?.refreshDiscovery();
  }

  /** Per camera, the labels the enabled rules using this sink can alert on. */
  discoveryTargets(sinkId: string): DiscoveryTarget[] {
    const cameras = this.deps.cameras.list();
    const labels = new Map<string, Set<string>>();
    for (const r of this.rules) {
      if (!r.enabled || !r.sinks.includes(sinkId)) continue;
      for (const c of cameras) {
        if (r.cameras.length > 0 && !r.cameras.includes(c.id)) continue;
        const set = labels.get(c.id) ?? new Set<string>();
        for (const l of r.labels.length > 0 ? r.labels : DISCOVERY_LABELS) set.add(l);
        labels.set(c.id, set);
      }
    }
    return cameras.filter((c) => labels.has(c.id)).map((c) => ({ cameraId: c.id, cameraName: c.name, labels: [...(labels.get(c.id) ?? [])] }));
  }

  // --- evaluation --------------------------------------------------------------------------

  /** One update of one event against every rule; returns the alerts it raised. */
  handle(event: EventDto, now = this.now()): Alert[] {
    if (this.stopped) return [];
    // a pending recheck judges the latest update: an object that walked out must not fire on a stale one
    const pending = this.rechecks.get(event.id);
    if (pending) pending.event = event;
    this.zones.observe(event, now);
    const ctx = { now, homeMode: this.deps.homeMode(), zones: this.zones, cooldowns: this.cooldowns };
    const raised: Alert[] = [];
    for (const rule of this.rules) {
      const decided = this.decided.get(event.id);
      if (decided?.has(rule.id)) continue;
      const v = evaluate(rule, event, ctx);
      if (v.fire) {
        const alert = this.fire(rule, event, v.time);
        if (alert) raised.push(alert);
        this.decide(event.id, rule.id);
      } else if (v.reason === 'cooldown') {
        // held back for good: the same object should not alert later just because the cooldown ran out
        this.decide(event.id, rule.id);
      } else if (v.recheckAt !== undefined) {
        this.scheduleRecheck(event, v.recheckAt, now);
      }
    }
    if (event.end !== null) this.ended(event);
    return raised;
  }

  private decide(eventId: string, ruleId: string): void {
    const set = this.decided.get(eventId) ?? new Set<string>();
    set.add(ruleId);
    this.decided.set(eventId, set);
  }

  private ended(event: EventDto): void {
    this.zones.forget(event.id);
    const r = this.rechecks.get(event.id);
    if (r) clearTimeout(r.timer);
    this.rechecks.delete(event.id);
    const sinks = this.alertedSinks.get(event.id);
    this.alertedSinks.delete(event.id);
    if (sinks) this.deps.notifier?.eventEnded(event, [...sinks]);
  }

  /** An object inside a zone may qualify without another update arriving: look again when it would. */
  private scheduleRecheck(event: EventDto, at: number, now: number): void {
    const existing = this.rechecks.get(event.id);
    if (existing && existing.at <= at) {
      existing.event = event;
      return;
    }
    if (!existing && this.rechecks.size >= MAX_RECHECKS) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      const r = this.rechecks.get(event.id);
      this.rechecks.delete(event.id);
      if (!r || r.event.end !== null) return;
      try {
        this.handle(r.event);
      } catch (err) {
        log.error({ err, camera: r.event.cameraId }, 'rule recheck failed');
      }
    }, Math.max(0, at - now) + 5);
    timer.unref();
    this.rechecks.set(event.id, { at, timer, event });
  }

  private fire(rule: Rule, event: EventDto, time: number): Alert | undefined {
    let id: number;
    try {
      id = this.repo.insertAlert({ ruleId: rule.id, eventId: event.id, cameraId: event.cameraId, label: event.label, time });
    } catch (err) {
      // the event or the rule was deleted meanwhile
      log.warn({ err, camera: event.cameraId, rule: rule.id }, 'alert not stored');
      return undefined;
    }
    this.cooldowns.record(rule.id, event.cameraId, time);
    const alert: Alert = { id, ruleId: rule.id, ruleName: rule.name, eventId: event.id, cameraId: event.cameraId, label: event.label, time, seen: false };
    const cameraName = this.deps.cameras.get(event.cameraId)?.name ?? event.cameraId;
    const snapshot = this.deps.events.snapshotPath(event.id);
    log.info({ camera: event.cameraId, rule: rule.id, label: event.label, alert: id }, 'alert');
    this.bus.publish('alert.new', { ...alert, snapshot, cameraName });
    if (this.deps.notifier && rule.sinks.length > 0) {
      const read = this.deps.snapshotJpeg;
      const snapshotJpeg = (): Promise<Buffer | null> => (snapshot && read ? read(snapshot) : Promise.resolve(null));
      this.deps.notifier.notify(rule.sinks, { alert, event, camera: { id: event.cameraId, name: cameraName }, snapshot, snapshotJpeg });
      if (event.end === null) this.alertedSinks.set(event.id, new Set([...(this.alertedSinks.get(event.id) ?? []), ...rule.sinks]));
      else this.deps.notifier.eventEnded(event, rule.sinks);
    }
    return alert;
  }

  // --- preview -----------------------------------------------------------------------------

  /**
   * Replays the stored events of the last hours through the same evaluation, with fresh
   * cooldowns. Stored events hold only their final zones, so a zone the object ended in counts from the event's start.
   */
  preview(input: RuleInput, hours: number): { count: number; events: EventDto[] } {
    const parsed = RuleInput.parse(input);
    const rule: Rule = { ...parsed, id: parsed.id ?? 'preview' };
    const now = this.now();
    const stored: EventDto[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < PREVIEW_MAX_PAGES; page++) {
      const q: EventQuery = { after: now - hours * 3_600_000, limit: 500, ...(cursor ? { cursor } : {}) };
      if (rule.cameras.length > 0) q.cameras = rule.cameras;
      if (rule.labels.length > 0) q.labels = rule.labels;
      const res = this.deps.events.query(q);
      stored.push(...res.items);
      if (!res.nextCursor) break;
      cursor = res.nextCursor;
    }
    // each event is seen twice, as the live engine sees it: when it starts, and when it ends (or now)
    const observations = stored.flatMap((e) => [
      { t: e.start, order: 0, event: { ...e, end: null } },
      { t: e.end ?? now, order: 1, event: e },
    ]);
    observations.sort((a, b) => a.t - b.t || a.order - b.order);
    const zones = new ZoneTracker(stored.length + 1);
    const cooldowns = new MemoryCooldowns();
    const decided = new Set<string>();
    const fired: EventDto[] = [];
    const byId = new Map(stored.map((e) => [e.id, e]));
    for (const o of observations) {
      if (decided.has(o.event.id)) continue;
      zones.observe(o.event, o.t);
      const v = evaluate(rule, o.event, { now: o.t, homeMode: 'away', zones, cooldowns, replay: true });
      if (v.fire) {
        cooldowns.record(rule.id, o.event.cameraId, v.time);
        decided.add(o.event.id);
        const original = byId.get(o.event.id);
        if (original) fired.push(original);
      } else if (v.reason === 'cooldown') {
        decided.add(o.event.id);
      }
    }
    fired.sort((a, b) => b.start - a.start);
    return { count: fired.length, events: fired.slice(0, 50) };
  }
}
