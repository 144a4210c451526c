// Pure rule evaluation: weekly schedules on an IANA wall clock, zones (entered / inside ≥ N s), score, cooldown, snooze.
import { MOTION_LABEL, type EventDto } from '../../common/contract/events.js';
import type { Rule, Schedule, Weekday } from '../../common/contract/rules.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // h23: some engines print midnight as "24" with hour12 off
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Weekday and minute of the day on the wall clock of `timeZone` at an instant; Intl applies the DST rules. */
export function localTime(time: number, timeZone: string): { weekday: Weekday; minute: number } {
  let weekday = 'sun';
  let hour = 0;
  let minute = 0;
  for (const p of formatter(timeZone).formatToParts(new Date(time))) {
    if (p.type === 'weekday') weekday = p.value.toLowerCase();
    else if (p.type === 'hour') hour = Number(p.value) % 24;
    else if (p.type === 'minute') minute = Number(p.value);
  }
  return { weekday: weekday as Weekday, minute: hour * 60 + minute };
}

/** Whether the wall-clock time at `time` lies in one of that weekday's [start, end) ranges. */
export function scheduleAllows(schedule: Pick<Schedule, 'timezone' | 'days'>, time: number): boolean {
  const { weekday, minute } = localTime(time, schedule.timezone);
  return schedule.days[weekday].some(([start, end]) => minute >= start && minute < end);
}

/**
 * When each open event's object last entered each zone it is in now (`currentZones`): a zone
 * missing from a later update is left, and entering it again starts its clock again.
 */
export class ZoneTracker {
  private readonly since = new Map<string, Map<string, number>>();

  constructor(private readonly maxEvents = 5000) {}

  observe(event: EventDto, now: number): void {
    let zones = this.since.get(event.id);
    if (!zones) {
      // bounded: the oldest open event is forgotten first
      if (this.since.size >= this.maxEvents) {
        const oldest = this.since.keys().next().value;
        if (oldest !== undefined) this.since.delete(oldest);
      }
      zones = new Map();
      this.since.set(event.id, zones);
    }
    for (const z of [...zones.keys()]) if (!event.currentZones.includes(z)) zones.delete(z);
    for (const z of event.currentZones) if (!zones.has(z)) zones.set(z, now);
  }

  enteredAt(eventId: string, zone: string): number | undefined {
    return this.since.get(eventId)?.get(zone);
  }

  forget(eventId: string): void {
    this.since.delete(eventId);
  }
}

export interface Cooldowns {
  /** The time of the last alert of this rule on this camera, if any. */
  last(ruleId: string, cameraId: string): number | undefined;
}

export interface EvalContext {
  /** When this update of the event was observed. */
  now: number;
  homeMode: 'home' | 'away';
  zones: ZoneTracker;
  cooldowns: Cooldowns;
  /** Preview replays history: snooze, the enabled switch and today's home/away do not apply. */
  replay?: boolean;
}

export type Reason =
  | 'disabled'
  | 'snoozed'
  | 'camera'
  | 'label'
  | 'false_positive'
  /** held by the pipeline: parked since detection started, or the owner's examples say false alarm */
  | 'quiet'
  | 'score'
  | 'zone'
  | 'zone_time'
  | 'home'
  | 'schedule'
  | 'cooldown';

export type Verdict =
  | { fire: true; time: number }
  /** recheckAt: the event may match then without another update (inside a zone long enough). */
  | { fire: false; reason: Reason; recheckAt?: number };

/** The instant the rule is judged at: an ended event is judged at its end, however late the update arrives. */
export function judgedAt(event: EventDto, now: number): number {
  return event.end !== null ? Math.min(now, event.end) : now;
}

function zoneVerdict(rule: Rule, event: EventDto, at: number, ctx: EvalContext): Verdict | null {
  const { names, mode, minSeconds } = rule.zones;
  const need = minSeconds * 1000;
  if (names.length === 0) {
    if (mode === 'entered' || need === 0) return null;
    // anywhere in the frame: the event's own age counts
    if (at - event.start >= need) return null;
    return { fire: false, reason: 'zone_time', ...(event.end === null ? { recheckAt: event.start + need } : {}) };
  }
  // 'entered' asks whether the object ever went in; 'inside' whether it is in there now, and for how long
  if (mode === 'entered' || need === 0) return names.some((n) => event.zones.includes(n)) ? null : { fire: false, reason: 'zone' };
  const inZones = names.filter((n) => event.currentZones.includes(n));
  if (inZones.length === 0) return { fire: false, reason: 'zone' };
  let earliest = Infinity;
  for (const z of inZones) {
    const since = ctx.zones.enteredAt(event.id, z) ?? at;
    if (at - since >= need) return null;
    earliest = Math.min(earliest, since + need);
  }
  return { fire: false, reason: 'zone_time', ...(event.end === null ? { recheckAt: earliest } : {}) };
}

/** One rule against one update of one event; `ctx.zones` must already have observed this update. */
export function evaluate(rule: Rule, event: EventDto, ctx: EvalContext): Verdict {
  const at = judgedAt(event, ctx.now);
  if (!ctx.replay) {
    if (!rule.enabled) return { fire: false, reason: 'disabled' };
    if (rule.snoozedUntil !== null && at < rule.snoozedUntil) return { fire: false, reason: 'snoozed' };
  }
  if (rule.cameras.length > 0 && !rule.cameras.includes(event.cameraId)) return { fire: false, reason: 'camera' };
  if (rule.labels.length > 0 && !rule.labels.includes(event.label)) return { fire: false, reason: 'label' };
  // motion events (no model running) alert only where a rule names them: "any object" means objects
  if (rule.labels.length === 0 && event.label === MOTION_LABEL) return { fire: false, reason: 'label' };
  if (event.falsePositive) return { fire: false, reason: 'false_positive' };
  if (event.quiet) return { fire: false, reason: 'quiet' };
  if (event.topScore < rule.minScore) return { fire: false, reason: 'score' };
  const zone = zoneVerdict(rule, event, at, ctx);
  if (zone) return zone;
  if (!ctx.replay && rule.schedule.when === 'away' && ctx.homeMode !== 'away') return { fire: false, reason: 'home' };
  if (!scheduleAllows(rule.schedule, at)) return { fire: false, reason: 'schedule' };
  const last = ctx.cooldowns.last(rule.id, event.cameraId);
  // either side of the last alert: an ended event is judged at its end, which can come before an alert that fired
  // meanwhile (its last update arrived later); without a cooldown nothing is held back
  if (last !== undefined && Math.abs(at - last) < rule.cooldownSeconds * 1000) return { fire: false, reason: 'cooldown' };
  return { fire: true, time: at };
}

/** A cooldown memory for replays and tests: records each alert it is told about. */
export class MemoryCooldowns implements Cooldowns {
  private readonly times = new Map<string, number>();
  last(ruleId: string, cameraId: string): number | undefined {
    return this.times.get(`${ruleId}\0${cameraId}`);
  }
  record(ruleId: string, cameraId: string, time: number): void {
    this.times.set(`${ruleId}\0${cameraId}`, time);
  }
}
