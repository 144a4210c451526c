// The one place recorded media is written, read and removed, so encryption at rest can be added here alone.
import { createReadStream, mkdirSync, rmSync, statSync, type ReadStream } from 'node:fs';
import { readdir, rm, stat, unlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { resolveInside } from '../media/safe-path.js';

export type MediaKind = 'recordings' | 'snapshots' | 'exports';

const DAY_MS = 86_400_000;

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
