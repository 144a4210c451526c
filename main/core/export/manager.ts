// Export jobs: a queue run one job at a time; ffmpeg concat per camera (or per event into a zip), a manifest, progress, cancel.
import { randomBytes } from 'node:crypto';
import {
  EventsExportRequest,
  ExportRequest,
  type ExportGap,
  type ExportJob,
  type ExportProgress,
  type ExportStatus,
  type ExportVerifyResult,
} from '../../common/contract/exports.js';
import { ApiFailure, type Polygon } from '../../common/contract/index.js';
import type { AuditRecord } from '../audit/index.js';
import type { EventRepository } from '../events/repository.js';
import { createLogger } from '../log/index.js';
import type { SegmentIndex } from '../recordings/index.js';
import type { ExportArea, FfmpegOutput, MediaStore } from '../media/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { VERSION } from '../version.js';
import { digestFile, Manifest, MANIFEST_FORMAT, verifyExport, type ManifestClip, type ManifestFile } from './manifest.js';
import {
  concatList,
  describeGaps,
  edgeArgs,
  ffmpegArgs,
  fileStamp,
  joinArgs,
  middleArgs,
  piecesList,
  planCamera,
  planExactCut,
  type CameraPlan,
  type CopyPiece,
  type ExactCut,
  type ListEntry,
  type SourceSegment,
} from './plan.js';
import { listEncoders, probeDuration, probeFrames, probeStreamDuration, runFfmpeg } from './run.js';
import type { ExportSigner, SigningKeyInfo } from './sign.js';
import { redactExport, type RedactRequest, type RedactDetector } from './redact-job.js';
import type { ManifestRedaction } from './manifest.js';
import { ZipWriter } from './zip.js';

const log = createLogger('export');

/** Progress events at most this often (the UI redraws a bar, no need for more). */
const PUBLISH_EVERY_MS = 250;
/** One event clip is at most this long, whatever the event's recorded end says. */
const MAX_CLIP_MS = 3_600_000;
/** An event still in progress is exported up to now, at most this far past its start. */
const OPEN_EVENT_MS = 60_000;
/** Share of the progress bar the ffmpeg runs take; hashing, probing and zipping take the rest. */
const ENCODE_SHARE = 0.95;
/** A second of re-encoded edge costs about this many seconds of stream copy: the weight of each step on the progress bar. */
const ENCODE_COST = 50;
const TERMINAL: ReadonlySet<ExportStatus> = new Set(['done', 'failed', 'cancelled']);

export interface Actor {
  name: string;
  /** Where the request came from: an IP address, or 'desktop'. */
  origin: string;
}

export interface ExportManagerDeps {
  db: Database;
  media: MediaStore;
  segments: SegmentIndex;
  events: EventRepository;
  /** The bus's publish, narrowed to this module's topic. */
  publish?: (topic: 'export.progress', payload: ExportProgress) => void;
  audit?: { record(entry: AuditRecord): void };
  /** Binaries, or a function so a changed setting applies to the next job. */
  ffmpeg: { ffmpeg: string; ffprobe: string } | (() => { ffmpeg: string; ffprobe: string });
  /** Signs every manifest (the install's Ed25519 key); without it manifests are unsigned. */
  signer?: ExportSigner;
  /** Starts a detector for a redacted export's detection pass (closed after the job); redaction is refused without it. */
  detector?: RedactDetector;
  /** A camera's privacy masks, burned into its exports unless the request lifts them. */
  privacyMasks?: (cameraId: string) => Polygon[];
}

interface ClipSpec {
  eventId: string;
  cameraId: string;
  label: string;
  start: number;
  end: number;
}

interface JobState {
  id: string;
  kind: 'range' | 'events';
  cameras: string[];
  start: number;
  end: number;
  exact: boolean;
  allowGaps: boolean;
  clips: ClipSpec[];
  redact?: RedactRequest;
  /** The requester may see behind the privacy masks and asked to (checked and audited before the job is queued). */
  liftMasks: boolean;
  actor: Actor;
  status: ExportStatus;
  progress: number;
  gaps?: ExportGap[];
  /** Why it failed, also when the row could not be written (a full disk). */
  error?: string;
  abort: AbortController;
  settled: Promise<void>;
  settle: () => void;
  lastPublish: number;
  lastDecile: number;
}

interface ExportRow {
  id: string;
  camera_ids: string;
  start: number;
  end: number;
  status: ExportStatus;
  progress: number;
  path: string | null;
  bytes: number | null;
  sha256: string | null;
  error: string | null;
  created_by: string;
  created_at: number;
  finished_at: number | null;
}

interface Outcome {
  manifest: Manifest;
  manifestName: string;
}

/** A failure the user can act on; its message is shown as is. */
class ExportError extends Error {
  constructor(
    message: string,
    readonly gaps?: ExportGap[],
  ) {
    super(message);
  }
}

class Cancelled extends Error {}

function newId(now: number): string {
  const t = new Date(now).toISOString();
  return `${t.slice(0, 10).replace(/-/g, '')}-${t.slice(11, 19).replace(/:/g, '')}-${randomBytes(4).toString('hex')}`;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64) || 'x';
}

export class ExportManager {
  private readonly jobs = new Map<string, JobState>();
  private readonly queue: string[] = [];
  private readonly manifests = new Map<string, Manifest | null>();
  private running: string | undefined;
  private stopped = false;
  /** `ffmpeg -encoders` per binary, asked once. */
  private readonly encoders = new Map<string, Promise<Set<string>>>();

  constructor(private readonly deps: ExportManagerDeps) {}

  private area(id: string): ExportArea {
    return this.deps.media.exportArea(id);
  }

  private bins(): { ffmpeg: string; ffprobe: string } {
    const f = this.deps.ffmpeg;
    return typeof f === 'function' ? f() : f;
  }

  /** Jobs a previous run left queued or running cannot resume (their requests lived in memory): fail them and clear their files. */
  async start(): Promise<void> {
    const stale = this.deps.db.all<{ id: string }>(sql`SELECT id FROM exports WHERE status IN ('queued', 'running')`);
    for (const { id } of stale) {
      await this.removeJobDir(id);
      this.deps.db.run(sql`UPDATE exports SET status = 'failed', error = ${'The engine stopped before this export finished'}, finished_at = ${Date.now()} WHERE id = ${id}`);
    }
    if (stale.length) log.warn({ jobs: stale.length }, 'interrupted exports marked failed');
  }

  /** Cancels what is queued or running and waits for ffmpeg to be gone; safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    const active = [...this.jobs.values()].filter((j) => !TERMINAL.has(j.status));
    await Promise.all(active.map((j) => this.cancel(j.id).catch(() => undefined)));
  }

  create(input: ExportRequest, actor: Actor): ExportJob {
    const req = ExportRequest.parse(input);
    if (req.redact && !this.deps.detector) throw new ApiFailure('unavailable', 'Redacted exports need the detection model, which this engine does not have');
    // a redacted clip is re-encoded anyway: cut exactly, so event times line up with its frames
    const exact = (req.exact ?? false) || Boolean(req.redact);
    const liftMasks = req.liftMasks ?? false;
    const job = this.enqueue({ kind: 'range', cameras: req.cameras, start: req.start, end: req.end, exact, allowGaps: req.allowGaps ?? false, clips: [], redact: req.redact, liftMasks }, actor);
    if (liftMasks) this.deps.audit?.record({ actor: actor.name, action: 'privacy.liftMasks', target: job.id, origin: actor.origin, ok: true, details: { cameras: req.cameras, start: req.start, end: req.end } });
    return job;
  }

  /** The events are chosen now, so the zip holds what the query matched when it was asked. */
  createFromEvents(input: EventsExportRequest, actor: Actor): ExportJob {
    const req = EventsExportRequest.parse(input);
    const { paddingS, allowGaps, ...query } = req;
    const page = this.deps.events.query(query);
    if (page.items.length === 0) throw new ApiFailure('not_found', 'No event matches the query');
    const pad = paddingS * 1000;
    const now = Date.now();
    const clips = page.items
      .map((e) => {
        const end = e.end ?? Math.min(now, e.start + OPEN_EVENT_MS);
        return { eventId: e.id, cameraId: e.cameraId, label: e.label, start: e.start - pad, end: Math.min(Math.max(end, e.start) + pad, e.start + MAX_CLIP_MS) };
      })
      .sort((a, b) => a.start - b.start || a.eventId.localeCompare(b.eventId));
    const cameras = [...new Set(clips.map((c) => c.cameraId))].sort();
    const start = Math.min(...clips.map((c) => c.start));
    const end = Math.max(...clips.map((c) => c.end));
    // the event clips are stream copies: a camera with privacy masks is refused here rather than exported unmasked
    const masked = cameras.filter((c) => (this.deps.privacyMasks?.(c) ?? []).length > 0);
    if (masked.length) throw new ApiFailure('conflict', `${masked.join(', ')} ${masked.length === 1 ? 'has' : 'have'} privacy masks: export its events as a range, which burns the masks in`);
    return this.enqueue({ kind: 'events', cameras, start, end, exact: false, allowGaps: allowGaps ?? false, clips, liftMasks: false }, actor);
  }

  list(limit = 100): ExportJob[] {
    const rows = this.deps.db.all<ExportRow>(sql`SELECT * FROM exports ORDER BY created_at DESC, id DESC LIMIT ${limit}`);
    return rows.map((r) => this.toDto(r));
  }

  get(id: string): ExportJob {
    const row = this.row(id);
    if (!row) throw new ApiFailure('not_found', `There is no export with id ${JSON.stringify(id)}`);
    return this.toDto(row);
  }

  /** Resolves once the job is done, failed or cancelled. */
  async wait(id: string): Promise<ExportJob> {
    await this.jobs.get(id)?.settled;
    return this.get(id);
  }

  /** Stops the job (ffmpeg killed, partial files removed) and resolves once it is gone. */
  async cancel(id: string): Promise<ExportJob> {
    const job = this.jobs.get(id);
    if (!job || TERMINAL.has(job.status)) return this.get(id);
    job.abort.abort();
    const queued = this.queue.indexOf(id);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finishJob(job, 'cancelled', { error: 'Cancelled' });
    }
    await job.settled;
    return this.get(id);
  }

  /** Removes the job's files and row; an active job is cancelled first. */
  async delete(id: string): Promise<{ deleted: boolean }> {
    if (!this.row(id)) return { deleted: false };
    await this.cancel(id);
    await this.removeJobDir(id);
    this.manifests.delete(id);
    this.jobs.delete(id);
    return { deleted: this.deps.db.run(sql`DELETE FROM exports WHERE id = ${id}`).changes > 0 };
  }

  async verify(id: string): Promise<ExportVerifyResult> {
    const rel = this.row(id)?.path;
    if (!rel) throw new ApiFailure('not_found', `Export ${id} has no manifest (it did not finish)`);
    // the manifest is `<id>/<name>`; it and its files are read inside the job's area of the store
    return verifyExport(rel.slice(id.length + 1), { files: this.area(id).reader(), trustedKey: this.deps.signer?.key });
  }

  /** The public half of the key manifests are signed with, for Settings; null when this engine does not sign. */
  signingKey(): SigningKeyInfo | null {
    return this.deps.signer?.info ?? null;
  }

  /** The sidecar manifest's path on disk, for the verify command a user runs on it (encrypted there when the vault is on). */
  manifestPath(id: string): string | null {
    const rel = this.row(id)?.path;
    return rel ? this.area(id).storedPath(rel.slice(id.length + 1)) : null;
  }

  private row(id: string): ExportRow | undefined {
    return this.deps.db.get<ExportRow>(sql`SELECT * FROM exports WHERE id = ${id}`);
  }

  private enqueue(spec: Pick<JobState, 'kind' | 'cameras' | 'start' | 'end' | 'exact' | 'allowGaps' | 'clips' | 'redact' | 'liftMasks'>, actor: Actor): ExportJob {
    if (this.stopped) throw new ApiFailure('unavailable', 'The engine is stopping');
    const now = Date.now();
    const id = newId(now);
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const job: JobState = { ...spec, id, actor, status: 'queued', progress: 0, abort: new AbortController(), settled, settle, lastPublish: 0, lastDecile: 0 };
    this.deps.db.run(sql`INSERT INTO exports (id, camera_ids, start, end, status, progress, created_by, created_at)
      VALUES (${id}, ${JSON.stringify(spec.cameras)}, ${spec.start}, ${spec.end}, 'queued', 0, ${actor.name}, ${now})`);
    this.jobs.set(id, job);
    this.queue.push(id);
    log.info({ id, kind: spec.kind, cameras: spec.cameras, seconds: Math.round((spec.end - spec.start) / 1000), clips: spec.clips.length || undefined }, 'export queued');
    // started after this call returns, so the caller sees the job as queued
    queueMicrotask(() => this.pump());
    return this.get(id);
  }

  private pump(): void {
    if (this.running || this.stopped) return;
    const id = this.queue.shift();
    const job = id ? this.jobs.get(id) : undefined;
    if (!job) return;
    this.running = job.id;
    void this.runJob(job)
      .catch((err: unknown) => {
        // a job never takes the engine down (a full disk, a failing database): it ends failed, with a message
        log.error({ err, id: job.id }, 'export job failed outside its steps');
        if (job.status === 'queued' || job.status === 'running') this.finishJob(job, 'failed', { error: `The export failed: ${(err as Error).message}` });
      })
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
  }

  private async runJob(job: JobState): Promise<void> {
    const t0 = performance.now();
    job.status = 'running';
    this.writeRow(job, () => this.deps.db.run(sql`UPDATE exports SET status = 'running', progress = 0 WHERE id = ${job.id}`));
    this.publish(job, true);
    const area = this.area(job.id);
    let outcome: Outcome | undefined;
    let failure: unknown;
    try {
      await area.ensure();
      outcome = job.kind === 'range' ? await this.exportRange(job, area) : await this.exportEvents(job, area);
    } catch (err) {
      failure = err;
    }
    if (outcome) {
      const files = outcome.manifest.files;
      const bytes = files.reduce((n, f) => n + f.bytes, 0);
      this.manifests.set(job.id, outcome.manifest);
      this.finishJob(job, 'done', { path: `${job.id}/${outcome.manifestName}`, bytes, sha256: files.length === 1 ? files[0]?.sha256 : undefined });
      log.info({ id: job.id, files: files.length, mb: Math.round(bytes / 1e6), seconds: Math.round(performance.now() - t0) / 1000 }, 'export finished');
      return;
    }
    await this.removeJobDir(job.id).catch((err: unknown) => log.error({ err, id: job.id }, 'could not remove a failed export folder'));
    if (job.abort.signal.aborted) {
      this.finishJob(job, 'cancelled', { error: 'Cancelled' });
      log.info({ id: job.id }, 'export cancelled');
    } else if (failure instanceof ExportError) {
      job.gaps = failure.gaps;
      this.finishJob(job, 'failed', { error: failure.message });
      log.warn({ id: job.id, error: failure.message }, 'export failed');
    } else {
      log.error({ err: failure, id: job.id }, 'export failed unexpectedly');
      this.finishJob(job, 'failed', { error: 'The export failed unexpectedly; the engine log has the details' });
    }
  }

  private finishJob(job: JobState, status: ExportStatus, r: { path?: string; bytes?: number; sha256?: string; error?: string }): void {
    job.status = status;
    if (r.error) job.error = r.error;
    if (status === 'done') job.progress = 1;
    this.writeRow(job, () =>
      this.deps.db.run(sql`UPDATE exports SET status = ${status}, progress = ${job.progress}, path = ${r.path ?? null}, bytes = ${r.bytes ?? null},
        sha256 = ${r.sha256 ?? null}, error = ${r.error ?? null}, finished_at = ${Date.now()} WHERE id = ${job.id}`),
    );
    this.publish(job, true);
    try {
      this.deps.audit?.record({
        actor: job.actor.name,
        action: job.kind === 'range' ? 'exports.create' : 'exports.createFromEvents',
        target: job.id,
        origin: job.actor.origin,
        ok: status === 'done',
        details: { status, cameras: job.cameras, start: job.start, end: job.end, sha256: r.sha256, error: r.error },
      });
    } catch (err) {
      log.error({ err, id: job.id }, 'export not audited');
    }
    job.settle();
  }

  /** A row write that fails (disk full, database error) is logged; the job goes on or ends, the engine stays up. */
  private writeRow(job: JobState, write: () => unknown): void {
    try {
      write();
    } catch (err) {
      log.error({ err, id: job.id, status: job.status }, 'export row not written');
    }
  }

  private progress(job: JobState, p: number): void {
    job.progress = Math.min(1, Math.max(job.progress, p));
    const decile = Math.floor(job.progress * 10);
    // the row is written rarely (every 10 %); the bus carries the fine-grained progress
    if (decile > job.lastDecile) {
      job.lastDecile = decile;
      // called from ffmpeg's progress listener: a throw there would be uncaught
      this.writeRow(job, () => this.deps.db.run(sql`UPDATE exports SET progress = ${job.progress} WHERE id = ${job.id}`));
    }
    this.publish(job, false);
  }

  private publish(job: JobState, force: boolean): void {
    const now = Date.now();
    if (!force && now - job.lastPublish < PUBLISH_EVERY_MS) return;
    job.lastPublish = now;
    this.deps.publish?.('export.progress', { id: job.id, status: job.status, progress: job.progress });
  }

  private plan(cameraId: string, start: number, end: number): CameraPlan {
    const { media, segments } = this.deps;
    const found: SourceSegment[] = segments.segments(cameraId, start, end).map((s) => {
      const input = media.ffmpegInput('recordings', s.url);
      return { cameraId, abs: input?.url ?? null, rel: s.url, start: s.start, end: s.end, exists: input !== null && media.size('recordings', s.url) > 0 };
    });
    return planCamera(cameraId, start, end, found);
  }

  /** Plans every piece up front, so a gap fails the job before any work is done. */
  private checkGaps(job: JobState, plans: CameraPlan[]): ExportGap[] {
    const gaps = plans.flatMap((p) => p.gaps);
    job.gaps = gaps.length ? gaps : undefined;
    if (gaps.length && !job.allowGaps) {
      throw new ExportError(`Recording is missing: ${describeGaps(gaps, job.start, job.end)}. Export again with gaps allowed to skip the missing parts.`, gaps);
    }
    if (!plans.some((p) => p.segments.length)) throw new ExportError('Nothing was recorded in this range', gaps);
    return gaps;
  }

  private async exportRange(job: JobState, area: ExportArea): Promise<Outcome> {
    const plans = job.cameras.map((c) => this.plan(c, job.start, job.end));
    const gaps = this.checkGaps(job, plans);
    const usable = plans.filter((p) => p.segments.length);
    const totalMs = usable.reduce((n, p) => n + p.coveredMs, 0);
    let doneMs = 0;
    const outputs: string[] = [];
    const redactions: ManifestRedaction[] = [];
    const burned: { file: string; polygons: Polygon[] }[] = [];
    for (const plan of usable) {
      const out = `${plan.cameraId}_${fileStamp(job.start)}.mp4`;
      // a redacted export gives the cut half the bar and the two detection/redaction passes the other half
      const masks = job.liftMasks ? [] : (this.deps.privacyMasks?.(plan.cameraId) ?? []);
      const share = job.redact || masks.length ? 0.5 : 1;
      const onMs = (ms: number): void => this.progress(job, ((doneMs + ms * share) / totalMs) * ENCODE_SHARE);
      if (job.exact) await this.exactCut(job, plan, area, out, onMs);
      else await this.concat(job, plan, area, out, false, onMs);
      if (job.redact || masks.length) {
        const r = await this.redact(job, plan, area, out, masks, (f) => onMs(plan.coveredMs * (1 + f)));
        if (r) redactions.push(r);
        if (masks.length) burned.push({ file: out, polygons: masks });
      }
      doneMs += plan.coveredMs;
      outputs.push(out);
    }
    const files: ManifestFile[] = [];
    for (const out of outputs) files.push(await this.describeFile(job, area, out));
    const manifest = this.seal({
      ...this.manifest(job, files, usable, gaps),
      ...(job.redact ? { redactions } : {}),
      ...(burned.length ? { privacyMasks: burned } : {}),
      ...(job.liftMasks ? { privacyMasksLifted: true } : {}),
    });
    const manifestName = files.length === 1 ? `${files[0]?.path}.manifest.json` : `${job.id}.manifest.json`;
    await this.writeJson(area, manifestName, manifest);
    return { manifest, manifestName };
  }

  private async exportEvents(job: JobState, area: ExportArea): Promise<Outcome> {
    const plans = job.clips.map((c) => this.plan(c.cameraId, c.start, c.end));
    const gaps = this.checkGaps(job, plans);
    await area.ensure('.work');
    const totalMs = plans.reduce((n, p) => n + p.coveredMs, 0);
    let doneMs = 0;
    const clips: ManifestClip[] = [];
    const entries: { name: string; file: string; crc32: number; bytes: number }[] = [];
    for (const [i, clip] of job.clips.entries()) {
      const plan = plans[i];
      if (!plan?.segments.length) {
        clips.push({ ...clip, entry: null, sha256: null, bytes: null, duration: null });
        continue;
      }
      const name = `${fileStamp(clip.start)}_${safeName(clip.cameraId)}_${safeName(clip.label)}_${safeName(clip.eventId)}.mp4`;
      const out = `.work/${name}`;
      await this.concat(job, plan, area, out, false, (ms) => this.progress(job, ((doneMs + ms) / totalMs) * 0.85));
      doneMs += plan.coveredMs;
      const digest = await digestFile(out, (n) => area.openRead(n));
      const duration = await this.duration(area, out, job);
      this.throwIfCancelled(job);
      clips.push({ ...clip, entry: name, sha256: digest.sha256, bytes: digest.bytes, duration });
      entries.push({ name, file: out, crc32: digest.crc32, bytes: digest.bytes });
    }
    // the manifest inside the zip lists the clips beside it, so an unpacked zip verifies on its own
    const inner = this.seal(this.manifest(
      job,
      clips.flatMap((c) => (c.entry && c.sha256 && c.bytes !== null ? [{ path: c.entry, sha256: c.sha256, bytes: c.bytes, duration: c.duration }] : [])),
      plans,
      gaps,
      clips,
    ));
    const zipName = `events_${fileStamp(job.start)}.zip`;
    const zip = new ZipWriter(area.openWrite(`${zipName}.partial`));
    try {
      for (const [i, e] of entries.entries()) {
        await zip.addFile({ name: e.name, size: e.bytes, crc32: e.crc32 }, area.openRead(e.file, job.abort.signal));
        this.progress(job, 0.85 + (0.1 * (i + 1)) / entries.length);
      }
      await zip.addBuffer('manifest.json', Buffer.from(`${JSON.stringify(inner, null, 2)}\n`));
      await zip.finish();
    } catch (err) {
      await zip.abort();
      throw job.abort.signal.aborted ? new Cancelled() : err;
    }
    await area.rename(`${zipName}.partial`, zipName);
    await area.removeDir('.work');
    const file = await this.describeFile(job, area, zipName, false);
    const manifest: Manifest = this.seal({ ...inner, files: [file] });
    const manifestName = `${zipName}.manifest.json`;
    await this.writeJson(area, manifestName, manifest);
    return { manifest, manifestName };
  }

  private throwIfCancelled(job: JobState): void {
    if (job.abort.signal.aborted) throw new Cancelled();
  }

  /** One ffmpeg run: concat list in the store's scratch, output to a .partial name in the area, renamed once complete. */
  private async concat(job: JobState, plan: CameraPlan, area: ExportArea, out: string, exact: boolean, onMs: (ms: number) => void): Promise<void> {
    this.throwIfCancelled(job);
    const scratch = this.deps.media.scratch('export');
    const partial = `${out}.partial`;
    try {
      const list = scratch.writeText('list.ffconcat', concatList(plan, exact));
      const output = area.ffmpegOutput(partial);
      await this.ffmpegStep(job, plan, ffmpegArgs(list, output.target, plan, exact), plan.coveredMs, (f) => onMs(f * plan.coveredMs), output);
      await area.rename(partial, out);
    } finally {
      await area.remove(partial);
      scratch.dispose();
    }
  }

  /** Runs ffmpeg for one step; onFraction gets how far through `spanMs` of output it is (0..1). */
  private async ffmpegStep(job: JobState, plan: CameraPlan, args: string[], spanMs: number, onFraction: (f: number) => void, output?: FfmpegOutput): Promise<void> {
    this.throwIfCancelled(job);
    const r = await runFfmpeg(this.bins().ffmpeg, args, {
      signal: job.abort.signal,
      // the segments (and pieces) may be read through the store's tap: its credential goes in the environment
      env: this.deps.media.ffmpegEnv(),
      output: output?.open?.(),
      onProgress: (us) => onFraction(spanMs > 0 ? Math.min(1, us / 1000 / spanMs) : 1),
    });
    if (r.aborted || job.abort.signal.aborted) throw new Cancelled();
    if (r.code !== 0) {
      log.warn({ id: job.id, camera: plan.cameraId, code: r.code, signal: r.signal, stderr: r.stderr.slice(-5) }, 'ffmpeg failed');
      throw new ExportError(`ffmpeg could not export ${plan.cameraId}: ${r.stderr.at(-1) ?? `exit ${r.code ?? r.signal}`}`);
    }
    onFraction(1);
  }

  /**
   * The exact cut: only the edges (start to the next keyframe, last keyframe to the end) are re-encoded, the rest is the
   * recording's packets. When that cannot be done (no edge encoder, B-frames, unreadable segment, a failed piece) the whole
   * range is re-encoded instead, and the log says why.
   */
  private async exactCut(job: JobState, plan: CameraPlan, area: ExportArea, out: string, onMs: (ms: number) => void): Promise<void> {
    const cut = await this.planCut(job, plan);
    if ('reason' in cut) {
      log.info({ id: job.id, camera: plan.cameraId, reason: cut.reason }, 'exact cut: re-encoding the whole range');
      return this.concat(job, plan, area, out, true, onMs);
    }
    try {
      await this.cutEdges(job, plan, cut, area, out, onMs);
    } catch (err) {
      if (!(err instanceof ExportError) || job.abort.signal.aborted) throw err;
      log.warn({ id: job.id, camera: plan.cameraId, error: err.message }, 'exact cut at the edges failed, re-encoding the whole range');
      await this.concat(job, plan, area, out, true, onMs);
    }
  }

  private async planCut(job: JobState, plan: CameraPlan): Promise<ExactCut | { reason: string }> {
    const { ffmpeg, ffprobe } = this.bins();
    const firstSeg = plan.segments[0];
    const lastSeg = plan.segments.at(-1);
    if (!firstSeg || !lastSeg) return { reason: 'no segment' };
    let encoders = this.encoders.get(ffmpeg);
    if (!encoders) this.encoders.set(ffmpeg, (encoders = listEncoders(ffmpeg)));
    // only the two files the edges fall in are read, and only their packet headers
    const input = (url: string) => ({ url, protocols: 'file,http,tcp', env: this.deps.media.ffmpegEnv() });
    const first = await probeFrames(ffprobe, input(firstSeg.abs), job.abort.signal);
    const last = lastSeg === firstSeg ? first : await probeFrames(ffprobe, input(lastSeg.abs), job.abort.signal);
    this.throwIfCancelled(job);
    if (!first || !last) return { reason: 'ffprobe could not read the first or last segment' };
    return planExactCut(plan, first, last, await encoders);
  }

  /** Re-encodes the edge pieces next to the output, joins them with the copied segments (and the audio), removes them. */
  private async cutEdges(job: JobState, plan: CameraPlan, cut: ExactCut, area: ExportArea, out: string, onMs: (ms: number) => void): Promise<void> {
    const scratch = this.deps.media.scratch('export');
    const partial = `${out}.partial`;
    const temps: string[] = [];
    try {
      const pieceName = (i: number): string => `${out}.piece${i}.partial`;
      // read back once written: a path, or the tap's URL of the encrypted piece
      const pieceFile = (i: number): string => area.ffmpegInput(pieceName(i)).url;
      const encodes = cut.pieces.flatMap((p, i) => (p.kind === 'encode' ? [{ piece: p, output: area.ffmpegOutput(pieceName(i)), name: pieceName(i) }] : []));
      const copies = cut.pieces.filter((p): p is CopyPiece => p.kind === 'copy');
      const editedMs = encodes.reduce((n, e) => n + e.piece.duration * 1000, 0);
      const copiedMs = Math.max(0, plan.coveredMs - editedMs);
      const middleName = `${out}.middle.partial`;
      const middle = !cut.inline && copies.length ? area.ffmpegOutput(middleName) : undefined;
      // the bar moves in proportion to each step's expected time, so it runs 0 to 1 once across all of them
      const total = editedMs * ENCODE_COST + (middle ? copiedMs : 0) + plan.coveredMs;
      let done = 0;
      const step = (weight: number) => (f: number) => onMs(((done + weight * f) / total) * plan.coveredMs);

      for (const e of encodes) {
        temps.push(e.name);
        const weight = e.piece.duration * 1000 * ENCODE_COST;
        await this.ffmpegStep(job, plan, edgeArgs(e.piece, e.output.target, cut), e.piece.duration * 1000, step(weight), e.output);
        done += weight;
      }
      let entries: ListEntry[] = cut.pieces.map((p, i) => (p.kind === 'copy' ? p : { file: pieceFile(i), duration: p.duration }));
      if (middle) {
        temps.push(middleName);
        const list = scratch.writeText('middle.ffconcat', piecesList(copies));
        await this.ffmpegStep(job, plan, middleArgs(list, middle.target), copiedMs, step(copiedMs), middle);
        done += copiedMs;
        // the copied segments (consecutive, between head and tail) are one file now
        const from = cut.pieces.findIndex((p) => p.kind === 'copy');
        entries = [...entries.slice(0, from), { file: area.ffmpegInput(middleName).url }, ...entries.slice(from + copies.length)];
      }
      // each piece but the last is placed by its duration; the last one's is whatever it holds
      const joined = entries.map((e, i) => (i === entries.length - 1 ? { ...e, duration: undefined } : e));
      const list = scratch.writeText('pieces.ffconcat', piecesList(joined));
      const audioList = cut.audio ? scratch.writeText('audio.ffconcat', concatList(plan, true)) : undefined;
      const output = area.ffmpegOutput(partial);
      await this.ffmpegStep(job, plan, joinArgs(list, output.target, plan, cut, audioList), plan.coveredMs, step(plan.coveredMs), output);
      await area.rename(partial, out);
      log.info(
        { id: job.id, camera: plan.cameraId, reencodedS: Math.round(editedMs) / 1000, copiedS: Math.round(copiedMs) / 1000, viaTs: Boolean(middle) },
        'exact cut: edges re-encoded, the rest copied',
      );
    } finally {
      for (const f of [...temps, partial]) await area.remove(f);
      scratch.dispose();
    }
  }

  private async describeFile(job: JobState, area: ExportArea, name: string, media = true): Promise<ManifestFile> {
    this.throwIfCancelled(job);
    const digest = await digestFile(name, (n) => area.openRead(n));
    const duration = media ? await this.duration(area, name, job) : null;
    this.throwIfCancelled(job);
    return { path: name, sha256: digest.sha256, bytes: digest.bytes, duration };
  }

  /** A clip's duration: ffprobe on the file, or on its decrypted bytes through a pipe when the area is encrypted. */
  private duration(area: ExportArea, name: string, job: JobState): Promise<number | null> {
    const { ffprobe } = this.bins();
    if (area.encrypted) return probeStreamDuration(ffprobe, area.openRead(name, job.abort.signal), job.abort.signal);
    return probeDuration(ffprobe, area.ffmpegInput(name), job.abort.signal);
  }

  private manifest(job: JobState, files: ManifestFile[], plans: CameraPlan[], gaps: ExportGap[], clips?: ManifestClip[]): Manifest {
    const seen = new Set<string>();
    const segments = plans.flatMap((p) => p.segments).filter((s) => !seen.has(s.rel) && seen.add(s.rel));
    return {
      format: MANIFEST_FORMAT,
      porchlight: VERSION,
      id: job.id,
      kind: job.kind,
      cameras: job.cameras,
      range: { start: job.start, end: job.end, startIso: new Date(job.start).toISOString(), endIso: new Date(job.end).toISOString() },
      exact: job.exact,
      files,
      segments: segments.map((s) => ({ cameraId: s.cameraId, path: s.rel, start: s.start, end: s.end })),
      gaps,
      ...(clips ? { clips } : {}),
      exportedBy: job.actor.name,
      exportedAt: new Date().toISOString(),
    };
  }

  private async writeJson(area: ExportArea, name: string, value: unknown): Promise<void> {
    await area.writeText(name, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** The cut clip redacted in place (the recording is untouched); a failure fails the job, never leaves the clip unredacted. */
  private async redact(job: JobState, plan: CameraPlan, area: ExportArea, out: string, masks: Polygon[], onFraction: (f: number) => void): Promise<ManifestRedaction | null> {
    this.throwIfCancelled(job);
    try {
      return await redactExport({
        ...this.bins(),
        detector: this.deps.detector!,
        events: this.deps.events,
        area,
        request: job.redact,
        masks,
        cameraId: plan.cameraId,
        clipStart: Math.max(job.start, plan.segments[0]?.start ?? job.start),
        file: out,
        signal: job.abort.signal,
        onFraction,
      });
    } catch (err) {
      if (job.abort.signal.aborted) throw new Cancelled();
      throw new ExportError(`The redaction of ${plan.cameraId} failed: ${(err as Error).message}`);
    }
  }

  /** Signed last, once nothing in it changes. */
  private seal(m: Manifest): Manifest {
    return this.deps.signer ? this.deps.signer.sign(m) : m;
  }

  private async removeJobDir(id: string): Promise<void> {
    await this.area(id).removeAll();
  }

  private readManifest(row: ExportRow): Manifest | null {
    if (row.status !== 'done' || !row.path) return null;
    if (this.manifests.has(row.id)) return this.manifests.get(row.id) ?? null;
    let m: Manifest | null = null;
    const text = this.deps.media.readText('exports', row.path);
    try {
      if (text !== null) m = Manifest.parse(JSON.parse(text));
    } catch {
      m = null;
    }
    this.manifests.set(row.id, m);
    return m;
  }

  private toDto(r: ExportRow): ExportJob {
    const job = this.jobs.get(r.id);
    const m = this.readManifest(r);
    const files = m?.files.map((f) => ({ url: `${r.id}/${f.path}`, bytes: f.bytes, sha256: f.sha256 }));
    const gaps = job?.gaps ?? (m && m.gaps.length ? m.gaps : undefined);
    return {
      id: r.id,
      kind: job?.kind ?? m?.kind ?? 'range',
      cameras: JSON.parse(r.camera_ids) as string[],
      start: r.start,
      end: r.end,
      exact: job?.exact ?? m?.exact ?? false,
      status: job?.status ?? r.status,
      progress: job?.progress ?? r.progress,
      ...(r.bytes !== null ? { bytes: r.bytes } : {}),
      ...(r.sha256 ? { sha256: r.sha256 } : {}),
      ...(job?.error || r.error ? { error: job?.error ?? r.error ?? '' } : {}),
      ...(gaps ? { gaps } : {}),
      ...(files?.[0] ? { url: files[0].url } : {}),
      ...(r.path ? { manifestUrl: r.path } : {}),
      ...(files ? { files } : {}),
      createdBy: r.created_by,
      createdAt: r.created_at,
      ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
    };
  }
}
