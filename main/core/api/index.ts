// The contract's implementation: each method delegates to the module that owns the work.
import { ApiFailure, canSeeCamera, type Camera, type CameraState } from '../../common/contract/index.js';
import { CredentialsNeeded, maskPassword, restorePassword } from '../../common/urls.js';
import { demoKindOf, ensureDemoClip, probeDemo } from '../cameras/demo.js';
import { mayLiftMasks } from '../privacy/index.js';
import { deleteCamera } from '../cameras/delete.js';
import { probeStream } from '../cameras/probe.js';
import type { AuditLog, ViewLog } from '../audit/index.js';
import type { Accounts } from '../auth/users.js';
import type { Bus } from '../bus/index.js';
import type { CameraRepository } from '../cameras/repository.js';
import type { SettingsStore } from '../config/index.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import type { EventRepository } from '../events/repository.js';
import { evidenceApi, type EvidenceHolds } from '../evidence/index.js';
import { exportApi, type ExportManager } from '../export/index.js';
import type { Notifier } from '../notify/index.js';
import { rulesApi, type RuleEngine } from '../rules/index.js';
import type { SegmentIndex } from '../recordings/index.js';
import type { MediaStore } from '../media/index.js';
import { playbackMap } from '../recordings/recorded-media.js';
import type { Retention } from '../recordings/retention.js';
import type { StorageGuard } from '../recordings/storage-guard.js';
import type { FrameSource, LiveSource } from '../ingest/index.js';
import type { Database } from '../storage/database.js';
import { recentLogs } from '../log/index.js';
import { systemHealth, type HealthSource } from './health.js';
import type { LearnedExamples } from '../learn/examples.js';
import { learnedApi } from './learned.js';
import { vaultApi } from './vault.js';
import type { Vault, VaultMigration } from '../vault/index.js';
import { liveApi } from './live.js';
import { demoApi } from './demo.js';
import { modelsApi } from './models.js';
import { reviewApi } from './review.js';
import type { MotionActivity } from '../motion/activity.js';
import type { MotionScans } from '../motion/scan.js';
import { onvifApi } from './onvif.js';
import { cameraStill, recordedStillOf } from './still.js';
import { storageStats } from './storage-stats.js';
import { timelineApi } from './timeline.js';
import { VERSION } from '../version.js';
import type { Implementation } from './router.js';

export interface ApiDeps {
  dataDir: string;
  /** Encryption at rest (absent: media is plain). */
  vault?: Vault;
  /** Moving a plain install into the vault (absent: the migration methods say it is not available). */
  vaultMigration?: VaultMigration;
  /** Called once vault.unlock opened the vault (the storage check re-runs, recording resumes). */
  onVaultUnlocked?: () => void;
  host: 'desktop' | 'server';
  startedAt: number;
  db: Database;
  bus: Bus;
  settings: SettingsStore;
  cameras: CameraRepository;
  states: Map<string, CameraState>;
  accounts: Accounts;
  audit: AuditLog;
  views: ViewLog;
  media: MediaStore;
  segments: SegmentIndex;
  retention: Retention;
  storage?: StorageGuard;
  events: EventRepository;
  learned: LearnedExamples;
  health: HealthSource;
  exports: ExportManager;
  holds: EvidenceHolds;
  rules: RuleEngine;
  notifier: Notifier;
  modelsDir?: string;
  /** `masked`: the caller may not lift the camera's privacy masks (they are burned into what it gets). */
  live: (cameraId: string, view?: 'grid' | 'full' | 'compat', opts?: { masked?: boolean }) => LiveSource | undefined;
  frames: (cameraId: string) => FrameSource | undefined;
  /** Where the cameras saw movement (motion search). */
  motionActivity?: MotionActivity;
  /** Motion scan jobs over the recordings (decoding what has no stored motion). */
  motionScans?: MotionScans;
  /** Stops a camera's ingest and detection before a delete (the runtime's quiesce). */
  quiesce?: (cameraId: string) => Promise<() => void>;
}

function requireEvent<T>(value: T | undefined, id: string): T {
  if (value === undefined) throw new ApiFailure('not_found', `There is no event with id ${JSON.stringify(id)}`);
  return value;
}

/**
 * A masked URL being tested gets the password stored for the same device (one of the camera's streams); a masked
 * password for any other address must be typed again, and says so.
 */
function withStoredCredentials(url: string, stored: readonly string[]): string {
  for (const candidate of stored) {
    try {
      return restorePassword(url, candidate);
    } catch (err) {
      if (!(err instanceof CredentialsNeeded)) throw err;
    }
  }
  return restorePassword(url, undefined);
}

/** Camera passwords never leave the engine in clear. */
function publicCamera(c: Camera): Camera {
  return { ...c, streams: c.streams.map((s) => ({ ...s, url: maskPassword(s.url) })) };
}

/** Whether a new ffmpeg section names other binaries than the current one (a missing field keeps its value). */
function movesFfmpeg(current: { ffmpegPath: string; ffprobePath: string }, value: unknown): boolean {
  const v = (typeof value === 'object' && value !== null ? value : {}) as { ffmpegPath?: unknown; ffprobePath?: unknown };
  return (v.ffmpegPath !== undefined && v.ffmpegPath !== current.ffmpegPath) || (v.ffprobePath !== undefined && v.ffprobePath !== current.ffprobePath);
}

function ffmpegInfo(deps: ApiDeps): { path: string; source: string } | null {
  const cfg = deps.settings.get('ffmpeg');
  try {
    const found = locateFfmpeg({ ffmpeg: cfg.ffmpegPath || undefined, ffprobe: cfg.ffprobePath || undefined });
    return { path: found.ffmpeg, source: found.source };
  } catch {
    return null;
  }
}

export function createApi(deps: ApiDeps): Implementation {
  const { cameras, bus, settings } = deps;
  return {
    'system.info': () => ({
      name: 'Porchlight',
      version: VERSION,
      dataDir: deps.dataDir,
      host: deps.host,
      platform: `${process.platform}-${process.arch}`,
      node: process.versions.node,
      startedAt: deps.startedAt,
      schemaVersion: deps.db.schemaVersion,
      ffmpeg: ffmpegInfo(deps),
    }),

    'cameras.list': (_input, ctx) => cameras.list().filter((c) => canSeeCamera(ctx.user, c.id)).map(publicCamera),
    'cameras.get': ({ id }) => publicCamera(cameras.require(id)),
    'cameras.upsert': (input) => {
      if (input.id && !cameras.get(input.id) && cameras.list().length >= 64) {
        throw new ApiFailure('conflict', 'Porchlight supports up to 64 cameras');
      }
      const cam = cameras.upsert(input);
      bus.publish('camera.changed', { id: cam.id, deleted: false });
      return publicCamera(cam);
    },
    'cameras.delete': ({ id, keepRecordings }) => {
      // held evidence outlives the camera only when its recordings are kept (retention then never touches what is held)
      if (!keepRecordings && deps.holds.cameraHolds(id)) {
        throw new ApiFailure('conflict', 'This camera has footage held as evidence: release the holds first, or delete the camera keeping its recordings');
      }
      return deleteCamera(deps, id, { keepRecordings });
    },
    'cameras.probe': async ({ url, cameraId }) => {
      const demo = demoKindOf(url);
      if (demo) {
        const cfg = settings.get('ffmpeg');
        const paths = locateFfmpeg({ ffmpeg: cfg.ffmpegPath || undefined, ffprobe: cfg.ffprobePath || undefined });
        return probeDemo(await ensureDemoClip(deps.dataDir, paths.ffmpeg, demo), paths.ffprobe);
      }
      const full = withStoredCredentials(url, cameraId ? (cameras.get(cameraId)?.streams.map((s) => s.url) ?? []) : []);
      const cfg = settings.get('ffmpeg');
      return probeStream(full, { timeoutMs: 10_000, ffprobe: cfg.ffprobePath || undefined });
    },
    'cameras.still': async ({ id }, ctx) => {
      const cam = cameras.require(id);
      const lifts = cam.masks.privacy.length > 0 && mayLiftMasks(ctx.user, id);
      if (lifts) deps.audit.recordRead({ actor: ctx.user.name, action: 'privacy.liftMasks', target: id, origin: ctx.origin, details: { kind: 'still' } });
      const masks = lifts ? [] : cam.masks.privacy;
      const source = deps.frames(id);
      // a camera that records without detecting, or is off, shows its newest recorded picture
      if (source) return cameraStill(source, cam.name, undefined, masks);
      const recorded = await recordedStillOf(deps, id, masks);
      if (recorded) return recorded;
      if (!cam.enabled) return cameraStill(undefined, cam.name);
      throw new ApiFailure('unavailable', `${cam.name} has no picture yet: it records without detecting, so its picture is taken from its newest recording, and none could be read yet`);
    },
    'cameras.states': (_input, ctx) =>
      cameras.list().filter((c) => canSeeCamera(ctx.user, c.id)).map((c) => deps.states.get(c.id) ?? { cameraId: c.id, state: c.enabled ? 'connecting' : 'disabled', since: deps.startedAt }),

    'events.query': (q) => deps.events.query(q),
    'events.get': ({ id }, ctx) => {
      const event = deps.events.get(id);
      // another camera's event is, to this caller, no event at all
      return requireEvent(event && canSeeCamera(ctx.user, event.cameraId) ? event : undefined, id);
    },
    'events.keep': ({ id, keep }) => deps.events.setFlags(id, { keep }),
    'events.markFalsePositive': ({ id, falsePositive }) => deps.events.setFlags(id, { falsePositive }),
    'events.track': ({ id }, ctx) => {
      const event = deps.events.get(id);
      requireEvent(event && canSeeCamera(ctx.user, event.cameraId) ? event : undefined, id);
      return { eventId: id, points: deps.events.tracks.get(id) };
    },
    'events.delete': async ({ id }) => {
      if (deps.holds.eventHeld(id)) throw new ApiFailure('conflict', 'This event is held as evidence: release the hold before deleting it');
      const { deleted, snapshot } = deps.events.delete(id);
      if (snapshot) await deps.media.removeSnapshot(snapshot);
      return { deleted };
    },

    'recordings.spans': ({ cameras: ids, after, before }) => deps.segments.spans(ids ?? cameras.list().map((c) => c.id), after, before),
    'recordings.segments': ({ cameraId, after, before }) => deps.segments.segments(cameraId, after, before),
    'recordings.playMap': ({ cameraId, start, end }) => playbackMap({ segments: deps.segments, media: deps.media, settings: deps.settings }, cameraId, start, end),
    'system.storage': (_input, ctx) => storageStats(deps, ctx.user),
    'system.health': (_input, ctx) => {
      const health = systemHealth(deps.health);
      return { ...health, cameras: health.cameras.filter((c) => canSeeCamera(ctx.user, c.cameraId)), ...(deps.vault ? { vault: deps.vault.status() } : {}) };
    },
    'system.logs': ({ limit }) => recentLogs(limit),

    'settings.get': () => settings.all(),
    'settings.set': ({ section, value }, ctx) => {
      // which program runs with the engine's rights is decided on this machine, never over the network
      // (the section's other fields, such as hardware decoding, may change from anywhere an admin is)
      if (section === 'ffmpeg' && ctx.origin !== 'desktop' && movesFfmpeg(settings.get('ffmpeg'), value)) {
        throw new ApiFailure('forbidden', "ffmpeg's location can be set only in the desktop app, or with --ffmpeg / --ffprobe where the server is started");
      }
      return settings.set(section, value);
    },

    'users.list': () => deps.accounts.list(),
    'users.create': ({ username, password, role, permissions, cameras: scope }) => deps.accounts.create(username, password, role, { permissions, cameras: scope }),
    'users.setAccess': ({ id, permissions, cameras: scope }) => deps.accounts.setAccess(id, { permissions, cameras: scope }),
    'users.delete': ({ id }) => ({ deleted: deps.accounts.delete(id) }),
    'users.setRole': ({ id, role }) => deps.accounts.setRole(id, role),
    'users.setPassword': async ({ id, password }) => {
      await deps.accounts.setPassword(id, password);
      return { ok: true as const };
    },

    'audit.query': (q) => deps.audit.query(q),
    'audit.views': (q) => deps.views.query(q),
    'audit.verify': () => deps.audit.verify(),
    'audit.export': () => ({ csv: deps.audit.exportCsv() }),

    ...onvifApi(deps, publicCamera),
    ...exportApi(deps.exports),
    ...evidenceApi(deps.holds),
    ...rulesApi({ rules: deps.rules, notifier: deps.notifier, cameraIds: () => cameras.list().map((c) => c.id) }),
    ...modelsApi(deps),
    ...demoApi(deps, publicCamera),
    ...reviewApi(deps),
    'motion.search': ({ cameraId, region, after, before }) => {
      cameras.require(cameraId);
      if (!deps.motionActivity) throw new ApiFailure('unavailable', 'Motion search needs the cameras running');
      return deps.motionActivity.search(cameraId, region, after, before);
    },
    'motion.scanStart': (q, ctx) => {
      cameras.require(q.cameraId);
      if (!deps.motionScans) throw new ApiFailure('unavailable', 'Motion scans need the engine running');
      return deps.motionScans.start(ctx.user.name, q);
    },
    'motion.scanStatus': ({ id }, ctx) => deps.motionScans?.status(ctx.user.name, id) ?? null,
    'motion.scanCancel': ({ id }, ctx) => {
      if (!deps.motionScans) throw new ApiFailure('not_found', 'You have no motion scan');
      return deps.motionScans.cancel(ctx.user.name, id);
    },
    ...liveApi(deps),
    ...timelineApi(deps),
    ...learnedApi(deps),
    ...vaultApi({ vault: deps.vault, migration: deps.vaultMigration, onUnlocked: deps.onVaultUnlocked }),
  };
}
