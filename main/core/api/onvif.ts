// ONVIF methods: discover, probe with credentials, add a camera in one call, PTZ with its presets (go to, save).
import { ApiFailure } from '../../common/contract/index.js';
import { maskPassword } from '../../common/urls.js';
import { addCameraFromOnvif, discover, isOnvifError, probeOnvifDevice, ptzCommand, ptzPresets, ptzSavePreset, toApiFailure } from '../onvif/index.js';
import type { ApiDeps } from './index.js';
import type { Implementation } from './router.js';

type OnvifMethods = Pick<Implementation, 'onvif.discover' | 'onvif.probe' | 'cameras.addOnvif' | 'cameras.ptz' | 'cameras.ptzPresets' | 'cameras.ptzSavePreset'>;

async function orApiFailure<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw isOnvifError(err) ? toApiFailure(err) : err;
  }
}

export function onvifApi(deps: Pick<ApiDeps, 'cameras' | 'bus'>, publicCamera: (c: ReturnType<ApiDeps['cameras']['require']>) => ReturnType<ApiDeps['cameras']['require']>): OnvifMethods {
  /** A stored PTZ camera's address and credentials (from its main stream); an unknown or non-PTZ camera is refused. */
  const ptzTarget = (id: string): { xaddr: string; streamUrl?: string } => {
    const cam = deps.cameras.require(id);
    if (!cam.onvif?.ptz) throw new ApiFailure('conflict', `${cam.name} cannot pan, tilt or zoom`);
    const main = cam.streams.find((s) => s.name === 'main')?.url;
    return { xaddr: cam.onvif.xaddr, ...(main ? { streamUrl: main } : {}) };
  };
  return {
    'onvif.discover': (input) => orApiFailure(discover(input)),
    'onvif.probe': async (input) => {
      try {
        const p = await probeOnvifDevice(input);
        return {
          ok: true as const,
          xaddr: p.xaddr,
          device: p.device,
          profiles: p.profiles,
          streams: { main: maskPassword(p.streams.main), ...(p.streams.sub ? { sub: maskPassword(p.streams.sub) } : {}) },
          snapshotUri: p.snapshotUri,
          ptz: p.ptz,
        };
      } catch (err) {
        if (isOnvifError(err)) return { ok: false as const, code: err.code, message: err.message };
        throw err;
      }
    },
    'cameras.addOnvif': async ({ recordMode, ...input }) => {
      const { camera } = await orApiFailure(addCameraFromOnvif(input));
      const saved = deps.cameras.upsert({ ...camera, ...(recordMode ? { recordMode } : {}) });
      deps.bus.publish('camera.changed', { id: saved.id, deleted: false });
      return publicCamera(saved);
    },
    'cameras.ptz': async (input) => {
      const { id: _id, ...command } = input;
      await orApiFailure(ptzCommand(ptzTarget(input.id), command));
      return { ok: true as const };
    },
    'cameras.ptzPresets': ({ id }) => orApiFailure(ptzPresets(ptzTarget(id))),
    'cameras.ptzSavePreset': async ({ id, name, preset }) => {
      const token = await orApiFailure(ptzSavePreset(ptzTarget(id), name, preset));
      return { token, name };
    },
  };
}
