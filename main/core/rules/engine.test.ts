// The rule engine on a real engine: event.changed → alert row + alert.new + toast; zones over time, cooldowns, snooze, preview, the API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import type { EventDto } from '../../common/contract/events.js';
import { AlertNew, RuleInput, SECRET_MASK, ToastNotice } from '../../common/contract/rules.js';
import { Notifier } from '../notify/index.js';
import { keyFileBox } from '../secrets/index.js';
import { sql } from '../storage/sql.js';
import { rulesApi } from './api.js';
import { RuleEngine } from './engine.js';

let h: Awaited<ReturnType<typeof withEngine>>;
let rules: RuleEngine;
let notifier: Notifier;
let api: ReturnType<typeof rulesApi>;
const seen: { topic: string; payload: unknown }[] = [];

beforeAll(async () => {
  h = await withEngine();
  const { db, bus, events, cameras, settings } = h.engine;
  // until the lead registers it as migration 0004
  for (const [id, name] of [['front', 'Front door'], ['back', 'Back yard']] as const) {
    cameras.upsert({ id, name, enabled: false, streams: [{ name: 'main', url: `rtsp://127.0.0.1:8554/${id}`, roles: ['record', 'detect', 'live'] }] });
  }
  notifier = new Notifier(db, bus, { retryDelaysMs: [], secrets: keyFileBox(h.dataDir) });
  notifier.start();
  rules = new RuleEngine({ db, bus, events, cameras, notifier, homeMode: () => settings.get('general').homeMode });
  rules.start();
  api = rulesApi({ rules, notifier });
  bus.subscribeAll((topic, payload) => seen.push({ topic, payload }));
});
afterAll(async () => {
  rules.stop();
  await notifier.stop();
  await h.close();
});

beforeEach(() => {
  for (const r of rules.list()) rules.delete(r.id);
  seen.length = 0;
});

let n = 0;
/** Stores the event (alerts reference it) and returns its DTO. */
function event(patch: Partial<EventDto> = {}): EventDto {
  const e: EventDto = {
    id: `ev-${++n}`,
    cameraId: 'front',
    label: 'person',
    start: Date.now(),
    end: null,
    topScore: 0.9,
    box: [0.1, 0.1, 0.3, 0.5],
    zones: [],
    hasSnapshot: false,
    falsePositive: false,
    keep: false,
    ...patch,
    // an update names the zones entered and, unless a test says otherwise, the object is in them now
    currentZones: patch.currentZones ?? patch.zones ?? [],
  };
  h.engine.events.upsert({ ...e, snapshot: null });
  return e;
}

function addRule(patch: Partial<RuleInput> = {}) {
  return rules.upsert({ name: 'Test rule', cooldownSeconds: 0, schedule: { timezone: 'UTC' }, sinks: ['toast'], ...patch });
}

function alertRows(): { rule_id: string; event_id: string; camera_id: string }[] {
  return h.engine.db.all(sql`SELECT rule_id, event_id, camera_id FROM alerts ORDER BY id`);
}

function waitForTopic<T>(topic: string, pred: (p: T) => boolean = () => true, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error(`no ${topic} in ${ms} ms`));
    }, ms);
    const off = h.engine.bus.subscribeAll((name, payload) => {
      if (name === topic && pred(payload as T)) {
        clearTimeout(t);
        off();
        resolve(payload as T);
      }
    });
  });
}

describe('RuleEngine', () => {
  it('event.changed → an alert row, alert.new and a toast', async () => {
    const rule = addRule({ labels: ['person'] });
    const before = alertRows().length;
    const e = event();
    const got = waitForTopic<unknown>('alert.new');
    h.engine.bus.publish('event.changed', e);
    const alert = AlertNew.parse(await got);
    expect(alert).toMatchObject({ ruleId: rule.id, ruleName: 'Test rule', eventId: e.id, cameraId: 'front', cameraName: 'Front door', label: 'person', seen: false, snapshot: null });
    expect(alertRows().slice(before)).toEqual([{ rule_id: rule.id, event_id: e.id, camera_id: 'front' }]);
    await notifier.idle();
    const toast = ToastNotice.parse(seen.find((s) => s.topic === 'notify.toast')?.payload);
    expect(toast).toMatchObject({ alertId: alert.id, eventId: e.id, cameraId: 'front' });
    expect(toast.title).toContain('Front door');
    // later updates of the same event do not alert again
    h.engine.bus.publish('event.changed', { ...e, topScore: 0.95, end: Date.now() });
    expect(alertRows().length).toBe(before + 1);
    // a car is not a person
    h.engine.bus.publish('event.changed', event({ label: 'car' }));
    expect(alertRows().length).toBe(before + 1);
  });

  it('cooldown per camera: a second event within it stays quiet, another camera alerts', () => {
    addRule({ cooldownSeconds: 60 });
    const t = Date.now();
    expect(rules.handle(event({ start: t }), t)).toHaveLength(1);
    expect(rules.handle(event({ start: t + 10_000 }), t + 10_000)).toHaveLength(0);
    expect(rules.handle(event({ cameraId: 'back', start: t + 10_000 }), t + 10_000)).toHaveLength(1);
    // held back for good, even when it updates after the cooldown ran out
    const held = event({ start: t + 20_000 });
    expect(rules.handle(held, t + 20_000)).toHaveLength(0);
    expect(rules.handle({ ...held, topScore: 0.99 }, t + 90_000)).toHaveLength(0);
    expect(rules.handle(event({ start: t + 61_000 }), t + 61_000)).toHaveLength(1);
  });

  it('zones: entered alerts at once, inside only after the minimum time', () => {
    const enteredRule = addRule({ name: 'Porch entered', zones: { names: ['porch'], mode: 'entered' } });
    const insideRule = addRule({ name: 'Porch 5 s', zones: { names: ['porch'], mode: 'inside', minSeconds: 5 } });
    const t = Date.now();
    const e = event({ start: t });
    expect(rules.handle(e, t)).toEqual([]);
    expect(rules.handle({ ...e, zones: ['porch'], currentZones: ['porch'] }, t + 1000).map((a) => a.ruleId)).toEqual([enteredRule.id]);
    expect(rules.handle({ ...e, zones: ['porch'], currentZones: ['porch'] }, t + 5999)).toEqual([]);
    expect(rules.handle({ ...e, zones: ['porch'], currentZones: ['porch'] }, t + 6000).map((a) => a.ruleId)).toEqual([insideRule.id]);
    // a visitor who leaves after 3 s alerts only the entered rule
    const short = event({ start: t });
    rules.handle({ ...short, zones: ['porch'], currentZones: ['porch'] }, t + 1000);
    expect(rules.handle({ ...short, zones: ['porch'], currentZones: ['porch'], end: t + 4000 }, t + 4100)).toEqual([]);
  });

  it('inside for N s alerts without another update, when the time is up', async () => {
    const rule = addRule({ zones: { names: ['driveway'], mode: 'inside', minSeconds: 1 } });
    const e = event({ zones: ['driveway'] });
    const got = waitForTopic<{ ruleId: string; eventId: string }>('alert.new', (a) => a.eventId === e.id, 5000);
    const t0 = Date.now();
    h.engine.bus.publish('event.changed', e);
    expect(alertRows().filter((r) => r.event_id === e.id)).toEqual([]);
    const a = await got;
    expect(a.ruleId).toBe(rule.id);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
  });

  it('inside for N s: a recheck judges the latest update, so someone who walked out never fires', async () => {
    const rule = addRule({ zones: { names: ['driveway'], mode: 'inside', minSeconds: 1 } });
    const e = event({ zones: ['driveway'] });
    const t0 = Date.now();
    expect(rules.handle(e, t0)).toEqual([]);
    // walked out before the second was up: entered zones keep the driveway, current ones do not
    expect(rules.handle({ ...e, currentZones: [] }, t0 + 300)).toEqual([]);
    // a stale recheck would re-enter the zone at +1 s and fire at +2 s: wait past both
    await new Promise((r) => setTimeout(r, 2600));
    expect(alertRows().filter((r) => r.event_id === e.id && r.rule_id === rule.id)).toEqual([]);
  });

  it('snooze silences a rule until un-snoozed; away-only rules follow the home/away switch', async () => {
    const rule = addRule();
    const snoozed = await api['rules.snooze']({ id: rule.id, minutes: 30 }, ADMIN);
    expect(snoozed.snoozedUntil).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect(rules.handle(event())).toEqual([]);
    await api['rules.snooze']({ id: rule.id, minutes: null }, ADMIN);
    expect(rules.handle(event())).toHaveLength(1);

    rules.delete(rule.id);
    addRule({ schedule: { timezone: 'UTC', when: 'away' } });
    h.engine.settings.set('general', { homeMode: 'home' });
    expect(rules.handle(event())).toEqual([]);
    h.engine.settings.set('general', { homeMode: 'away' });
    expect(rules.handle(event())).toHaveLength(1);
  });

  it('preview replays the last 24 h with fresh cooldowns', async () => {
    const now = Date.now();
    const ids: string[] = [];
    // front: 4 people 20 min apart over the last 2 h, one low-score, one 30 h ago; back: a car
    for (const [i, ago] of [110, 90, 70, 50].entries()) ids.push(event({ start: now - ago * 60_000, end: now - ago * 60_000 + 30_000, topScore: i === 1 ? 0.3 : 0.9 }).id);
    event({ start: now - 30 * 3_600_000, end: now - 30 * 3_600_000 + 10_000 });
    event({ cameraId: 'back', label: 'car', start: now - 60 * 60_000, end: now - 59 * 60_000 });
    const input = RuleInput.parse({ name: 'Preview', cameras: ['front'], labels: ['person'], minScore: 0.5, cooldownSeconds: 30 * 60, schedule: { timezone: 'UTC' } });
    const res = await api['rules.preview']({ rule: input, hours: 24 }, ADMIN);
    // 110 and 70 min ago fire; 90 is below the score; 50 is within 30 min of 70 (events of earlier tests are all newer)
    expect(res.events.map((e) => e.id)).toEqual(expect.arrayContaining([ids[0], ids[2]]));
    expect(res.events.map((e) => e.id)).not.toContain(ids[1]);
    expect(res.events.map((e) => e.id)).not.toContain(ids[3]);
    expect(res.count).toBe(res.events.length);
    // nothing was stored by a preview
    expect(alertRows().filter((r) => ids.includes(r.event_id))).toEqual([]);
  });

  it('the API: rules, alerts pages, mark seen, sinks with masked secrets', async () => {
    const rule = await api['rules.upsert']({ name: 'Via API', cooldownSeconds: 0, sinks: ['toast'] } as never, ADMIN);
    expect((await api['rules.list']({}, ADMIN)).map((r) => r.id)).toContain(rule.id);
    await expect(async () => api['rules.upsert']({ name: 'Bad sink', sinks: ['nope'] } as never, ADMIN)).rejects.toThrow(/no sink/);
    for (let i = 0; i < 3; i++) rules.handle(event());
    const page1 = await api['alerts.list']({ limit: 2, unseenOnly: false }, ADMIN);
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await api['alerts.list']({ limit: 2, unseenOnly: false, cursor: page1.nextCursor ?? undefined }, ADMIN);
    expect(page2.items[0]?.id).toBeLessThan(page1.items[1]?.id ?? 0);
    const marked = await api['alerts.markSeen']({ ids: page1.items.map((a) => a.id) }, ADMIN);
    expect(marked.updated).toBe(2);
    expect((await api['alerts.list']({ limit: 500, unseenOnly: true }, ADMIN)).items.some((a) => a.id === page1.items[0]?.id)).toBe(false);

    const hook = await api['sinks.upsert']({ kind: 'webhook', name: 'Hook', url: 'http://127.0.0.1:9/hook', secret: 'a-very-secret-value-123', enabled: false }, ADMIN);
    expect(hook).toMatchObject({ kind: 'webhook', secret: SECRET_MASK });
    expect(JSON.stringify(await api['sinks.list']({}, ADMIN))).not.toContain('a-very-secret-value-123');
    // the mask sent back keeps the stored secret
    await api['sinks.upsert']({ id: hook.id, kind: 'webhook', name: 'Hook 2', url: 'http://127.0.0.1:9/hook', secret: SECRET_MASK, enabled: false }, ADMIN);
    // at rest the secret is sealed (AES-GCM), never the plain text
    const stored = h.engine.db.get<{ secret: string }>(sql`SELECT secret FROM notify_sinks WHERE id = ${hook.id}`)?.secret ?? '';
    expect(stored).toMatch(/^enc:v1:/);
    expect(stored).not.toContain('a-very-secret-value-123');
    await api['rules.upsert']({ ...rule, sinks: ['toast', hook.id] }, ADMIN);
    expect(await api['sinks.delete']({ id: hook.id }, ADMIN)).toEqual({ deleted: true });
    expect(rules.list().find((r) => r.id === rule.id)?.sinks).toEqual(['toast']);
    expect(await api['sinks.test']({ id: 'desktop' }, ADMIN)).toMatchObject({ ok: false });
    expect(await api['sinks.test']({ id: 'toast' }, ADMIN)).toMatchObject({ ok: true });
  });
});
