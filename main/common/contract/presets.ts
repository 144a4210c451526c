// Named input presets: the usual RTSP paths of known camera families, filled in from an address, a user and a password.
import type { CameraStream } from './cameras.js';
import { defaultRoles } from './streams.js';

export interface CameraPreset {
  key: string;
  label: string;
  /** Default RTSP port and user name of the family. */
  port: number;
  user: string;
  main: string;
  sub: string | null;
}

// Paths as the vendors document them (and Frigate's and go2rtc's camera lists use them).
export const CAMERA_PRESETS: readonly CameraPreset[] = [
  { key: 'hikvision', label: 'Hikvision', port: 554, user: 'admin', main: '/Streaming/Channels/101', sub: '/Streaming/Channels/102' },
  { key: 'dahua', label: 'Dahua', port: 554, user: 'admin', main: '/cam/realmonitor?channel=1&subtype=0', sub: '/cam/realmonitor?channel=1&subtype=1' },
  { key: 'reolink', label: 'Reolink', port: 554, user: 'admin', main: '/h264Preview_01_main', sub: '/h264Preview_01_sub' },
  { key: 'amcrest', label: 'Amcrest', port: 554, user: 'admin', main: '/cam/realmonitor?channel=1&subtype=0', sub: '/cam/realmonitor?channel=1&subtype=1' },
  { key: 'axis', label: 'Axis', port: 554, user: 'root', main: '/axis-media/media.amp?videocodec=h264', sub: '/axis-media/media.amp?videocodec=h264&resolution=640x360' },
  { key: 'tapo', label: 'TP-Link Tapo', port: 554, user: 'admin', main: '/stream1', sub: '/stream2' },
  { key: 'unifi', label: 'UniFi Protect (RTSP enabled)', port: 7447, user: '', main: '/CHANGE_ME_high', sub: '/CHANGE_ME_medium' },
];

export function findPreset(key: string): CameraPreset | undefined {
  return CAMERA_PRESETS.find((p) => p.key === key);
}

/**
 * The main and sub streams of a preset camera at `address` (host or host:port). UniFi Protect shares each stream
 * under a token, not a password: pass the token as `password` and it becomes the path.
 */
export function presetStreams(key: string, address: string, password: string, user?: string): CameraStream[] {
  const preset = findPreset(key);
  if (!preset) throw new Error(`unknown camera preset ${JSON.stringify(key)}`);
  const host = address.trim().replace(/^rtsps?:\/\//i, '').replace(/\/.*$/, '');
  const hostPort = /:\d+$/.test(host) ? host : `${host}:${preset.port}`;
  const name = user ?? preset.user;
  const cred = preset.key === 'unifi' || (!name && !password) ? '' : `${encodeURIComponent(name)}:${encodeURIComponent(password)}@`;
  const path = (p: string): string => (preset.key === 'unifi' ? p.replace('CHANGE_ME', encodeURIComponent(password)) : p);
  const scheme = preset.key === 'unifi' ? 'rtsps' : 'rtsp';
  const roles = defaultRoles(preset.sub !== null);
  const streams: CameraStream[] = [{ name: 'main', url: `${scheme}://${cred}${hostPort}${path(preset.main)}`, roles: roles.main }];
  if (preset.sub) streams.push({ name: 'sub', url: `${scheme}://${cred}${hostPort}${path(preset.sub)}`, roles: roles.sub });
  return streams;
}
