// A viewer's grant applied to one call: the permission a method needs, the cameras its input names, and what its answer may show.
import {
  canSeeCamera,
  hasPermission,
  PERMISSION_LABELS,
  seesAllCameras,
  topicAccess,
  visibleCameras,
  type ApiError,
  type Grant,
  type TopicName,
  type ViewerAccess,
} from '../../common/contract/index.js';

/** The answer for a camera out of scope: the same words as for one that does not exist, so scope tells nothing. */
export const noSuchCamera = (id: string): ApiError => ({ code: 'not_found', message: `There is no camera with id ${JSON.stringify(id)}` });

/** Why a viewer may not call a method at all, or undefined when the declaration and their permissions let them. */
export function viewerRefusal(method: string, access: ViewerAccess | undefined, user: Grant): ApiError | undefined {
  if (user.role === 'admin') return undefined;
  if (!access) return { code: 'forbidden', message: `${method} is not open to viewers` };
  if (access.needs && !hasPermission(user, access.needs)) {
    return { code: 'forbidden', message: `${method} needs the "${PERMISSION_LABELS[access.needs]}" permission` };
  }
  return undefined;
}

/**
 * Checks the cameras a parsed input names against the grant; a list left out is set to the caller's cameras, so the
 * method serves only those. Returns the refusal, or undefined (then `input` may have been narrowed in place).
 */
export function scopeInput(access: ViewerAccess | undefined, user: Grant, input: unknown, allCameraIds: () => string[]): ApiError | undefined {
  if (!access || seesAllCameras(user) || typeof access.cameras === 'string') return undefined;
  const o = (input ?? {}) as Record<string, unknown>;
  if ('input' in access.cameras) {
    const id = o[access.cameras.input];
    if (typeof id !== 'string') return { code: 'invalid_input', message: `${access.cameras.input}: a camera id is needed` };
    return canSeeCamera(user, id) ? undefined : noSuchCamera(id);
  }
  const key = access.cameras.narrow;
  const asked = o[key];
  if (asked === undefined) {
    o[key] = visibleCameras(user, allCameraIds());
    return undefined;
  }
  if (!Array.isArray(asked)) return { code: 'invalid_input', message: `${key}: a list of camera ids` };
  const hidden = (asked as unknown[]).find((id) => typeof id !== 'string' || !canSeeCamera(user, id));
  return hidden === undefined ? undefined : noSuchCamera(String(hidden));
}

/** Camera records carry their id as `id`; every other shape names cameras by `cameraId` or a `cameras` list. */
const isCameraRecord = (o: Record<string, unknown>): boolean => typeof o.id === 'string' && Array.isArray(o.streams);

/**
 * The first camera out of the caller's scope that an answer names, or undefined. The router refuses such an answer:
 * an implementation that forgot to narrow fails closed instead of leaking.
 */
export function cameraOutsideScope(user: Grant, value: unknown, depth = 0): string | undefined {
  if (seesAllCameras(user) || value === null || typeof value !== 'object' || depth > 8) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = cameraOutsideScope(user, item, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value instanceof Uint8Array) return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.cameraId === 'string' && !canSeeCamera(user, o.cameraId)) return o.cameraId;
  if (isCameraRecord(o) && !canSeeCamera(user, o.id as string)) return o.id as string;
  if (Array.isArray(o.cameras)) {
    const hidden = o.cameras.find((c): c is string => typeof c === 'string' && !canSeeCamera(user, c));
    if (hidden !== undefined) return hidden;
  }
  for (const v of Object.values(o)) {
    const found = cameraOutsideScope(user, v, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Whether the caller may subscribe to a topic at all (its permission), before any message. */
export function topicAllowed(user: Grant, topic: TopicName): boolean {
  if (user.role === 'admin') return true;
  const { needs } = topicAccess[topic];
  return needs === null || (needs !== 'admin' && hasPermission(user, needs));
}

/**
 * Whether one message of a topic may reach the caller: the permission, and the camera its payload belongs to.
 * `exportCameras` names the cameras of an export (undefined when there is none: then nobody but an admin gets it).
 */
export function topicVisible(user: Grant, topic: TopicName, payload: unknown, exportCameras: (id: string) => readonly string[] | undefined): boolean {
  if (!topicAllowed(user, topic)) return false;
  if (seesAllCameras(user)) return true;
  const { camera } = topicAccess[topic];
  if (camera === 'none') return true;
  const field = (payload ?? {}) as Record<string, unknown>;
  if (camera === 'export') {
    const cameras = typeof field.id === 'string' ? exportCameras(field.id) : undefined;
    return cameras !== undefined && cameras.every((c) => canSeeCamera(user, c));
  }
  const id = field[camera];
  return typeof id === 'string' && canSeeCamera(user, id);
}
