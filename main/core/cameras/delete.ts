// Deleting a camera: its rows, its media through the media store and its share of the quota go at once, unless kept.
import type { Bus } from '../bus/index.js';
import type { EventRepository } from '../events/repository.js';
import { createLogger } from '../log/index.js';
import type { SegmentIndex } from '../recordings/index.js';
import type { MediaStore } from '../media/index.js';
import type { Database } from '../storage/database.js';
import type { CameraRepository } from './repository.js';

const log = createLogger('cameras');

export interface CameraDeleteDeps {
  db: Database;
  bus: Bus;
  cameras: CameraRepository;
  segments: SegmentIndex;
  events: EventRepository;
  media: MediaStore;
  /** Stops the camera's ingest and detection before its rows go (the runtime's quiesce); returns the release. */
  quiesce?: (id: string) => Promise<() => void>;
}

/**
 * keepRecordings: the camera leaves the registry, its recordings, events and snapshots stay, still counted in the quota,
 * until retention ages them out with the global settings (then the row goes too). Otherwise everything goes now.
 */
export async function deleteCamera(deps: CameraDeleteDeps, id: string, opts: { keepRecordings?: boolean } = {}): Promise<{ deleted: boolean; freedBytes: number }> {
  const { bus, cameras } = deps;
  if (opts.keepRecordings) {
    const deleted = cameras.retire(id);
    if (deleted) bus.publish('camera.changed', { id, deleted: true });
    return { deleted, freedBytes: 0 };
  }
  // its ffmpeg and pipeline stop first, their last objects written, so nothing arrives for rows already deleted
  const release = cameras.get(id) ? await deps.quiesce?.(id) : undefined;
  try {
    return await deleteRows(deps, id);
  } finally {
    release?.();
  }
}

async function deleteRows(deps: CameraDeleteDeps, id: string): Promise<{ deleted: boolean; freedBytes: number }> {
  const { db, bus, cameras, segments, events, media } = deps;
  const gone = db.transaction(() => {
    const bytes = { segments: segments.cameraBytes(id), snapshots: events.cameraSnapshotBytes(id) };
    // also a camera retired earlier with its recordings: deleting it for good frees them
    const deleted = cameras.delete(id);
    return deleted ? bytes : undefined;
  });
  if (!gone) return { deleted: false, freedBytes: 0 };
  segments.discount(gone.segments);
  events.discount(gone.snapshots);
  // the runtime stops its ingest; a segment it still finishes cannot be indexed and is deleted (SegmentIndex.addOrDiscard)
  bus.publish('camera.changed', { id, deleted: true });
  try {
    await media.removeCamera(id);
  } catch (err) {
    log.error({ err, camera: id }, 'camera media not fully removed');
  }
  return { deleted: true, freedBytes: gone.segments + gone.snapshots };
}
