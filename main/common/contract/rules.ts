// Alert rules, alerts and notification sinks as the contract carries them, with their methods and topics.
import { z } from 'zod';
import type { ViewerAccess } from './access.js';
import { CameraId } from './cameras.js';
import { EventDto } from './events.js';

/** The IANA zone this process runs in; a rule's schedule defaults to it. */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const RuleId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _ (max 64)');
export const SinkId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _ (max 64)');

const Minute = z.number().int().min(0).max(1440);
/** [startMinute, endMinute) of local wall-clock time; a range across midnight is two ranges on two days. */
export const MinuteRange = z.tuple([Minute, Minute]).refine(([a, b]) => a < b, 'start must be before end (split a range across midnight in two)');
export type MinuteRange = z.infer<typeof MinuteRange>;

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DayRanges = z.array(MinuteRange).max(16);
const ALL_DAY: MinuteRange[] = [[0, 1440]];

export const Schedule = z
  .object({
    timezone: z
      .string()
      .max(64)
      .refine(isTimeZone, 'not an IANA time zone such as Europe/Berlin')
      .default(() => hostTimeZone())
      .describe('The wall clock the ranges are read in'),
    days: z
      .object({
        sun: DayRanges.default(ALL_DAY),
        mon: DayRanges.default(ALL_DAY),
        tue: DayRanges.default(ALL_DAY),
        wed: DayRanges.default(ALL_DAY),
        thu: DayRanges.default(ALL_DAY),
        fri: DayRanges.default(ALL_DAY),
        sat: DayRanges.default(ALL_DAY),
      })
      .strict()
      .prefault({})
      .describe('Per weekday, the [start, end) minutes of the day when the rule may fire'),
    when: z.enum(['always', 'away']).default('always').describe("'away': only while the home/away switch says away"),
  })
  .strict();
export type Schedule = z.infer<typeof Schedule>;

export const ZoneCondition = z
  .object({
    /** Empty: anywhere in the frame. */
    names: z.array(z.string().min(1).max(64)).max(32).default([]),
    mode: z.enum(['entered', 'inside']).default('entered').describe("'inside': in the zone for at least minSeconds"),
    minSeconds: z.number().int().min(0).max(3600).default(0),
  })
  .strict();

const ruleFields = {
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  /** Empty: every camera. */
  cameras: z.array(CameraId).max(64).default([]),
  /** Empty: every label. */
  labels: z.array(z.string().min(1).max(64)).max(80).default([]),
  zones: ZoneCondition.prefault({}),
  schedule: Schedule.prefault({}),
  minScore: z.number().min(0).max(1).default(0),
  cooldownSeconds: z.number().int().min(0).max(86_400).default(60).describe('Per rule and camera'),
  snoozedUntil: z.number().int().nullable().default(null),
  sinks: z.array(SinkId).max(16).default(['toast', 'desktop']),
};

export const Rule = z.object({ id: RuleId, ...ruleFields }).strict();
export type Rule = z.infer<typeof Rule>;

/** What a client sends to create (no id) or replace a rule. */
export const RuleInput = z.object({ id: RuleId.optional(), ...ruleFields }).strict();
export type RuleInput = z.input<typeof RuleInput>;

export const Alert = z.object({
  id: z.number().int(),
  ruleId: z.string(),
  ruleName: z.string(),
  eventId: z.string().nullable(),
  cameraId: z.string(),
  label: z.string(),
  time: z.number().int(),
  seen: z.boolean(),
});
export type Alert = z.infer<typeof Alert>;

export const AlertPage = z.object({ items: z.array(Alert), nextCursor: z.string().nullable() });
export type AlertPage = z.infer<typeof AlertPage>;

/** Outputs show this in place of a stored secret; sending it back keeps the stored one. */
export const SECRET_MASK = '********';

const HttpUrl = z
  .string()
  .max(2048)
  .refine((s) => URL.canParse(s) && ['http:', 'https:'].includes(new URL(s).protocol), 'must be an http:// or https:// URL')
  .refine((s) => !URL.canParse(s) || (new URL(s).username === '' && new URL(s).password === ''), 'put no credentials in the URL; the secret signs each request');
const MqttUrl = z
  .string()
  .max(2048)
  .refine((s) => URL.canParse(s) && ['mqtt:', 'mqtts:'].includes(new URL(s).protocol) && new URL(s).hostname !== '', 'must be an mqtt://host:port or mqtts://host:port URL')
  .refine((s) => !URL.canParse(s) || (new URL(s).username === '' && new URL(s).password === ''), 'put the username and password in their own fields');
const TopicPart = z.string().min(1).max(100).regex(/^[^#+\s]+$/, 'no spaces, # or +');

export const WebhookSinkInput = z
  .object({
    id: SinkId.optional(),
    kind: z.literal('webhook'),
    name: z.string().trim().min(1).max(200),
    url: HttpUrl,
    /** Write-only; omitted or the mask keeps the stored one. */
    secret: z.union([z.literal(SECRET_MASK), z.string().min(16, 'at least 16 characters').max(512)]).optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

export const MqttSinkInput = z
  .object({
    id: SinkId.optional(),
    kind: z.literal('mqtt'),
    name: z.string().trim().min(1).max(200),
    url: MqttUrl,
    username: z.string().max(256).optional(),
    /** Write-only; omitted or the mask keeps the stored one. */
    password: z.string().max(512).optional(),
    topicPrefix: TopicPart.default('porchlight'),
    discoveryPrefix: TopicPart.default('homeassistant'),
    enabled: z.boolean().default(true),
  })
  .strict();

export const SinkInput = z.discriminatedUnion('kind', [WebhookSinkInput, MqttSinkInput]);
export type SinkInput = z.input<typeof SinkInput>;

/** A stored sink, secrets included: only the engine holds this shape. */
export const WebhookSinkConfig = WebhookSinkInput.extend({ id: SinkId, secret: z.string() });
export const MqttSinkConfig = MqttSinkInput.extend({ id: SinkId });
export const SinkConfig = z.discriminatedUnion('kind', [WebhookSinkConfig, MqttSinkConfig]);
export type SinkConfig = z.infer<typeof SinkConfig>;
export type WebhookSinkConfig = z.infer<typeof WebhookSinkConfig>;
export type MqttSinkConfig = z.infer<typeof MqttSinkConfig>;

/** A sink as clients see it: secrets masked; the built-in ones (toast, desktop) listed too. */
export const SinkView = z.discriminatedUnion('kind', [
  WebhookSinkConfig.extend({ secret: z.literal(SECRET_MASK) }),
  MqttSinkConfig.extend({ password: z.literal(SECRET_MASK).optional() }),
  z.object({ id: SinkId, kind: z.literal('toast'), name: z.string(), enabled: z.boolean() }),
  z.object({ id: SinkId, kind: z.literal('desktop'), name: z.string(), enabled: z.boolean() }),
]);
export type SinkView = z.infer<typeof SinkView>;

export const SinkStatus = z.object({
  id: SinkId,
  lastOk: z.number().int().nullable(),
  lastError: z.object({ time: z.number().int(), message: z.string() }).nullable(),
  /** Failed attempts since the last success. */
  failures: z.number().int(),
  /** Notifications given up on: retries exhausted or the queue full. */
  dropped: z.number().int(),
});
export type SinkStatus = z.infer<typeof SinkStatus>;

export const DeliveryResult = z.object({ ok: z.boolean(), message: z.string().optional(), durationMs: z.number().int() });
export type DeliveryResult = z.infer<typeof DeliveryResult>;

const empty = z.object({}).strict();
const ruleById = z.object({ id: RuleId }).strict();
const sinkById = z.object({ id: SinkId }).strict();

/** Same shape as the entries of `methods`; spread into it. */
export const rulesMethodSpecs = {
  'rules.list': { input: empty, output: z.array(Rule), role: 'viewer', viewer: { needs: null, cameras: 'filtered' } },
  'rules.upsert': { input: RuleInput, output: Rule, role: 'admin', audit: true },
  'rules.delete': { input: ruleById, output: z.object({ deleted: z.boolean() }), role: 'admin', audit: true },
  /** "This rule would have fired N times in the last hours", with those events. */
  'rules.preview': {
    input: z.object({ rule: RuleInput, hours: z.number().min(1).max(168).default(24) }).strict(),
    output: z.object({ count: z.number().int(), events: z.array(EventDto).max(50) }),
    role: 'viewer', viewer: { needs: 'recordings', cameras: 'filtered' },
  },
  /** minutes null: un-snooze. */
  'rules.snooze': {
    input: z.object({ id: RuleId, minutes: z.number().int().min(1).max(60 * 24 * 30).nullable() }).strict(),
    output: Rule,
    role: 'admin',
    audit: true,
  },
  'alerts.list': {
    input: z
      .object({
        limit: z.number().int().min(1).max(500).default(50),
        cursor: z.string().max(40).optional(),
        unseenOnly: z.boolean().default(false),
      })
      .strict(),
    output: AlertPage,
    role: 'viewer', viewer: { needs: 'recordings', cameras: 'filtered' },
  },
  /** ids omitted: every alert. */
  'alerts.markSeen': {
    input: z.object({ ids: z.array(z.number().int()).max(500).optional() }).strict(),
    output: z.object({ updated: z.number().int() }),
    role: 'viewer', viewer: { needs: 'recordings', cameras: 'filtered' },
  },
  'sinks.list': { input: empty, output: z.array(z.object({ sink: SinkView, status: SinkStatus })), role: 'admin' },
  'sinks.upsert': { input: SinkInput, output: SinkView, role: 'admin', audit: true },
  'sinks.delete': { input: sinkById, output: z.object({ deleted: z.boolean() }), role: 'admin', audit: true },
  /** Sends one test notification now, without retries. */
  'sinks.test': { input: sinkById, output: DeliveryResult, role: 'admin', audit: true },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType; role: 'viewer' | 'admin'; audit?: boolean; viewer?: ViewerAccess }>;

export const AlertNew = Alert.extend({
  /** Relative to the snapshots folder (a media URL on either host), null without one. */
  snapshot: z.string().nullable(),
  cameraName: z.string(),
});
export type AlertNew = z.infer<typeof AlertNew>;

/** An in-app toast for a rule whose sinks include 'toast'. */
export const ToastNotice = z.object({ alertId: z.number().int(), eventId: z.string().nullable(), cameraId: z.string(), title: z.string(), body: z.string() });
export type ToastNotice = z.infer<typeof ToastNotice>;

/** Spread into `topics`. */
export const rulesTopics = {
  'alert.new': AlertNew,
  'sink.status': SinkStatus,
  'notify.toast': ToastNotice,
} as const;
