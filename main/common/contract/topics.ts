// Topics pushed from the engine to every subscriber (bus in-process, IPC or WebSocket outside).
import { z } from 'zod';
import { CameraState } from './cameras.js';
import { EventDto } from './events.js';
import { exportTopics } from './exports.js';
import { liveTopics } from './live.js';
import { demoTopics } from './demo.js';
import { modelTopics } from './models.js';
import { reviewTopics } from './review.js';
import { rulesTopics } from './rules.js';

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
} as const;

export type Topics = typeof topics;
export type TopicName = keyof Topics;
export type TopicPayload<T extends TopicName> = z.infer<Topics[T]>;

export function isTopicName(name: string): name is TopicName {
  return Object.hasOwn(topics, name);
}
