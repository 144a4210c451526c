// Which stream serves which role: each role goes to exactly one stream, main and sub by default, what the camera asks for otherwise.
import type { CameraStream, StreamName } from './cameras.js';

export type ServedRole = 'record' | 'detect' | 'live-grid' | 'live-full';
export const SERVED_ROLES: readonly ServedRole[] = ['record', 'detect', 'live-grid', 'live-full'];

/** Main records and fills the screen; a sub stream, when there is one, feeds detection and the grid. */
const PREFERRED: Record<ServedRole, StreamName> = { record: 'main', 'live-full': 'main', detect: 'sub', 'live-grid': 'sub' };

function claims(s: CameraStream, role: ServedRole): boolean {
  return s.roles.includes(role) || (s.roles.includes('live') && (role === 'live-grid' || role === 'live-full'));
}

/**
 * The stream serving each role. A role one stream claims goes to it; one both claim (or neither) goes to the
 * preferred stream when it exists, else to the other. Old rows (`main: record, detect, live` + `sub: detect`) thus
 * detect on the sub stream, as they always said they would.
 */
export function resolveRoles(streams: readonly Pick<CameraStream, 'name' | 'roles'>[]): Record<ServedRole, StreamName> {
  const names = new Set(streams.map((s) => s.name));
  const out = {} as Record<ServedRole, StreamName>;
  for (const role of SERVED_ROLES) {
    const claimed = streams.filter((s) => claims(s as CameraStream, role)).map((s) => s.name);
    const preferred = PREFERRED[role];
    if (claimed.length === 1) out[role] = claimed[0]!;
    else if (names.has(preferred)) out[role] = preferred;
    else out[role] = streams[0]?.name ?? 'main';
  }
  return out;
}

/** Default roles for a camera's streams: main alone does everything; with a sub, the split above. */
export function defaultRoles(hasSub: boolean): Record<StreamName, CameraStream['roles']> {
  return hasSub ? { main: ['record', 'live-full'], sub: ['detect', 'live-grid'] } : { main: ['record', 'detect', 'live-grid', 'live-full'], sub: [] };
}
