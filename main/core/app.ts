// The composition root: the engine's modules in start order; stop runs in reverse.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CameraState } from '../common/contract/index.js';
import type { HealthSource } from './api/health.js';
import { createApi } from './api/index.js';
import { learnedBackupPart } from './learn/backup.js';
import { LearnedExamples } from './learn/examples.js';
import { Router } from './api/router.js';
import { AuditLog, ViewLog } from './audit/index.js';
import { Accounts, type LockoutPolicy } from './auth/users.js';
import { Bus } from './bus/index.js';
import { CameraRepository } from './cameras/repository.js';
import { SettingsStore } from './config/index.js';
import { CameraRuntime } from './cameras/runtime.js';
import { MotionActivity } from './motion/activity.js';
import { MotionScans } from './motion/scan.js';
import { EventRepository } from './events/repository.js';
import { EvidenceHolds } from './evidence/index.js';
import { createDetector } from './detect/detector.js';
import { ExportManager, loadSigner, REDACT_MIN_SCORE } from './export/index.js';
import { Notifier } from './notify/index.js';
import { RuleEngine } from './rules/index.js';
import { locateFfmpeg } from './ffmpeg/locate.js';
import { createLogger } from './log/index.js';
import { SegmentIndex } from './recordings/index.js';
import { MediaStore } from './media/index.js';
import { Retention } from './recordings/retention.js';
import { blocksMedia, StorageGuard, type StorageGuardOptions } from './recordings/storage-guard.js';
import { keyFileSource, Vault, VaultMigration, type MasterSource } from './vault/index.js';
import { keyFileBox, type SecretBox } from './secrets/index.js';
import { DatabaseLockedError } from './storage/cipher.js';
import { Database } from './storage/database.js';
import { encryptionStatus } from './storage/encryption.js';

const log = createLogger('app');

export const DB_FILE = 'porchlight.db';

/** The database's key. It will be the vault's `deriveKey('database')` once the master key lives there; same call, same bytes. */
export const databaseKey = (secrets: Pick<SecretBox, 'deriveKey'>): Buffer => secrets.deriveKey('database');

/** Beside the database: the audit log's newest entry and count, MAC'd, so entries cut off the end are noticed. */
export const AUDIT_HEAD_FILE = 'audit-head.json';

export interface EngineOptions {
  dataDir: string;
  host: 'desktop' | 'server';
  /** Start camera ingest (off for tools such as the CLI's analyze). */
  startCameras?: boolean;
  lockout?: LockoutPolicy;
  /** Models are looked for here before <data>/models (default: $PORCHLIGHT_MODELS_DIR). */
  modelsDir?: string;
  /** ffmpeg and ffprobe chosen where the engine is started (the server's --ffmpeg/--ffprobe); never settable over the network. */
  ffmpeg?: { ffmpegPath: string; ffprobePath: string };
  /** Seals credentials at rest; the desktop passes one keyed through the OS keychain, the server uses a 0600 key file. */
  secrets?: SecretBox;
  /** Disk-full thresholds (tests use a small disk). */
  storageGuard?: Partial<StorageGuardOptions>;
  /** Crash repair leaves files younger than this alone (default 60 s). */
  repairMinAgeMs?: number;
  /**
   * Encryption at rest. The hosts pass encryption 'auto' (on for a new install, a plain install stays plain until
   * migrated) with their master-key source; without this option the engine stores media plain (tools, most tests).
   * Default source: the key file <data>/vault.key (0600).
   */
  vault?: { encryption: 'auto' | 'on' | 'off'; source?: MasterSource };
  /** The vault migration's disk reserve and retry pace (tests). */
  vaultMigration?: { reserveBytes?: number; retryMs?: number; publishMs?: number };
}

export interface Engine {
  readonly dataDir: string;
  readonly db: Database;
  readonly bus: Bus;
  readonly settings: SettingsStore;
  readonly cameras: CameraRepository;
  readonly router: Router;
  readonly accounts: Accounts;
  readonly audit: AuditLog;
  /** Encryption at rest: its state (off, unlocked, locked) and keys. */
  readonly vault: Vault;
  /** Moving a plain install into the vault (vault.migration.*). */
  readonly vaultMigration: VaultMigration;
  /** Who watched what: viewing sessions, coalesced, into the audit log. */
  readonly views: ViewLog;
  readonly media: MediaStore;
  readonly segments: SegmentIndex;
  readonly retention: Retention;
  readonly storage: StorageGuard;
  readonly events: EventRepository;
  readonly runtime: CameraRuntime;
  readonly exports: ExportManager;
  readonly holds: EvidenceHolds;
  readonly rules: RuleEngine;
  /** The owner's verdicts on events, as examples the cameras learn from. */
  readonly learned: LearnedExamples;
  readonly notifier: Notifier;
  readonly motionScans: MotionScans;
  readonly states: Map<string, CameraState>;
  stop(): Promise<void>;
}

type Stopper = () => void | Promise<void>;

export async function startEngine(opts: EngineOptions): Promise<Engine> {
  const startedAt = Date.now();
  const stoppers: Stopper[] = [];
  mkdirSync(join(opts.dataDir, 'models'), { recursive: true });

  // the secret key: the database's key, camera passwords at rest, the audit log's MAC key (derived; stored in none of them)
  const dbFile = join(opts.dataDir, DB_FILE);
  // a lost key file must not be replaced by a new key beside a database only the old one opens
  if (!opts.secrets && !existsSync(join(opts.dataDir, 'secret.key')) && encryptionStatus(dbFile).encrypted) throw new DatabaseLockedError(dbFile, 'no_key');
  const secrets = opts.secrets ?? keyFileBox(opts.dataDir);
  // storage next, encrypted at rest: every other module reads or writes through it (a plain one is encrypted first)
  const db = Database.open(dbFile, { key: databaseKey(secrets) });
  stoppers.push(() => db.close());
  // the bus before anything that publishes
  const bus = new Bus();
  // settings: each module reads its own section
  const settings = new SettingsStore(db, bus);
  if (opts.ffmpeg) settings.set('ffmpeg', opts.ffmpeg);
  // the audit log: every view, export, deletion and settings change, chained by an HMAC
  const audit = new AuditLog(db, secrets.deriveKey('audit log'), join(opts.dataDir, AUDIT_HEAD_FILE));
  audit.upgrade();
  const pruneAudit = (): void => void audit.prune(Date.now() - settings.get('audit').keepDays * 86_400_000);
  pruneAudit();
  const auditTimer = setInterval(pruneAudit, 6 * 3600_000);
  auditTimer.unref();
  stoppers.push(() => clearInterval(auditTimer));
  const views = new ViewLog(audit, db);
  // open sessions are written before the database closes
  stoppers.push(() => views.flush());
  // accounts and sessions (the server host's login; the desktop user is the local admin)
  const accounts = new Accounts(db, opts.lockout);
  accounts.pruneSessions();
  // cameras: the registry and their live states
  const cameras = new CameraRepository(db, secrets);
  const states = new Map<string, CameraState>();
  stoppers.push(bus.subscribe('camera.state', (s) => states.set(s.cameraId, s)));
  // the vault: encryption at rest, its master key from the host's source; locked when that key is not there
  const vault = new Vault(db, { encryption: opts.vault?.encryption ?? 'off', source: opts.vault?.source ?? keyFileSource(join(opts.dataDir, 'vault.key')) });
  await vault.open();
  // recorded media: every read and write goes through the media store (encrypted when the vault is on)
  const media = new MediaStore(opts.dataDir, { vault });
  await media.start();
  stoppers.push(() => media.stop());
  const segments = new SegmentIndex(db, media, bus);
  // a plain install moving into the vault: started by the owner, carried on here when the last run was cut short
  const vaultMigration = new VaultMigration({ db, vault, media, dbKey: databaseKey(secrets), publish: (s) => bus.publish('vault.migration.progress', s), ...opts.vaultMigration });
  await vaultMigration.resume();
  stoppers.push(() => vaultMigration.stop());
  const events = new EventRepository(db);
  // what the owner taught each camera (false alarms, confirmations): examples in the database, never leaving it
  const learned = new LearnedExamples(db);
  // they go with the settings backup (and come back with it), never anywhere else
  settings.registerBackupPart(learnedBackupPart(learned));
  // the data folder's health: a full disk or an unmounted recordings folder stops recording, never the engine
  const storage = new StorageGuard({
    dataDir: opts.dataDir,
    media,
    indexHasSegments: () => segments.hasSegments(),
    records: (id) => (cameras.get(id)?.recordMode ?? 'off') !== 'off',
    vault,
    options: opts.storageGuard,
  });
  await storage.start();
  stoppers.push(() => storage.stop());
  // evidence holds: events and ranges retention and the disk floor never delete
  const holds = new EvidenceHolds(db);
  // retention: a debounced pass after new footage and one a minute, never on the segment path itself
  const retention = new Retention({
    holds,
    db,
    index: segments,
    events,
    media,
    storage: () => settings.get('storage'),
    cameras: () => cameras.retentionPolicies(),
    dataDir: opts.dataDir,
    // nothing is deleted while the media is missing or the vault locked
    mediaPresent: () => !blocksMedia(storage.problem()),
    afterPass: () => void cameras.purgeRetired(),
  });
  retention.start();
  stoppers.push(() => retention.stop());
  // a released hold's footage lies behind retention's marks: the next pass looks at it again
  stoppers.push(holds.onRelease((cameraId, from) => retention.revisit(cameraId, from)));
  // clip exports: one job at a time, never touched by retention
  const exportsManager = new ExportManager({
    db,
    media,
    segments,
    events,
    audit,
    publish: (topic, payload) => bus.publish(topic, payload),
    // every manifest signed with the install's Ed25519 key (made on the first start, private half sealed by the secret key)
    signer: loadSigner(db, secrets),
    // privacy masks burned into exports unless lifted
    privacyMasks: (id) => cameras.get(id)?.masks.privacy ?? [],
    // redacted exports: a detector of the configured model for each job's detection pass
    detector: () =>
      createDetector({ model: settings.get('detection').model, modelsDir: opts.modelsDir ?? process.env.PORCHLIGHT_MODELS_DIR, dataDir: opts.dataDir, workers: 1, scoreThreshold: REDACT_MIN_SCORE }),
    ffmpeg: () => {
      const cfg = settings.get('ffmpeg');
      return locateFfmpeg({ ffmpeg: cfg.ffmpegPath || undefined, ffprobe: cfg.ffprobePath || undefined });
    },
  });
  await exportsManager.start();
  stoppers.push(() => exportsManager.stop());
  // notifications, then the rules that feed them: evaluated on every event.changed
  const notifier = new Notifier(db, bus, { secrets });
  notifier.start();
  stoppers.push(() => notifier.stop());
  const rules = new RuleEngine({
    db,
    bus,
    events,
    cameras,
    notifier,
    homeMode: () => settings.get('general').homeMode,
    snapshotJpeg: (rel) => media.readBytes('snapshots', rel),
  });
  rules.start();
  stoppers.push(() => rules.stop());
  // the cameras: ingest, detection, events; off for tools that only need the database
  const motionActivity = new MotionActivity(db);
  // motion scans: decode the recordings where no stored motion answers (one per user, two at once); cancelled on stop
  const motionScans = new MotionScans({
    segments,
    media,
    activity: motionActivity,
    ffmpeg: () => {
      const cfg = settings.get('ffmpeg');
      return locateFfmpeg({ ffmpeg: cfg.ffmpegPath || undefined, ffprobe: cfg.ffprobePath || undefined }).ffmpeg;
    },
    publish: (payload) => bus.publish('motion.progress', payload),
    motionMask: (id) => cameras.get(id)?.masks.motion ?? [],
  });
  stoppers.push(() => motionScans.stop());
  const runtime = new CameraRuntime({
    dataDir: opts.dataDir,
    motionActivity,
    bus,
    settings,
    cameras,
    media,
    segments,
    events,
    retention,
    storage,
    learned,
    ...(opts.repairMinAgeMs !== undefined ? { repairMinAgeMs: opts.repairMinAgeMs } : {}),
    modelsDir: opts.modelsDir ?? process.env.PORCHLIGHT_MODELS_DIR,
  });
  if (opts.startCameras !== false) {
    await runtime.start();
    stoppers.push(() => runtime.stop());
    // recording stops or resumes with the disk: the runtime re-applies each camera's record flag
    stoppers.push(storage.subscribe(() => void runtime.apply()));
  }
  const health: HealthSource = runtime.health();
  // api last: it only wires what exists
  const router = new Router(createApi({ dataDir: opts.dataDir, vault, vaultMigration, onVaultUnlocked: () => void storage.check(), host: opts.host, startedAt, db, bus, settings, cameras, states, accounts, audit, views, media, segments, retention, storage, events, learned, health, exports: exportsManager, holds, rules, notifier, modelsDir: opts.modelsDir ?? process.env.PORCHLIGHT_MODELS_DIR, live: (id, view, o) => runtime.live(id, view, o), frames: (id) => runtime.frames(id), quiesce: (id) => runtime.quiesce(id), motionActivity, motionScans }), audit, () => cameras.list().map((c) => c.id));

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      for (const s of stoppers.reverse()) {
        try {
          await s();
        } catch (err) {
          log.error({ err }, 'stop step failed');
        }
      }
      log.info('engine stopped');
    })();
    return stopped;
  };

  log.info({ dataDir: opts.dataDir, host: opts.host, schema: db.schemaVersion }, 'engine started');
  return { dataDir: opts.dataDir, db, bus, settings, cameras, router, states, accounts, audit, views, vault, vaultMigration, media, segments, retention, storage, events, runtime, exports: exportsManager, holds, rules, learned, notifier, motionScans, stop };
}
