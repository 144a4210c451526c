// A typed ONVIF client for one camera: device info, media profiles, stream and snapshot URIs, PTZ.
import { createLogger } from '../log/index.js';
import { OnvifError } from './errors.js';
import { SoapClient, NS } from './soap.js';
import { asArray, attr, child, escapeXml, num, text, type XmlNode } from './xml.js';

const log = createLogger('onvif');

export const DEFAULT_TIMEOUT_MS = 5000;
/** More profiles than this is a misbehaving device; the rest are ignored. */
const MAX_PROFILES = 32;
const STREAM_SCHEMES = ['rtsp:', 'rtsps:', 'http:', 'https:'];

export interface OnvifDeviceInfo {
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  hardwareId: string;
}

export interface OnvifProfile {
  token: string;
  name: string;
  encoding?: string;
  width?: number;
  height?: number;
  fps?: number;
  bitrateKbps?: number;
  /** The profile carries a PTZ configuration, so PTZ commands may name it. */
  ptz: boolean;
}

export interface OnvifStreamUris {
  /** The best profile's stream, with the user's credentials embedded. */
  main: string;
  /** A smaller profile's stream for detection, when the camera has one. */
  sub?: string;
  mainProfile: string;
  subProfile?: string;
}

export interface PtzVelocity {
  /** Pan speed, -1 (left) … 1 (right). */
  x?: number;
  /** Tilt speed, -1 (down) … 1 (up). */
  y?: number;
  /** Zoom speed, -1 (out) … 1 (in). */
  zoom?: number;
}

export interface PtzPreset {
  token: string;
  name: string;
}

export interface OnvifPtz {
  /** The camera offers a PTZ service. */
  readonly supported: boolean;
  /** Moves until stop() or, when given, for `timeoutMs` (the camera stops by itself). */
  continuousMove(profile: string, velocity: PtzVelocity, timeoutMs?: number): Promise<void>;
  stop(profile: string): Promise<void>;
  presets(profile: string): Promise<PtzPreset[]>;
  gotoPreset(profile: string, token: string): Promise<void>;
  /** Stores the current position as a preset named `name` (replacing `token` when given); returns its token. */
  setPreset(profile: string, name: string, token?: string): Promise<string>;
  status(profile: string): Promise<{ moving: boolean; x?: number; y?: number; zoom?: number }>;
}

export interface OnvifSession {
  /** The device service address the session talks to (no credentials). */
  readonly xaddr: string;
  /** Device clock minus ours, in ms. */
  readonly clockOffsetMs: number;
  deviceInfo(): Promise<OnvifDeviceInfo>;
  profiles(): Promise<OnvifProfile[]>;
  streamUris(): Promise<OnvifStreamUris>;
  snapshotUri(): Promise<string | undefined>;
  readonly ptz: OnvifPtz;
}

export interface ConnectOptions {
  /** `http://host[:port]/onvif/device_service`, or just `host[:port]`. */
  xaddr: string;
  username: string;
  password: string;
  /** Deadline for each request (default 5 s). */
  timeoutMs?: number;
}

/** Accepts what a homeowner types (an IP, host:port, or a full URL) and returns the device service URL. */
export function normalizeXaddr(input: string): URL {
  const raw = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  if (!URL.canParse(withScheme)) throw new OnvifError('onvif_unreachable', 'That camera address is not valid');
  const u = new URL(withScheme);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new OnvifError('onvif_unreachable', 'An ONVIF address starts with http:// or https://');
  // credentials belong in their own fields, never in an address that may be shown or logged
  u.username = '';
  u.password = '';
  u.hash = '';
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/onvif/device_service';
  return u;
}

/**
 * Service addresses as the device reports them, pinned to the host and port the user gave:
 * cameras often report an internal address, and a device must not steer our requests elsewhere.
 */
function serviceUrl(reported: string | undefined, device: URL, fallbackPath: string): URL {
  const u = new URL(device.toString());
  u.search = '';
  if (reported && URL.canParse(reported)) {
    const r = new URL(reported);
    u.pathname = r.pathname;
    u.search = r.search;
  } else {
    u.pathname = fallbackPath;
  }
  return u;
}

/**
 * A media URI on another host than the device we asked is either a NAT-reported internal address or a device
 * steering our credentials elsewhere: either way, point it back at the host the user gave (port and path kept).
 */
export function pinHost(uri: string, device: URL): string {
  const u = new URL(uri);
  const host = device.hostname;
  if (u.hostname === host) return uri;
  log.info({ device: device.host, reported: u.host }, 'camera reported a media address on another host; using the camera address');
  u.hostname = host;
  return u.toString();
}

/** `rtsp://host/x` → `rtsp://user:pass@host/x`: only the engine's copy carries credentials. */
export function withCredentials(uri: string, username: string, password: string): string {
  if (!username) return uri;
  const u = new URL(uri);
  u.username = encodeURIComponent(username);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** Reads `user` and `pass` back from a stored stream URL, so PTZ can reuse the camera's credentials. */
export function credentialsFromUrl(url: string): { username: string; password: string } {
  if (!URL.canParse(url)) return { username: '', password: '' };
  const u = new URL(url);
  return { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

function deviceTime(body: XmlNode): number | undefined {
  const utc = child(body, 'GetSystemDateAndTimeResponse', 'SystemDateAndTime', 'UTCDateTime');
  const [y, mo, d, h, mi, s] = [
    num(child(utc, 'Date', 'Year')),
    num(child(utc, 'Date', 'Month')),
    num(child(utc, 'Date', 'Day')),
    num(child(utc, 'Time', 'Hour')),
    num(child(utc, 'Time', 'Minute')),
    num(child(utc, 'Time', 'Second')),
  ];
  if (y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined || s === undefined) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isFinite(t) ? t : undefined;
}

function clamp(v: number | undefined): number {
  if (v === undefined || !Number.isFinite(v)) return 0;
  return Math.max(-1, Math.min(1, v));
}

function parseProfile(node: unknown): OnvifProfile | undefined {
  const token = attr(node, 'token');
  if (!token) return undefined;
  const venc = child(node, 'VideoEncoderConfiguration');
  const profile: OnvifProfile = {
    token,
    name: text(child(node, 'Name')) ?? token,
    ptz: child(node, 'PTZConfiguration') !== undefined,
  };
  const encoding = text(child(venc, 'Encoding'));
  if (encoding) profile.encoding = encoding;
  const width = num(child(venc, 'Resolution', 'Width'));
  const height = num(child(venc, 'Resolution', 'Height'));
  if (width !== undefined && height !== undefined) Object.assign(profile, { width, height });
  const fps = num(child(venc, 'RateControl', 'FrameRateLimit'));
  if (fps !== undefined) profile.fps = fps;
  const bitrate = num(child(venc, 'RateControl', 'BitrateLimit'));
  if (bitrate !== undefined) profile.bitrateKbps = bitrate;
  return profile;
}

const area = (p: OnvifProfile): number => (p.width ?? 0) * (p.height ?? 0);

/** The main stream is the largest video profile (the first on a tie); the sub stream the smallest of the rest. */
export function pickStreams(profiles: OnvifProfile[]): { main?: OnvifProfile; sub?: OnvifProfile } {
  const video = profiles.filter((p) => p.encoding !== undefined || p.width !== undefined);
  const pool = video.length > 0 ? video : profiles;
  let main: OnvifProfile | undefined;
  for (const p of pool) if (!main || area(p) > area(main)) main = p;
  let sub: OnvifProfile | undefined;
  for (const p of pool) {
    if (p === main || (main && area(p) >= area(main) && area(main) > 0)) continue;
    if (!sub || area(p) < area(sub)) sub = p;
  }
  return { main, sub };
}

const DEVICE = (op: string): string => `${NS.device}/${op}`;
const MEDIA = (op: string): string => `${NS.media}/${op}`;
const PTZ = (op: string): string => `${NS.ptz}/${op}`;

/**
 * Opens a session: reads the device clock (so tokens are dated in its time) and its services.
 * Wrong credentials surface here as `onvif_auth_failed`.
 */
export async function connectOnvif(opts: ConnectOptions): Promise<OnvifSession> {
  const device = normalizeXaddr(opts.xaddr);
  const host = device.host;
  const timeoutMs = Math.max(100, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const soap = new SoapClient({ username: opts.username, password: opts.password, timeoutMs });

  // anonymous by the standard; a camera that insists on auth still gives us its clock after we sign
  const before = Date.now();
  let timeBody: XmlNode | undefined;
  try {
    timeBody = await soap.call(device, DEVICE('GetSystemDateAndTime'), '<tds:GetSystemDateAndTime/>', { auth: false });
  } catch (err) {
    if (!(err instanceof OnvifError) || !['onvif_auth_failed', 'onvif_rejected', 'onvif_not_supported'].includes(err.code)) throw err;
  }
  const theirs = timeBody ? deviceTime(timeBody) : undefined;
  if (theirs !== undefined) soap.clockOffsetMs = theirs - Math.round((before + Date.now()) / 2);
  if (Math.abs(soap.clockOffsetMs) > 60_000) log.info({ host, offsetS: Math.round(soap.clockOffsetMs / 1000) }, 'camera clock differs from ours');

  let mediaUrl: URL | undefined;
  let ptzUrl: URL | undefined;
  try {
    const caps = await soap.call(device, DEVICE('GetCapabilities'), '<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>');
    const c = child(caps, 'GetCapabilitiesResponse', 'Capabilities');
    const media = text(child(c, 'Media', 'XAddr'));
    const ptz = text(child(c, 'PTZ', 'XAddr'));
    if (media) mediaUrl = serviceUrl(media, device, '/onvif/media_service');
    if (ptz) ptzUrl = serviceUrl(ptz, device, '/onvif/ptz_service');
  } catch (err) {
    if (!(err instanceof OnvifError) || err.code !== 'onvif_not_supported') throw err;
    // newer devices may only answer GetServices
    const services = await soap.call(device, DEVICE('GetServices'), '<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>');
    for (const s of asArray(child(services, 'GetServicesResponse', 'Service'))) {
      const ns = text(child(s, 'Namespace'));
      const xaddr = text(child(s, 'XAddr'));
      if (ns === NS.media) mediaUrl = serviceUrl(xaddr, device, '/onvif/media_service');
      if (ns === NS.ptz) ptzUrl = serviceUrl(xaddr, device, '/onvif/ptz_service');
    }
  }

  const needMedia = (): URL => {
    if (!mediaUrl) throw new OnvifError('onvif_not_supported', `The camera at ${host} does not offer video streams over ONVIF`);
    return mediaUrl;
  };
  const needPtz = (): URL => {
    if (!ptzUrl) throw new OnvifError('onvif_not_supported', `The camera at ${host} cannot pan, tilt or zoom`);
    return ptzUrl;
  };
  const bad = (what: string): OnvifError => new OnvifError('onvif_bad_response', `The camera at ${host} sent an unusable ${what}`);

  let profileCache: OnvifProfile[] | undefined;
  const profiles = async (): Promise<OnvifProfile[]> => {
    if (profileCache) return profileCache;
    const body = await soap.call(needMedia(), MEDIA('GetProfiles'), '<trt:GetProfiles/>');
    const nodes = asArray(child(body, 'GetProfilesResponse', 'Profiles')).slice(0, MAX_PROFILES);
    const list = nodes.map(parseProfile).filter((p): p is OnvifProfile => p !== undefined);
    if (list.length === 0) throw new OnvifError('onvif_not_supported', `The camera at ${host} has no media profiles`);
    profileCache = list;
    return list;
  };

  const streamUri = async (token: string): Promise<string> => {
    const body = await soap.call(
      needMedia(),
      MEDIA('GetStreamUri'),
      `<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>${escapeXml(token)}</trt:ProfileToken></trt:GetStreamUri>`,
    );
    const uri = text(child(body, 'GetStreamUriResponse', 'MediaUri', 'Uri'));
    if (!uri || uri.length > 2048 || !URL.canParse(uri) || !STREAM_SCHEMES.includes(new URL(uri).protocol)) throw bad('stream address');
    return pinHost(uri, device);
  };

  const ptz: OnvifPtz = {
    supported: ptzUrl !== undefined,
    async continuousMove(profile, velocity, moveTimeoutMs) {
      const x = clamp(velocity.x);
      const y = clamp(velocity.y);
      const zoom = clamp(velocity.zoom);
      const timeout = moveTimeoutMs !== undefined && moveTimeoutMs > 0 ? `<tptz:Timeout>PT${(Math.min(moveTimeoutMs, 600_000) / 1000).toFixed(3)}S</tptz:Timeout>` : '';
      await soap.call(
        needPtz(),
        PTZ('ContinuousMove'),
        `<tptz:ContinuousMove><tptz:ProfileToken>${escapeXml(profile)}</tptz:ProfileToken><tptz:Velocity><tt:PanTilt x="${x}" y="${y}"/><tt:Zoom x="${zoom}"/></tptz:Velocity>${timeout}</tptz:ContinuousMove>`,
      );
    },
    async stop(profile) {
      await soap.call(
        needPtz(),
        PTZ('Stop'),
        `<tptz:Stop><tptz:ProfileToken>${escapeXml(profile)}</tptz:ProfileToken><tptz:PanTilt>true</tptz:PanTilt><tptz:Zoom>true</tptz:Zoom></tptz:Stop>`,
      );
    },
    async presets(profile) {
      const body = await soap.call(needPtz(), PTZ('GetPresets'), `<tptz:GetPresets><tptz:ProfileToken>${escapeXml(profile)}</tptz:ProfileToken></tptz:GetPresets>`);
      return asArray(child(body, 'GetPresetsResponse', 'Preset'))
        .slice(0, 256)
        .flatMap((p) => {
          const token = attr(p, 'token');
          return token ? [{ token, name: text(child(p, 'Name')) ?? token }] : [];
        });
    },
    async gotoPreset(profile, token) {
      await soap.call(
        needPtz(),
        PTZ('GotoPreset'),
        `<tptz:GotoPreset><tptz:ProfileToken>${escapeXml(profile)}</tptz:ProfileToken><tptz:PresetToken>${escapeXml(token)}</tptz:PresetToken></tptz:GotoPreset>`,
      );
    },
    async setPreset(profile, name, token) {
      const replace = token ? `<tptz:PresetToken>${escapeXml(token)}</tptz:PresetToken>` : '';
      const body = await soap.call(
        needPtz(),
        PTZ('SetPreset'),
        `<tptz:SetPreset><tptz:ProfileToken>${escapeXml(profile)}</tptz:ProfileToken><tptz:PresetName>${escapeXml(name)}</tptz:PresetName>${replace}</tptz:SetPreset>`,
      );
      const saved = text(child(body, 'SetPresetResponse', 'PresetToken'));
      if (!saved) throw new OnvifError('onvif_bad_response', 'The camera did not say which preset it saved');
      return saved;
    },
    async status(profile) {
      const body = await soap.call(needPtz(), PTZ('GetStatus'), `<tptz:GetStatus><tptz:ProfileToken>${escapeXml(profile)}</tptz:ProfileToken></tptz:GetStatus>`);
      const st = child(body, 'GetStatusResponse', 'PTZStatus');
      const pan = text(child(st, 'MoveStatus', 'PanTilt'));
      const zm = text(child(st, 'MoveStatus', 'Zoom'));
      const out: { moving: boolean; x?: number; y?: number; zoom?: number } = { moving: pan === 'MOVING' || zm === 'MOVING' };
      const px = Number(attr(child(st, 'Position', 'PanTilt'), 'x'));
      const py = Number(attr(child(st, 'Position', 'PanTilt'), 'y'));
      const pz = Number(attr(child(st, 'Position', 'Zoom'), 'x'));
      if (Number.isFinite(px)) out.x = px;
      if (Number.isFinite(py)) out.y = py;
      if (Number.isFinite(pz)) out.zoom = pz;
      return out;
    },
  };

  return {
    xaddr: device.toString(),
    clockOffsetMs: soap.clockOffsetMs,
    async deviceInfo() {
      const body = await soap.call(device, DEVICE('GetDeviceInformation'), '<tds:GetDeviceInformation/>');
      const r = child(body, 'GetDeviceInformationResponse');
      if (r === undefined) throw bad('device description');
      const field = (name: string): string => (text(child(r, name)) ?? '').slice(0, 200);
      return {
        manufacturer: field('Manufacturer'),
        model: field('Model'),
        firmwareVersion: field('FirmwareVersion'),
        serialNumber: field('SerialNumber'),
        hardwareId: field('HardwareId'),
      };
    },
    profiles,
    async streamUris() {
      const { main, sub } = pickStreams(await profiles());
      if (!main) throw new OnvifError('onvif_not_supported', `The camera at ${host} has no video profile`);
      const mainUri = await streamUri(main.token);
      const out: OnvifStreamUris = { main: withCredentials(mainUri, opts.username, opts.password), mainProfile: main.token };
      if (sub) {
        const subUri = await streamUri(sub.token);
        // some cameras answer every profile with the same URI: then there is no separate sub stream
        if (subUri !== mainUri) Object.assign(out, { sub: withCredentials(subUri, opts.username, opts.password), subProfile: sub.token });
      }
      return out;
    },
    async snapshotUri() {
      const { main } = pickStreams(await profiles());
      if (!main) return undefined;
      let body: XmlNode;
      try {
        body = await soap.call(needMedia(), MEDIA('GetSnapshotUri'), `<trt:GetSnapshotUri><trt:ProfileToken>${escapeXml(main.token)}</trt:ProfileToken></trt:GetSnapshotUri>`);
      } catch (err) {
        // snapshots are optional in ONVIF Profile S
        if (err instanceof OnvifError && err.code === 'onvif_not_supported') return undefined;
        throw err;
      }
      const uri = text(child(body, 'GetSnapshotUriResponse', 'MediaUri', 'Uri'));
      if (!uri || uri.length > 2048 || !URL.canParse(uri) || !['http:', 'https:'].includes(new URL(uri).protocol)) throw bad('snapshot address');
      return pinHost(uri, device);
    },
    ptz,
  };
}
