// What the API needs from ONVIF in one call each: probe a device, turn it into a camera, run a PTZ command.
import { defaultRoles, type CameraStream } from '../../common/contract/index.js';
import { createLogger } from '../log/index.js';
import { connectOnvif, credentialsFromUrl, pickStreams, type ConnectOptions, type OnvifDeviceInfo, type OnvifProfile, type OnvifSession, type PtzPreset } from './client.js';
import { OnvifError } from './errors.js';

const log = createLogger('onvif');

export interface OnvifProbe {
  /** The device service address (no credentials). */
  xaddr: string;
  device: OnvifDeviceInfo;
  profiles: OnvifProfile[];
  /** Stream URLs with credentials embedded: for the engine only, mask before showing. */
  streams: { main: string; sub?: string };
  snapshotUri?: string;
  ptz: { supported: boolean; profile?: string; presets: PtzPreset[] };
  clockOffsetMs: number;
}

/** Connects with the user's credentials and reads everything needed to add the camera. */
export async function probeOnvifDevice(opts: ConnectOptions): Promise<OnvifProbe> {
  const started = Date.now();
  const session = await connectOnvif(opts);
  const device = await session.deviceInfo();
  const profiles = await session.profiles();
  const streams = await session.streamUris();
  const snapshotUri = await session.snapshotUri();
  const mainProfile = profiles.find((p) => p.token === streams.mainProfile);
  // a PTZ service alone is not enough: the stream's profile must carry a PTZ configuration
  const ptzProfile = mainProfile?.ptz ? mainProfile : profiles.find((p) => p.ptz);
  const supported = session.ptz.supported && ptzProfile !== undefined;
  let presets: PtzPreset[] = [];
  if (supported && ptzProfile) {
    try {
      presets = await session.ptz.presets(ptzProfile.token);
    } catch (err) {
      // presets are a convenience: a camera that cannot list them can still move
      if (!(err instanceof OnvifError) || !['onvif_not_supported', 'onvif_rejected'].includes(err.code)) throw err;
    }
  }
  log.info({ host: new URL(session.xaddr).host, model: device.model, profiles: profiles.length, ptz: supported, ms: Date.now() - started }, 'onvif device probed');
  const out: OnvifProbe = {
    xaddr: session.xaddr,
    device,
    profiles,
    streams: streams.sub ? { main: streams.main, sub: streams.sub } : { main: streams.main },
    ptz: supported && ptzProfile ? { supported, profile: ptzProfile.token, presets } : { supported: false, presets: [] },
    clockOffsetMs: session.clockOffsetMs,
  };
  if (snapshotUri) out.snapshotUri = snapshotUri;
  return out;
}

/** CameraInput plus the ONVIF fields `Camera.onvif` holds. */
export interface OnvifCameraInput {
  name: string;
  streams: CameraStream[];
  onvif: { xaddr: string; ptz: boolean };
}

/** Shapes a probe as a camera: main records and fills the screen, sub (when there is one) detects and feeds the grid. */
export function cameraInputFromProbe(probe: OnvifProbe, name?: string): OnvifCameraInput {
  const fallback = [probe.device.manufacturer, probe.device.model].filter(Boolean).join(' ').trim() || new URL(probe.xaddr).hostname;
  const roles = defaultRoles(probe.streams.sub !== undefined);
  const streams: OnvifCameraInput['streams'] = probe.streams.sub
    ? [
        { name: 'main', url: probe.streams.main, roles: roles.main },
        { name: 'sub', url: probe.streams.sub, roles: roles.sub },
      ]
    : [{ name: 'main', url: probe.streams.main, roles: roles.main }];
  return { name: (name?.trim() || fallback).slice(0, 200), streams, onvif: { xaddr: probe.xaddr, ptz: probe.ptz.supported } };
}

/** Probe then shape, for `cameras.addOnvif`: the caller stores the result with the camera repository. */
export async function addCameraFromOnvif(opts: ConnectOptions & { name?: string }): Promise<{ camera: OnvifCameraInput; probe: OnvifProbe }> {
  const probe = await probeOnvifDevice(opts);
  return { camera: cameraInputFromProbe(probe, opts.name), probe };
}

export type PtzAction =
  | { action: 'move'; x?: number; y?: number; zoom?: number; timeoutMs?: number }
  | { action: 'stop' }
  | { action: 'preset'; preset: string };

/**
 * One PTZ command for a stored camera: `streamUrl` is its stored main stream (credentials are read from it
 * when none are given), `xaddr` its `Camera.onvif.xaddr`.
 */
type PtzTarget = { xaddr: string; streamUrl?: string; username?: string; password?: string; timeoutMs?: number };

/** A session on the camera and the profile PTZ commands name (the main stream's, else any with PTZ). */
async function openPtz(opts: PtzTarget): Promise<{ session: OnvifSession; profile: string }> {
  const fromUrl = opts.streamUrl ? credentialsFromUrl(opts.streamUrl) : { username: '', password: '' };
  const session = await connectOnvif({
    xaddr: opts.xaddr,
    username: opts.username ?? fromUrl.username,
    password: opts.password ?? fromUrl.password,
    timeoutMs: opts.timeoutMs,
  });
  if (!session.ptz.supported) throw new OnvifError('onvif_not_supported', 'This camera cannot pan, tilt or zoom');
  const profiles = await session.profiles();
  const main = pickStreams(profiles).main;
  const profile = main?.ptz ? main : profiles.find((p) => p.ptz);
  if (!profile) throw new OnvifError('onvif_not_supported', 'This camera cannot pan, tilt or zoom');
  return { session, profile: profile.token };
}

export async function ptzCommand(opts: PtzTarget, command: PtzAction): Promise<void> {
  const { session, profile } = await openPtz(opts);
  switch (command.action) {
    case 'move':
      await session.ptz.continuousMove(profile, command, command.timeoutMs);
      return;
    case 'stop':
      await session.ptz.stop(profile);
      return;
    case 'preset':
      await session.ptz.gotoPreset(profile, command.preset);
      return;
  }
}

/** The camera's PTZ presets. */
export async function ptzPresets(opts: PtzTarget): Promise<PtzPreset[]> {
  const { session, profile } = await openPtz(opts);
  return session.ptz.presets(profile);
}

/** Saves where the camera points now as a preset (a new one, or `token` renamed and moved here); returns its token. */
export async function ptzSavePreset(opts: PtzTarget, name: string, token?: string): Promise<string> {
  const { session, profile } = await openPtz(opts);
  return session.ptz.setPreset(profile, name, token);
}
