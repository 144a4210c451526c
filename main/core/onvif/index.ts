// ONVIF: discovery, a typed client for one camera, and the one-call helpers the API uses.
export { discover, parseProbeMatches, probeMessage, WS_DISCOVERY_ADDRESS, WS_DISCOVERY_PORT, type DiscoverOptions, type DiscoveredDevice } from './discovery.js';
export {
  connectOnvif,
  credentialsFromUrl,
  normalizeXaddr,
  pickStreams,
  pinHost,
  withCredentials,
  DEFAULT_TIMEOUT_MS,
  type ConnectOptions,
  type OnvifDeviceInfo,
  type OnvifProfile,
  type OnvifPtz,
  type OnvifSession,
  type OnvifStreamUris,
  type PtzPreset,
  type PtzVelocity,
} from './client.js';
export { addCameraFromOnvif, cameraInputFromProbe, probeOnvifDevice, ptzCommand, ptzPresets, ptzSavePreset, type OnvifCameraInput, type OnvifProbe, type PtzAction } from './probe.js';
export { OnvifError, isOnvifError, toApiFailure, ONVIF_ERROR_CODES, type OnvifErrorCode } from './errors.js';
