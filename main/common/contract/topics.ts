// Topics pushed from the engine to every subscriber (bus in-process, IPC or WebSocket outside).
import { z } from 'zod';
import type { TopicAccess } from './access.js';
import { CameraState } from './cameras.js';
import { EventDto } from './events.js';
import { exportTopics } from './exports.js';
import { liveTopics } from './live.js';
import { demoTopics } from './demo.js';
import { modelTopics } from './models.js';
import { motionTopics } from './motion.js';
import { reviewTopics } from './review.js';
import { rulesTopics } from './rules.js';
import { vaultTopics } from './vault.js';

export const SegmentInfo = z.object({
  cameraId: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  bytes: z.number().int(),
});

export const topics = {
  'camera.state': CameraState,
  'camera.changed': z.object({ id: z.string(), deleted: z.boolean() }),
  'segment.new': SegmentInfo,
  'settings.changed': z.object({ section: z.string() }),
  /** An event started, changed meaningfully (label, zones, score) or ended. */
  'event.changed': EventDto,
  ...exportTopics,
  ...rulesTopics,
  ...modelTopics,
  ...demoTopics,
  ...reviewTopics,
  ...liveTopics,
  ...vaultTopics,
  ...motionTopics,
} as const;

export type Topics = typeof topics;
export type TopicName = keyof Topics;
export type TopicPayload<T extends TopicName> = z.infer<Topics[T]>;

/**
 * Who receives each topic on a socket, and which camera its payload belongs to: a viewer gets a message only with the
 * permission and the camera in scope. A topic added without a line here does not compile (and no viewer receives it).
 */
export const topicAccess: Record<TopicName, TopicAccess> = {
  'camera.state': { needs: null, camera: 'cameraId' },
  'camera.changed': { needs: null, camera: 'id' },
  'segment.new': { needs: 'recordings', camera: 'cameraId' },
  'settings.changed': { needs: null, camera: 'none' },
  'event.changed': { needs: 'recordings', camera: 'cameraId' },
  'export.progress': { needs: 'export', camera: 'export' },
  'alert.new': { needs: 'recordings', camera: 'cameraId' },
  'sink.status': { needs: 'admin', camera: 'none' },
  'notify.toast': { needs: 'recordings', camera: 'cameraId' },
  'model.progress': { needs: null, camera: 'none' },
  'demo.progress': { needs: 'admin', camera: 'none' },
  'review.changed': { needs: null, camera: 'none' },
  // carries video: the desktop's IPC only; sockets never relay it (the live WebSocket has its own check)
  'live.chunk': { needs: 'admin', camera: 'none' },
  'vault.migration.progress': { needs: 'admin', camera: 'none' },
  // counts only: the moments go to whoever started the scan, through motion.scanStatus
  'motion.progress': { needs: 'recordings', camera: 'cameraId' },
};

export function isTopicName(name: string): name is TopicName {
  return Object.hasOwn(topics, name);
}
