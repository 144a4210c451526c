// The one place recorded media is written, read and removed, so encryption at rest can be added here alone.
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, type ReadStream } from 'node:fs';
import { readdir, rm, stat, unlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { resolveInside } from '../media/safe-path.js';

export type MediaKind = 'recordings' | 'snapshots' | 'exports';

const DAY_MS = 86_400_000;
/** Written into the recordings folder once media lives there: without it, an unmounted disk looks like a folder nobody filled. */
const MARKER = '.porchlight-media';

function utcDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export class MediaStore {
  constructor(readonly dataDir: string) {
    for (const kind of ['recordings', 'snapshots', 'exports'] as const) mkdirSync(this.root(kind), { recursive: true });
  }

  root(kind: MediaKind): string {
    return join(this.dataDir, kind);
  }

  cameraRecordingsDir(cameraId: string): string {
    return join(this.root('recordings'), cameraId);
  }

  /** The segment muxer cannot create folders: make today's and tomorrow's (UTC) ahead of midnight. */
  prepareRecordingDirs(cameraId: string, now = Date.now()): void {
    for (const t of [now, now + DAY_MS]) mkdirSync(join(this.cameraRecordingsDir(cameraId), utcDay(t)), { recursive: true });
  }

  /** The ffmpeg strftime pattern for a camera's segments: <camera>/<YYYY-MM-DD>/<HH-MM-SS>.mp4 (UTC). */
  segmentPattern(cameraId: string): string {
    return join(this.cameraRecordingsDir(cameraId), '%Y-%m-%d', '%H-%M-%S.mp4');
  }

  /** A path relative to its media root, as URLs carry it. */
  relativePath(kind: MediaKind, absolute: string): string {
    return relative(this.root(kind), absolute).split(sep).join('/');
  }

  /** Resolves a client-supplied relative path, refusing anything outside the root. */
  resolve(kind: MediaKind, relPath: string): string | null {
    return resolveInside(this.root(kind), relPath);
  }

  size(absolute: string): number {
    try {
      return statSync(absolute).size;
    } catch {
      return 0;
    }
  }

  openRead(absolute: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(absolute, range);
  }

  /**
   * Whether the recordings folder is the one the index describes. It is when it carries our marker, or (first start of
   * this version, or a fresh install) when it already holds footage or the index holds none; then the marker is written.
   * False means the folder is missing or empty while the index lists recordings: an unmounted disk, never "all deleted".
   */
  mediaPresent(indexHasSegments: boolean): boolean {
    const root = this.root('recordings');
    if (existsSync(join(root, MARKER))) return true;
    let entries: string[];
    try {
      entries = readdirSync(root).filter((n) => n !== MARKER);
    } catch {
      return false;
    }
    if (entries.length === 0 && indexHasSegments) return false;
    try {
      writeFileSync(join(root, MARKER), 'Porchlight recordings live here; retention and repair act only while this file is present\n');
    } catch {
      return false;
    }
    return true;
  }

  async remove(absolute: string): Promise<boolean> {
    try {
      await unlink(absolute);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  removeCameraSync(cameraId: string): void {
    rmSync(this.cameraRecordingsDir(cameraId), { recursive: true, force: true });
  }

  /** Removes every recording, snapshot and thumbnail of one camera (the camera was deleted with its media). */
  async removeCamera(cameraId: string): Promise<void> {
    await rm(this.cameraRecordingsDir(cameraId), { recursive: true, force: true });
    await rm(join(this.root('snapshots'), cameraId), { recursive: true, force: true });
  }

  /** Removes an event's snapshot and its thumbnail (paths relative to the snapshots folder, as events store them). */
  async removeSnapshot(rel: string): Promise<void> {
    for (const r of [rel, rel.replace(/\.jpg$/, '.thumb.jpg')]) {
      const file = this.resolve('snapshots', r);
      if (file) await this.remove(file);
    }
  }

  /** Every .mp4 under a camera's folder (for crash repair). */
  async listSegmentFiles(cameraId: string): Promise<string[]> {
    const out: string[] = [];
    const dir = this.cameraRecordingsDir(cameraId);
    let days: string[];
    try {
      days = await readdir(dir);
    } catch {
      return out;
    }
    for (const day of days.sort()) {
      let files: string[];
      try {
        files = await readdir(join(dir, day));
      } catch {
        continue;
      }
      for (const f of files.sort()) if (f.endsWith('.mp4')) out.push(join(dir, day, f));
    }
    return out;
  }

  /** Removes empty day folders older than today (left behind by retention). */
  async pruneEmptyDays(cameraId: string, now = Date.now()): Promise<void> {
    const dir = this.cameraRecordingsDir(cameraId);
    const keep = new Set([utcDay(now), utcDay(now + DAY_MS)]);
    let days: string[];
    try {
      days = await readdir(dir);
    } catch {
      return;
    }
    for (const day of days) {
      if (keep.has(day)) continue;
      const p = join(dir, day);
      try {
        if ((await stat(p)).isDirectory() && (await readdir(p)).length === 0) await rm(p, { recursive: true });
      } catch {
        // raced with a writer or already gone: nothing to do
      }
    }
  }
}
