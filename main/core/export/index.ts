// The export module's surface: the job manager, manifest verification, and the contract methods it implements.
import type { z } from 'zod';
import type { exportMethodSpecs } from '../../common/contract/exports.js';
import type { CallContext } from '../api/router.js';
import { ApiFailure } from '../../common/contract/index.js';
import { mayLiftMasks } from '../privacy/index.js';
import type { ExportManager } from './manager.js';

export { ExportManager, type Actor, type ExportManagerDeps } from './manager.js';
export { verifyExport, digestFile, Manifest } from './manifest.js';
export { ZipWriter, readZipDirectory } from './zip.js';
export { redactClip, redactBox, enlargeBox, REDACT_MIN_SCORE, REDACT_ENLARGE, REDACT_HOLD_FRAMES, type KeepSpec, type RedactReport } from './redact.js';
export { ExportSigner, loadSigner, readPublicKey, parsePublicKey, checkSignature, formatFingerprint, type SigningKeyInfo } from './sign.js';

type Specs = typeof exportMethodSpecs;
export type ExportImplementation = {
  [M in keyof Specs]: (input: z.infer<Specs[M]['input']>, ctx: CallContext) => z.infer<Specs[M]['output']> | Promise<z.infer<Specs[M]['output']>>;
};

/** The exports.* methods, to spread into createApi's implementation once the specs are in `methods`. */
export function exportApi(manager: ExportManager): ExportImplementation {
  const actor = (ctx: CallContext) => ({ name: ctx.user.name, origin: ctx.origin });
  return {
    'exports.create': (input, ctx) => {
      if (input.liftMasks && !input.cameras.every((c) => mayLiftMasks(ctx.user, c))) throw new ApiFailure('forbidden', 'Lifting privacy masks needs the permission to lift them');
      return manager.create(input, actor(ctx));
    },
    'exports.createFromEvents': (input, ctx) => manager.createFromEvents(input, actor(ctx)),
    'exports.list': ({ limit }) => manager.list(limit),
    'exports.get': ({ id }) => manager.get(id),
    'exports.cancel': ({ id }) => manager.cancel(id),
    'exports.delete': ({ id }) => manager.delete(id),
    'exports.verify': ({ id }) => manager.verify(id),
    'exports.signingKey': () => manager.signingKey(),
  };
}
