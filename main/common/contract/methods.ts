// The API contract: every method's input and output schema and the role it needs.
import { z } from 'zod';
import { PlayPiece } from '../play-map.js';
import { AllSettings, SettingsSectionName } from '../settings/index.js';
import type { ViewerAccess } from './access.js';
import { AuditEntry, AuditQuery, AuditVerify, ViewEntry, ViewQuery } from './audit.js';
import { NewUser, Password, User, UserAccess, UserRole } from './auth.js';
import { Camera, CameraId, CameraInput, CameraState, ProbeResult, StreamUrl } from './cameras.js';
import { DemoKind, demoMethodSpecs } from './demo.js';
import { EventDto, EventPage, EventQuery, EventTrack } from './events.js';
import { motionMethodSpecs } from './motion.js';
import { reviewMethodSpecs } from './review.js';
import { CameraStill } from './zones.js';
import { evidenceMethodSpecs } from './evidence.js';
import { exportMethodSpecs } from './exports.js';
import { learnedMethodSpecs } from './learned.js';
import { vaultMethodSpecs } from './vault.js';
import { liveMethodSpecs } from './live.js';
import { modelMethodSpecs } from './models.js';
import { onvifMethodSpecs } from './onvif.js';
import { rulesMethodSpecs } from './rules.js';
import { timelineMethodSpecs } from './timeline.js';
import { LogLine, SystemHealth } from './system.js';
import { SegmentDto, Span, SpansQuery, StorageStats } from './recordings.js';

export type Role = 'viewer' | 'admin';

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** The least role a caller needs; the desktop user is always admin. */
  role: Role;
  /** Whether a call is written to the audit log. */
  audit?: boolean;
  /** How a viewer is served (permission, cameras); a viewer method without it is refused to viewers. */
  viewer?: ViewerAccess;
}

const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> => spec;
const empty = z.object({}).strict();
const byId = z.object({ id: CameraId }).strict();

export const SystemInfo = z.object({
  name: z.literal('Porchlight'),
  version: z.string(),
  dataDir: z.string(),
  host: z.enum(['desktop', 'server']),
  platform: z.string(),
  node: z.string(),
  startedAt: z.number().int(),
  schemaVersion: z.number().int(),
  ffmpeg: z.object({ path: z.string(), source: z.string() }).nullable(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const methods = {
  'system.info': method({ input: empty, output: SystemInfo, role: 'viewer', viewer: { needs: null, cameras: 'none' } }),

  'cameras.list': method({ input: empty, output: z.array(Camera), role: 'viewer', viewer: { needs: null, cameras: 'filtered' } }),
  'cameras.get': method({ input: byId, output: Camera, role: 'viewer', viewer: { needs: null, cameras: { input: 'id' } } }),
  'cameras.upsert': method({ input: CameraInput, output: Camera, role: 'admin', audit: true }),
  /** keepRecordings: the camera goes, its recordings and events stay (still counted in the quota) until retention ages them out. */
  'cameras.delete': method({
    input: z.object({ id: CameraId, keepRecordings: z.boolean().default(false) }).strict(),
    output: z.object({ deleted: z.boolean(), freedBytes: z.number() }),
    role: 'admin',
    audit: true,
  }),
  /** cameraId lets a masked URL (user:***@) be probed with the stored password. */
  'cameras.probe': method({ input: z.object({ url: StreamUrl, cameraId: CameraId.optional() }).strict(), output: ProbeResult, role: 'admin' }),
  /**
   * A demo camera, no hardware: 'pattern' plays a generated picture (offline); 'people' plays the fetched clip with
   * people walking (demo.fetch), so detection, events and alerts show on first run.
   */
  'cameras.addDemo': method({ input: z.object({ kind: DemoKind.default('pattern') }).strict(), output: Camera, role: 'admin', audit: true }),
  'cameras.states': method({ input: empty, output: z.array(CameraState), role: 'viewer', viewer: { needs: null, cameras: 'filtered' } }),
  /** The camera's current picture (a JPEG), to draw zones and masks on. */
  'cameras.still': method({ input: byId, output: CameraStill, role: 'viewer', viewer: { needs: 'live', cameras: { input: 'id' } } }),

  'events.query': method({ input: EventQuery, output: EventPage, role: 'viewer', viewer: { needs: 'recordings', cameras: { narrow: 'cameras' } } }),
  'events.get': method({ input: z.object({ id: z.string().max(100) }).strict(), output: EventDto, role: 'viewer', viewer: { needs: 'recordings', cameras: 'filtered' } }),
  'events.keep': method({ input: z.object({ id: z.string().max(100), keep: z.boolean() }).strict(), output: EventDto, role: 'admin', audit: true }),
  'events.markFalsePositive': method({
    input: z.object({ id: z.string().max(100), falsePositive: z.boolean() }).strict(),
    output: EventDto,
    role: 'admin',
    audit: true,
  }),
  'events.delete': method({ input: z.object({ id: z.string().max(100) }).strict(), output: z.object({ deleted: z.boolean() }), role: 'admin', audit: true }),
  /** Where the event's object was, detection by detection (its clip draws the box as it plays). */
  'events.track': method({ input: z.object({ id: z.string().max(100) }).strict(), output: EventTrack, role: 'viewer', viewer: { needs: 'recordings', cameras: 'filtered' } }),

  'recordings.spans': method({ input: SpansQuery, output: z.array(Span), role: 'viewer', viewer: { needs: 'recordings', cameras: { narrow: 'cameras' } } }),
  'recordings.segments': method({
    input: z.object({ cameraId: CameraId, after: z.number().int(), before: z.number().int() }).strict(),
    output: z.array(SegmentDto),
    role: 'viewer', viewer: { needs: 'recordings', cameras: { input: 'cameraId' } },
  }),
  'recordings.playMap': method({
    input: z.object({ cameraId: CameraId, start: z.number().int(), end: z.number().int().optional() }).strict(),
    output: z.array(PlayPiece),
    role: 'viewer', viewer: { needs: 'recordings', cameras: { input: 'cameraId' } },
  }),
  'system.health': method({ input: empty, output: SystemHealth, role: 'viewer', viewer: { needs: null, cameras: 'filtered' } }),
  'system.logs': method({ input: z.object({ limit: z.number().int().min(1).max(500).default(200) }).strict(), output: z.array(LogLine), role: 'admin' }),
  'system.storage': method({ input: empty, output: StorageStats, role: 'viewer', viewer: { needs: null, cameras: 'filtered' } }),

  'settings.get': method({ input: empty, output: AllSettings, role: 'viewer', viewer: { needs: null, cameras: 'none' } }),
  'settings.set': method({
    input: z.object({ section: SettingsSectionName, value: z.record(z.string(), z.unknown()) }).strict(),
    output: AllSettings,
    role: 'admin',
    audit: true,
  }),

  'users.list': method({ input: empty, output: z.array(User), role: 'admin' }),
  'users.create': method({ input: NewUser, output: User, role: 'admin', audit: true }),
  'users.delete': method({ input: z.object({ id: z.number().int() }).strict(), output: z.object({ deleted: z.boolean() }), role: 'admin', audit: true }),
  'users.setRole': method({ input: z.object({ id: z.number().int(), role: UserRole }).strict(), output: User, role: 'admin', audit: true }),
  /** A viewer's permissions and cameras; takes effect at once (their open sockets close and reopen under the new grant). */
  'users.setAccess': method({ input: z.object({ id: z.number().int() }).extend(UserAccess.shape).strict(), output: User, role: 'admin', audit: true }),
  'users.setPassword': method({ input: z.object({ id: z.number().int(), password: Password }).strict(), output: z.object({ ok: z.literal(true) }), role: 'admin', audit: true }),

  'audit.query': method({ input: AuditQuery, output: z.array(AuditEntry), role: 'admin' }),
  /** Who watched what: viewing sessions from the audit log, newest first. */
  'audit.views': method({ input: ViewQuery, output: z.array(ViewEntry), role: 'admin' }),
  'audit.verify': method({ input: empty, output: AuditVerify, role: 'admin' }),
  'audit.export': method({ input: empty, output: z.object({ csv: z.string() }), role: 'admin', audit: true }),

  // each feature module owns its part of the contract
  ...onvifMethodSpecs,
  ...exportMethodSpecs,
  ...evidenceMethodSpecs,
  ...rulesMethodSpecs,
  ...modelMethodSpecs,
  ...demoMethodSpecs,
  ...reviewMethodSpecs,
  ...motionMethodSpecs,
  ...liveMethodSpecs,
  ...timelineMethodSpecs,
  ...vaultMethodSpecs,
  ...learnedMethodSpecs,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.infer<Methods[M]['output']>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
