// Who may see what: a user's permissions and camera scope, and the checks every method, route and socket makes from them.
import { z } from 'zod';
import { CameraId } from './cameras.js';

/**
 * What a viewer may do (an admin may do everything): watch live, watch recordings (playback, segments, snapshots,
 * events, review, timeline, motion search), export clips, and see footage without its privacy masks.
 */
export const Permission = z.enum(['live', 'recordings', 'export', 'unmask']);
export type Permission = z.infer<typeof Permission>;
export const PERMISSIONS: readonly Permission[] = Permission.options;

/** How each permission is named to people (Settings → Users, errors). */
export const PERMISSION_LABELS: Record<Permission, string> = {
  live: 'view live',
  recordings: 'view recordings',
  export: 'export',
  unmask: 'lift privacy masks',
};

/**
 * A viewer made with no permissions given, and every viewer that existed before permissions did: what viewers could
 * do then (live, recordings, and the exports they could already download), on every camera. Masks stay on.
 */
export const DEFAULT_VIEWER_PERMISSIONS: readonly Permission[] = ['live', 'recordings', 'export'];

/** null: every camera, those added later included; a list: those cameras only. */
export const CameraScope = z.array(CameraId).max(64).nullable();
export type CameraScope = z.infer<typeof CameraScope>;

/** What a check needs of a caller. A viewer without `permissions` has none and without `cameras` sees no camera (deny by default). */
export interface Grant {
  role: 'admin' | 'viewer';
  permissions?: readonly Permission[] | undefined;
  cameras?: CameraScope | readonly string[] | undefined;
}

export function hasPermission(g: Grant, p: Permission): boolean {
  return g.role === 'admin' || (g.permissions ?? []).includes(p);
}

export function canSeeCamera(g: Grant, cameraId: string): boolean {
  if (g.role === 'admin' || g.cameras === null) return true;
  return (g.cameras ?? []).includes(cameraId);
}

/** Whether the caller sees every camera (so totals need no narrowing). */
export function seesAllCameras(g: Grant): boolean {
  return g.role === 'admin' || g.cameras === null;
}

/** The cameras a caller may see out of a list of ids, in its order. */
export function visibleCameras(g: Grant, ids: readonly string[]): string[] {
  return ids.filter((id) => canSeeCamera(g, id));
}

/** The one check privacy masks ask: may this caller see this camera's footage without its masks? */
export function canLiftMasks(g: Grant, cameraId: string): boolean {
  return hasPermission(g, 'unmask') && canSeeCamera(g, cameraId);
}

/**
 * How a method serves a viewer, declared beside its schema. A viewer method without this declaration is refused to
 * every viewer (deny by default), and the generated attack test fails until it is declared and covered.
 */
export interface ViewerAccess {
  /** The permission the method needs; null for methods that show no footage (camera list, settings, health). */
  needs: Permission | null;
  /**
   * none: no camera's data goes in or out;
   * { input }: the camera named by that input field must be in scope (checked by the router before the method runs);
   * { narrow }: that input field (a list of cameras) is checked, and when absent set to the caller's cameras;
   * filtered: the implementation narrows its answer with the caller's grant.
   * Whatever it says, the router refuses any answer that names a camera out of scope.
   */
  cameras: 'none' | 'filtered' | { input: 'cameraId' | 'id' } | { narrow: 'cameras' };
}

/** The permission a route or topic needs, as topics declare it (admin: admins only). */
export type TopicNeed = Permission | null | 'admin';

/**
 * How a topic reaches a viewer's socket: the permission it needs and the field naming its camera
 * ('export': the camera list of the export named by `id`; 'none': no camera).
 */
export interface TopicAccess {
  needs: TopicNeed;
  camera: 'cameraId' | 'id' | 'export' | 'none';
}
