// Rule evaluation: schedules on IANA wall clocks (midnight, DST both ways), zones over time, score, cooldown, snooze, home/away.
import { describe, expect, it } from 'vitest';
import type { EventDto } from '../../common/contract/events.js';
import { Rule, type RuleInput } from '../../common/contract/rules.js';
import { evaluate, localTime, MemoryCooldowns, scheduleAllows, ZoneTracker, type EvalContext } from './evaluate.js';

const MIN = 60_000;

function rule(patch: Partial<RuleInput> = {}): Rule {
  return Rule.parse({ id: 'r1', name: 'Rule', cooldownSeconds: 0, ...patch });
}

function ev(patch: Partial<EventDto> = {}): EventDto {
  return {
    id: 'e1',
    cameraId: 'front',
    label: 'person',
    start: Date.UTC(2026, 5, 1, 12),
    end: null,
    topScore: 0.9,
    box: [0, 0, 1, 1],
    zones: [],
    hasSnapshot: false,
    falsePositive: false,
    keep: false,
    ...patch,
    // an update names the zones entered and, unless a test says otherwise, the object is in them now
    currentZones: patch.currentZones ?? patch.zones ?? [],
  };
}

function ctx(now: number, patch: Partial<EvalContext> = {}): EvalContext {
  return { now, homeMode: 'away', zones: new ZoneTracker(), cooldowns: new MemoryCooldowns(), ...patch };
}

const none = { sun: [], mon: [], tue: [], wed: [], thu: [], fri: [], sat: [] };
const schedule = (timezone: string, days: Partial<Record<keyof typeof none, [number, number][]>>) => ({ timezone, days: { ...none, ...days } });

/** Minutes of [fromUtc, toUtc) at which the schedule allows firing (one sample per minute). */
function allowedMinutes(s: ReturnType<typeof schedule>, fromUtc: number, toUtc: number): number {
  let n = 0;
  for (let t = fromUtc; t < toUtc; t += MIN) if (scheduleAllows(s, t)) n++;
  return n;
}

describe('schedule', () => {
  it('reads the wall clock of the rule’s zone', () => {
    // 2026-06-01 is a Monday; Berlin is UTC+2 in summer, New York UTC-4
    expect(localTime(Date.UTC(2026, 5, 1, 7, 30), 'Europe/Berlin')).toEqual({ weekday: 'mon', minute: 9 * 60 + 30 });
    expect(localTime(Date.UTC(2026, 5, 1, 3, 15), 'America/New_York')).toEqual({ weekday: 'sun', minute: 23 * 60 + 15 });
    expect(localTime(Date.UTC(2026, 5, 1, 22, 0), 'Europe/Berlin')).toEqual({ weekday: 'tue', minute: 0 });
  });

  it('matches weekday ranges, end excluded', () => {
    const s = schedule('Europe/Berlin', { mon: [[9 * 60, 17 * 60]], wed: [[0, 60]] });
    expect(scheduleAllows(s, Date.UTC(2026, 5, 1, 7, 0))).toBe(true); // Mon 09:00
    expect(scheduleAllows(s, Date.UTC(2026, 5, 1, 14, 59))).toBe(true); // Mon 16:59
    expect(scheduleAllows(s, Date.UTC(2026, 5, 1, 15, 0))).toBe(false); // Mon 17:00
    expect(scheduleAllows(s, Date.UTC(2026, 5, 2, 8, 0))).toBe(false); // Tue 10:00
    expect(scheduleAllows(s, Date.UTC(2026, 5, 2, 22, 30))).toBe(true); // Wed 00:30
  });

  it('covers a night across midnight as two ranges on two days', () => {
    // Monday 22:00 → Tuesday 06:00, Berlin summer time (UTC+2)
    const s = schedule('Europe/Berlin', { mon: [[22 * 60, 1440]], tue: [[0, 6 * 60]] });
    expect(scheduleAllows(s, Date.UTC(2026, 5, 1, 19, 59))).toBe(false); // Mon 21:59
    expect(scheduleAllows(s, Date.UTC(2026, 5, 1, 20, 0))).toBe(true); // Mon 22:00
    expect(scheduleAllows(s, Date.UTC(2026, 5, 1, 21, 59, 59))).toBe(true); // Mon 23:59:59
    expect(scheduleAllows(s, Date.UTC(2026, 5, 1, 22, 0))).toBe(true); // Tue 00:00
    expect(scheduleAllows(s, Date.UTC(2026, 5, 2, 3, 59))).toBe(true); // Tue 05:59
    expect(scheduleAllows(s, Date.UTC(2026, 5, 2, 4, 0))).toBe(false); // Tue 06:00
    expect(scheduleAllows(s, Date.UTC(2026, 4, 31, 22, 30))).toBe(false); // Mon 00:30: the night before belongs to Sunday
    expect(allowedMinutes(s, Date.UTC(2026, 5, 1, 0), Date.UTC(2026, 5, 3, 0))).toBe(8 * 60);
  });

  it('America/New_York spring forward (2026-03-08 02:00 → 03:00)', () => {
    const s = schedule('America/New_York', { sun: [[0, 150]] }); // 00:00–02:30 wall clock
    expect(scheduleAllows(s, Date.UTC(2026, 2, 8, 6, 59, 59))).toBe(true); // 01:59:59 EST
    // one second later it is 03:00 EDT: a fixed UTC-5 offset would wrongly say 02:00
    expect(scheduleAllows(s, Date.UTC(2026, 2, 8, 7, 0, 0))).toBe(false);
    expect(localTime(Date.UTC(2026, 2, 8, 7, 0, 0), 'America/New_York')).toEqual({ weekday: 'sun', minute: 180 });
    // the wall clock skips 02:00–02:59, so this range is open only 120 real minutes that day
    expect(allowedMinutes(s, Date.UTC(2026, 2, 8, 5), Date.UTC(2026, 2, 9, 5))).toBe(120);
    // a missing hour never matches
    expect(allowedMinutes(schedule('America/New_York', { sun: [[120, 180]] }), Date.UTC(2026, 2, 8, 5), Date.UTC(2026, 2, 9, 4))).toBe(0);
    // the whole Sunday is 23 hours long
    expect(allowedMinutes(schedule('America/New_York', { sun: [[0, 1440]] }), Date.UTC(2026, 2, 7), Date.UTC(2026, 2, 10))).toBe(23 * 60);
  });

  it('America/New_York fall back (2026-11-01 02:00 → 01:00)', () => {
    const s = schedule('America/New_York', { sun: [[60, 120]] }); // 01:00–02:00 happens twice
    expect(scheduleAllows(s, Date.UTC(2026, 10, 1, 4, 59))).toBe(false); // 00:59 EDT
    expect(scheduleAllows(s, Date.UTC(2026, 10, 1, 5, 0))).toBe(true); // 01:00 EDT
    expect(scheduleAllows(s, Date.UTC(2026, 10, 1, 5, 59, 59))).toBe(true); // 01:59:59 EDT
    expect(scheduleAllows(s, Date.UTC(2026, 10, 1, 6, 0))).toBe(true); // 01:00 EST, again
    expect(scheduleAllows(s, Date.UTC(2026, 10, 1, 6, 59, 59))).toBe(true); // 01:59:59 EST
    expect(scheduleAllows(s, Date.UTC(2026, 10, 1, 7, 0))).toBe(false); // 02:00 EST
    expect(allowedMinutes(s, Date.UTC(2026, 10, 1, 0), Date.UTC(2026, 10, 2, 0))).toBe(120);
    expect(allowedMinutes(schedule('America/New_York', { sun: [[0, 1440]] }), Date.UTC(2026, 9, 31), Date.UTC(2026, 10, 3))).toBe(25 * 60);
  });

  it('Europe/Berlin spring forward (2026-03-29 02:00 → 03:00) and fall back (2026-10-25 03:00 → 02:00)', () => {
    const twoToThree = schedule('Europe/Berlin', { sun: [[120, 180]] });
    expect(localTime(Date.UTC(2026, 2, 29, 0, 59, 59), 'Europe/Berlin')).toEqual({ weekday: 'sun', minute: 119 }); // 01:59 CET
    expect(localTime(Date.UTC(2026, 2, 29, 1, 0, 0), 'Europe/Berlin')).toEqual({ weekday: 'sun', minute: 180 }); // 03:00 CEST
    expect(allowedMinutes(twoToThree, Date.UTC(2026, 2, 28, 22), Date.UTC(2026, 2, 29, 22))).toBe(0);
    expect(scheduleAllows(twoToThree, Date.UTC(2026, 9, 25, 0, 30))).toBe(true); // 02:30 CEST
    expect(scheduleAllows(twoToThree, Date.UTC(2026, 9, 25, 1, 30))).toBe(true); // 02:30 CET, the second time
    expect(scheduleAllows(twoToThree, Date.UTC(2026, 9, 25, 2, 0))).toBe(false); // 03:00 CET
    expect(allowedMinutes(twoToThree, Date.UTC(2026, 9, 24, 22), Date.UTC(2026, 9, 25, 23))).toBe(120);
    const sunday = schedule('Europe/Berlin', { sun: [[0, 1440]] });
    expect(allowedMinutes(sunday, Date.UTC(2026, 2, 28), Date.UTC(2026, 2, 31))).toBe(23 * 60);
    expect(allowedMinutes(sunday, Date.UTC(2026, 9, 24), Date.UTC(2026, 9, 27))).toBe(25 * 60);
  });

  it('rejects unknown zones and ranges that run backwards', () => {
    expect(Rule.safeParse({ id: 'r', name: 'x', schedule: { timezone: 'Mars/Olympus' } }).success).toBe(false);
    expect(Rule.safeParse({ id: 'r', name: 'x', schedule: { days: { mon: [[1320, 360]] } } }).success).toBe(false);
    expect(Rule.parse({ id: 'r', name: 'x' }).schedule.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('a rule out of schedule does not fire; home/away applies to away-only rules', () => {
    const night = rule({ schedule: schedule('UTC', { mon: [[0, 360]] }) });
    expect(evaluate(night, ev(), ctx(Date.UTC(2026, 5, 1, 12)))).toEqual({ fire: false, reason: 'schedule' });
    expect(evaluate(night, ev(), ctx(Date.UTC(2026, 5, 1, 3)))).toMatchObject({ fire: true });
    const away = rule({ schedule: { timezone: 'UTC', when: 'away' } });
    expect(evaluate(away, ev(), ctx(Date.UTC(2026, 5, 1, 12), { homeMode: 'home' }))).toEqual({ fire: false, reason: 'home' });
    expect(evaluate(away, ev(), ctx(Date.UTC(2026, 5, 1, 12), { homeMode: 'away' }))).toMatchObject({ fire: true });
  });
});

describe('filters', () => {
  const now = Date.UTC(2026, 5, 1, 12);
  it('cameras, labels, minimum score and false positives', () => {
    expect(evaluate(rule({ cameras: ['back'] }), ev(), ctx(now))).toEqual({ fire: false, reason: 'camera' });
    expect(evaluate(rule({ cameras: ['front'] }), ev(), ctx(now))).toMatchObject({ fire: true });
    expect(evaluate(rule({ labels: ['car'] }), ev(), ctx(now))).toEqual({ fire: false, reason: 'label' });
    expect(evaluate(rule({ minScore: 0.95 }), ev(), ctx(now))).toEqual({ fire: false, reason: 'score' });
    expect(evaluate(rule({ minScore: 0.9 }), ev(), ctx(now))).toMatchObject({ fire: true });
    expect(evaluate(rule(), ev({ falsePositive: true }), ctx(now))).toEqual({ fire: false, reason: 'false_positive' });
    expect(evaluate(rule({ enabled: false }), ev(), ctx(now))).toEqual({ fire: false, reason: 'disabled' });
  });

  it('snooze holds a rule back until it runs out', () => {
    const r = rule({ snoozedUntil: now + 10 * MIN });
    expect(evaluate(r, ev(), ctx(now))).toEqual({ fire: false, reason: 'snoozed' });
    expect(evaluate(r, ev(), ctx(now + 10 * MIN))).toMatchObject({ fire: true });
    expect(evaluate(r, ev(), ctx(now, { replay: true }))).toMatchObject({ fire: true });
  });

  it('cooldown is per rule and camera', () => {
    const r = rule({ cooldownSeconds: 60 });
    const cooldowns = new MemoryCooldowns();
    const c = (t: number) => ctx(t, { cooldowns });
    expect(evaluate(r, ev(), c(now))).toMatchObject({ fire: true });
    cooldowns.record('r1', 'front', now);
    expect(evaluate(r, ev({ id: 'e2' }), c(now + 30_000))).toEqual({ fire: false, reason: 'cooldown' });
    expect(evaluate(r, ev({ id: 'e3', cameraId: 'back' }), c(now + 30_000))).toMatchObject({ fire: true });
    expect(evaluate({ ...r, id: 'r2' }, ev({ id: 'e4' }), c(now + 30_000))).toMatchObject({ fire: true });
    expect(evaluate(r, ev({ id: 'e5' }), c(now + 60_000))).toMatchObject({ fire: true });
  });

  it('an event judged at a time before the last alert (it ended earlier, its update came later) is held back only within the cooldown', () => {
    const cooldowns = new MemoryCooldowns();
    cooldowns.record('r1', 'front', now);
    const earlier = ev({ id: 'e6', start: now - 40_000, end: now - 20_000 });
    // judged at its end, 20 s before the last alert: no cooldown holds nothing back
    expect(evaluate(rule({ cooldownSeconds: 0 }), earlier, ctx(now + 5_000, { cooldowns }))).toMatchObject({ fire: true, time: now - 20_000 });
    expect(evaluate(rule({ cooldownSeconds: 60 }), earlier, ctx(now + 5_000, { cooldowns }))).toEqual({ fire: false, reason: 'cooldown' });
    expect(evaluate(rule({ cooldownSeconds: 10 }), earlier, ctx(now + 5_000, { cooldowns }))).toMatchObject({ fire: true });
  });
});

describe('zones', () => {
  const t0 = Date.UTC(2026, 5, 1, 12);
  const entered = rule({ zones: { names: ['porch'], mode: 'entered' } });
  const inside = rule({ id: 'r2', zones: { names: ['porch', 'path'], mode: 'inside', minSeconds: 5 } });

  it('entered fires on the update that enters; inside waits for the minimum time', () => {
    const zones = new ZoneTracker();
    const step = (t: number, e: EventDto) => {
      zones.observe(e, t);
      return { entered: evaluate(entered, e, ctx(t, { zones })), inside: evaluate(inside, e, ctx(t, { zones })) };
    };
    expect(step(t0, ev({ start: t0 }))).toEqual({ entered: { fire: false, reason: 'zone' }, inside: { fire: false, reason: 'zone' } });
    const at2 = step(t0 + 2000, ev({ start: t0, zones: ['porch'] }));
    expect(at2.entered).toEqual({ fire: true, time: t0 + 2000 });
    expect(at2.inside).toEqual({ fire: false, reason: 'zone_time', recheckAt: t0 + 7000 });
    expect(step(t0 + 6999, ev({ start: t0, zones: ['porch'] })).inside).toMatchObject({ fire: false, reason: 'zone_time' });
    expect(step(t0 + 7000, ev({ start: t0, zones: ['porch'] })).inside).toEqual({ fire: true, time: t0 + 7000 });
  });

  it('leaving the zone starts the clock again; an event that ends too soon never qualifies', () => {
    const zones = new ZoneTracker();
    const run = (t: number, e: EventDto) => {
      zones.observe(e, t);
      return evaluate(inside, e, ctx(t, { zones }));
    };
    run(t0, ev({ start: t0, zones: ['porch'] }));
    run(t0 + 3000, ev({ start: t0, zones: [] }));
    expect(run(t0 + 4000, ev({ start: t0, zones: ['porch'] }))).toMatchObject({ fire: false, recheckAt: t0 + 9000 });
    expect(run(t0 + 8000, ev({ start: t0, zones: ['porch'] }))).toMatchObject({ fire: false });
    // ends at +8.5 s, reported late at +20 s: judged at its end, 4.5 s inside
    expect(run(t0 + 20_000, ev({ start: t0, end: t0 + 8500, zones: ['porch'] }))).toEqual({ fire: false, reason: 'zone_time' });
    // a second zone counts on its own clock
    const z2 = new ZoneTracker();
    z2.observe(ev({ zones: ['path'] }), t0);
    z2.observe(ev({ zones: ['path', 'porch'] }), t0 + 4000);
    expect(evaluate(inside, ev({ zones: ['path', 'porch'] }), ctx(t0 + 5000, { zones: z2 }))).toEqual({ fire: true, time: t0 + 5000 });
  });

  it('a passer-by who crossed the corner does not count as inside; one who stays does, from the latest entry', () => {
    const porch30 = rule({ id: 'r3', zones: { names: ['porch'], mode: 'inside', minSeconds: 30 } });
    const zones = new ZoneTracker();
    const run = (t: number, e: EventDto) => {
      zones.observe(e, t);
      return evaluate(porch30, e, ctx(t, { zones }));
    };
    // crosses the corner at +2 s, out again at +4 s; entered zones keep 'porch', the current ones do not
    run(t0, ev({ id: 'walker', start: t0 }));
    expect(run(t0 + 2000, ev({ id: 'walker', start: t0, zones: ['porch'] }))).toMatchObject({ fire: false, recheckAt: t0 + 32_000 });
    const away = ev({ id: 'walker', start: t0, zones: ['porch'], currentZones: [] });
    expect(run(t0 + 4000, away)).toEqual({ fire: false, reason: 'zone' });
    // the recheck at +32 s judges that latest update: still not inside
    expect(run(t0 + 32_000, away)).toEqual({ fire: false, reason: 'zone' });
    expect(run(t0 + 60_000, away)).toEqual({ fire: false, reason: 'zone' });
    // back in at +70 s: the clock starts from this entry, not the first
    const back = ev({ id: 'walker', start: t0, zones: ['porch'], currentZones: ['porch'] });
    expect(run(t0 + 70_000, back)).toMatchObject({ fire: false, recheckAt: t0 + 100_000 });
    expect(run(t0 + 99_000, back)).toMatchObject({ fire: false, reason: 'zone_time' });
    expect(run(t0 + 100_000, back)).toEqual({ fire: true, time: t0 + 100_000 });
    // someone who walks up and stays fires 30 s after stepping in
    run(t0, ev({ id: 'stayer', start: t0, zones: ['porch'] }));
    expect(run(t0 + 30_000, ev({ id: 'stayer', start: t0, zones: ['porch'] }))).toEqual({ fire: true, time: t0 + 30_000 });
    // the 'entered' rule still fires for the passer-by: it did go in
    expect(evaluate(entered, away, ctx(t0 + 4000))).toEqual({ fire: true, time: t0 + 4000 });
  });

  it('motion events alert only where a rule names the motion label', () => {
    const motion = ev({ label: 'motion', topScore: 1 });
    expect(evaluate(rule(), motion, ctx(t0))).toEqual({ fire: false, reason: 'label' });
    expect(evaluate(rule({ labels: ['motion'] }), motion, ctx(t0))).toMatchObject({ fire: true });
  });

  it('inside with no zone names counts the event’s own age', () => {
    const r = rule({ zones: { names: [], mode: 'inside', minSeconds: 10 } });
    expect(evaluate(r, ev({ start: t0 }), ctx(t0 + 9000))).toEqual({ fire: false, reason: 'zone_time', recheckAt: t0 + 10_000 });
    expect(evaluate(r, ev({ start: t0 }), ctx(t0 + 10_000))).toMatchObject({ fire: true });
  });
});
