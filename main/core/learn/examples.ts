// The owner's verdicts as labelled examples in SQLite, and what a camera does with them: quiet look-alikes, calibrated thresholds.
import { ApiFailure } from '../../common/contract/errors.js';
import type { Box } from '../../common/contract/events.js';
import type { LearnedExample, LearnedList, LearnedThreshold, MaskSuggestion, Verdict } from '../../common/contract/learned.js';
import type { Polygon } from '../../common/contract/zones.js';
import { iou, type Frame } from '../detect/frame.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { sameGroup } from '../track/groups.js';
import { embedFrameBox, similarity } from './appearance.js';
import type { LearnedBackupItem, LearnedImport } from './backup.js';
import { suggestMasks } from './masks.js';

/** Agreeing false-alarm examples before a look-alike at the same place is kept quiet: one click is a verdict, three are a pattern. */
export const REPEATS = 3;
/** Same place: overlap of the normalised boxes. */
export const PLACE_IOU = 0.5;
/** Same look: cosine similarity of the appearance vectors. */
export const LOOK_SIMILARITY = 0.9;
/** Verdicts needed before a label's threshold is calibrated (at least one of each kind). */
const CALIBRATE_MIN = 3;

interface Row {
  id: number;
  camera_id: string;
  event_id: string | null;
  verdict: Verdict;
  label: string;
  score: number;
  box: string;
  embedding: Buffer;
  crop: Buffer | null;
  time: number;
  created_at: number;
  undone_at: number | null;
}

interface Example {
  id: number;
  verdict: Verdict;
  label: string;
  score: number;
  box: Box;
  embedding: Float32Array;
}

export interface ExampleInput {
  cameraId: string;
  eventId: string | null;
  verdict: Verdict;
  label: string;
  score: number;
  /** Normalised to the frame. */
  box: Box;
  embedding: Float32Array;
  crop?: Buffer | null;
  time: number;
}

function toDto(r: Row): LearnedExample {
  return {
    id: r.id,
    cameraId: r.camera_id,
    eventId: r.event_id,
    verdict: r.verdict,
    label: r.label,
    score: r.score,
    box: JSON.parse(r.box) as Box,
    time: r.time,
    createdAt: r.created_at,
    undone: r.undone_at !== null,
  };
}

/** The score that keeps every confirmed object and drops the false alarms scored under them, or none when they do not separate. */
export function calibrate(correct: readonly number[], falseAlarms: readonly number[]): number | undefined {
  if (correct.length === 0 || falseAlarms.length === 0 || correct.length + falseAlarms.length < CALIBRATE_MIN) return undefined;
  const lowestCorrect = Math.min(...correct);
  const below = falseAlarms.filter((f) => f < lowestCorrect);
  if (below.length === 0) return undefined;
  // halfway between the highest false alarm under the confirmed ones and the lowest confirmed score
  return Math.round(((Math.max(...below) + lowestCorrect) / 2) * 1000) / 1000;
}

export class LearnedExamples {
  /** Examples in force per camera, read once and dropped on every change (the pipeline asks at each event start). */
  private readonly cache = new Map<string, Example[]>();

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  private active(cameraId: string): Example[] {
    let list = this.cache.get(cameraId);
    if (list) return list;
    const rows = this.db.all<Row>(sql`SELECT * FROM learned_examples WHERE camera_id = ${cameraId} AND undone_at IS NULL ORDER BY id`);
    list = rows.map((r) => ({
      id: r.id,
      verdict: r.verdict,
      label: r.label,
      score: r.score,
      box: JSON.parse(r.box) as Box,
      embedding: new Float32Array(r.embedding.buffer.slice(r.embedding.byteOffset, r.embedding.byteOffset + r.embedding.byteLength)),
    }));
    this.cache.set(cameraId, list);
    return list;
  }

  private byId(id: number): Row {
    const row = this.db.get<Row>(sql`SELECT * FROM learned_examples WHERE id = ${id}`);
    if (!row) throw new ApiFailure('not_found', `There is no learned example with id ${id}`);
    return row;
  }

  /** Keeps a verdict; a later verdict on the same event replaces the earlier one. */
  add(e: ExampleInput): LearnedExample {
    const blob = Buffer.from(e.embedding.buffer, e.embedding.byteOffset, e.embedding.byteLength);
    const now = this.now();
    const id = this.db.transaction(() => {
      if (e.eventId !== null) this.db.run(sql`UPDATE learned_examples SET undone_at = ${now} WHERE event_id = ${e.eventId} AND undone_at IS NULL`);
      return Number(
        this.db.run(sql`
          INSERT INTO learned_examples (camera_id, event_id, verdict, label, score, box, embedding, crop, time, created_at)
          VALUES (${e.cameraId}, ${e.eventId}, ${e.verdict}, ${e.label}, ${Math.min(1, Math.max(0, e.score))}, ${JSON.stringify(e.box)}, ${blob}, ${e.crop ?? null}, ${e.time}, ${now})`).lastInsertRowid,
      );
    });
    this.cache.delete(e.cameraId);
    return toDto(this.byId(id));
  }

  /** The JPEG an example keeps of its crop (null when it has none), with the camera it was taken from. */
  crop(id: number): { cameraId: string; jpeg: Buffer | null } {
    const row = this.byId(id);
    return { cameraId: row.camera_id, jpeg: row.crop };
  }

  /** Object masks to offer the owner for this camera (see suggestMasks). */
  maskSuggestions(cameraId: string, objectMasks: readonly Polygon[], dismissed: readonly Box[]): MaskSuggestion[] {
    return suggestMasks(cameraId, this.active(cameraId), objectMasks, dismissed);
  }

  /** Every example, undone ones too, for a backup (the crops and vectors as base64). */
  exportBackup(): LearnedBackupItem[] {
    return this.db.all<Row>(sql`SELECT * FROM learned_examples ORDER BY id`).map((r) => {
      // the example as the API shows it, less what only this installation means (its id), plus what the row keeps
      const { id: _id, undone: _undone, ...shown } = toDto(r);
      return { ...shown, embedding: r.embedding.toString('base64'), crop: r.crop ? r.crop.toString('base64') : null, undoneAt: r.undone_at };
    });
  }

  /**
   * Adds a backup's examples (validated by the caller) in one transaction: those already here are left alone, those of
   * cameras this installation lacks are counted and left out, an event that has aged out becomes a null event id.
   */
  importBackup(items: readonly LearnedBackupItem[]): LearnedImport {
    const result: LearnedImport = { added: 0, present: 0, skippedCameras: {} };
    const cameras = new Set(this.db.all<{ id: string }>(sql`SELECT id FROM cameras`).map((r) => r.id));
    this.db.transaction(() => {
      for (const e of items) {
        if (!cameras.has(e.cameraId)) {
          result.skippedCameras[e.cameraId] = (result.skippedCameras[e.cameraId] ?? 0) + 1;
          continue;
        }
        const box = JSON.stringify(e.box);
        const same = this.db.get<{ id: number }>(sql`
          SELECT id FROM learned_examples WHERE camera_id = ${e.cameraId} AND verdict = ${e.verdict} AND label = ${e.label}
            AND time = ${e.time} AND created_at = ${e.createdAt} AND box = ${box}`);
        if (same) {
          result.present++;
          continue;
        }
        let eventId = e.eventId;
        if (eventId !== null && !this.db.get(sql`SELECT 1 AS x FROM events WHERE id = ${eventId}`)) eventId = null;
        // one verdict in force per event: an imported one never displaces the verdict given here
        if (eventId !== null && e.undoneAt === null && this.db.get(sql`SELECT 1 AS x FROM learned_examples WHERE event_id = ${eventId} AND undone_at IS NULL`)) eventId = null;
        this.db.run(sql`
          INSERT INTO learned_examples (camera_id, event_id, verdict, label, score, box, embedding, crop, time, created_at, undone_at)
          VALUES (${e.cameraId}, ${eventId}, ${e.verdict}, ${e.label}, ${e.score}, ${box}, ${Buffer.from(e.embedding, 'base64')},
            ${e.crop === null ? null : Buffer.from(e.crop, 'base64')}, ${e.time}, ${e.createdAt}, ${e.undoneAt})`);
        result.added++;
      }
    });
    this.cache.clear();
    return result;
  }

  undo(id: number): LearnedExample {
    const row = this.byId(id);
    this.db.run(sql`UPDATE learned_examples SET undone_at = ${this.now()} WHERE id = ${id} AND undone_at IS NULL`);
    this.cache.delete(row.camera_id);
    return toDto(this.byId(id));
  }

  list(q: { cameraId?: string | undefined; includeUndone?: boolean } = {}): LearnedList {
    const where = [sql`1 = 1`];
    if (q.cameraId) where.push(sql`camera_id = ${q.cameraId}`);
    if (!q.includeUndone) where.push(sql`undone_at IS NULL`);
    const rows = this.db.all<Row>(sql`SELECT * FROM learned_examples WHERE ${sql.join(where, ' AND ')} ORDER BY created_at DESC, id DESC LIMIT 1000`);
    const cameras = q.cameraId ? [q.cameraId] : this.db.all<{ c: string }>(sql`SELECT DISTINCT camera_id AS c FROM learned_examples WHERE undone_at IS NULL`).map((r) => r.c);
    return { examples: rows.map(toDto), thresholds: cameras.flatMap((c) => this.thresholds(c)) };
  }

  /** Calibrated thresholds of one camera, per label with verdicts of both kinds that separate. */
  thresholds(cameraId: string): LearnedThreshold[] {
    const byLabel = new Map<string, { correct: number[]; falseAlarms: number[] }>();
    for (const e of this.active(cameraId)) {
      const acc = byLabel.get(e.label) ?? { correct: [], falseAlarms: [] };
      (e.verdict === 'correct' ? acc.correct : acc.falseAlarms).push(e.score);
      byLabel.set(e.label, acc);
    }
    const out: LearnedThreshold[] = [];
    for (const [label, v] of byLabel) {
      const threshold = calibrate(v.correct, v.falseAlarms);
      if (threshold !== undefined) out.push({ cameraId, label, threshold, correct: v.correct.length, falseAlarms: v.falseAlarms.length });
    }
    return out;
  }

  threshold(cameraId: string, label: string): number | undefined {
    return this.thresholds(cameraId).find((t) => t.label === label)?.threshold;
  }

  /**
   * True when REPEATS false-alarm examples of this camera show the same kind of thing at the same place with the same
   * look, and no "correct" example does (the owner's yes outweighs the pattern).
   */
  quietFor(cameraId: string, label: string, frame: Frame, box: Box): boolean {
    const examples = this.active(cameraId).filter((e) => sameGroup(e.label, label));
    if (examples.filter((e) => e.verdict === 'false_alarm').length < REPEATS || frame.width === 0) return false;
    const norm: Box = [box[0] / frame.width, box[1] / frame.height, box[2] / frame.width, box[3] / frame.height];
    const look = embedFrameBox(frame, box);
    const alike = examples.filter((e) => iou(e.box, norm) >= PLACE_IOU && similarity(e.embedding, look) >= LOOK_SIMILARITY);
    if (alike.some((e) => e.verdict === 'correct')) return false;
    return alike.filter((e) => e.verdict === 'false_alarm').length >= REPEATS;
  }
}
