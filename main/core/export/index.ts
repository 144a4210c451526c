// The export module's surface: the job manager, manifest verification, and the contract methods it implements.
import type { z } from 'zod';
import { ApiFailure, canSeeCamera, type ExportJob, type Grant } from '../../common/contract/index.js';
import type { exportMethodSpecs } from '../../common/contract/exports.js';
import type { CallContext } from '../api/router.js';
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

/** An export is a caller's when every camera in it is: a clip of two cameras is not shown to who may see one. */
export function mayAccessExport(caller: Grant, job: Pick<ExportJob, 'cameras'>): boolean {
  return job.cameras.every((c) => canSeeCamera(caller, c));
}

/** The exports.* methods, to spread into createApi's implementation once the specs are in `methods`. */
export function exportApi(manager: ExportManager): ExportImplementation {
  const actor = (ctx: CallContext) => ({ name: ctx.user.name, origin: ctx.origin });
  /** The job, when the caller may see it; another's cameras' export does not exist for them. */
  const own = (id: string, ctx: CallContext): string => {
    if (ctx.user.role !== 'admin' && !mayAccessExport(ctx.user, manager.get(id))) throw new ApiFailure('not_found', `There is no export with id ${JSON.stringify(id)}`);
    return id;
  };
  return {
    'exports.create': (input, ctx) => {
      if (input.liftMasks && !input.cameras.every((c) => mayLiftMasks(ctx.user, c))) throw new ApiFailure('forbidden', 'Lifting privacy masks needs the permission to lift them');
      return manager.create(input, actor(ctx));
    },
    'exports.createFromEvents': (input, ctx) => manager.createFromEvents(input, actor(ctx)),
    // read past the limit so that other cameras' newer jobs do not crowd the caller's out
    'exports.list': ({ limit }, ctx) => manager.list(ctx.user.role === 'admin' ? limit : 500).filter((j) => mayAccessExport(ctx.user, j)).slice(0, limit),
    'exports.get': ({ id }, ctx) => manager.get(own(id, ctx)),
    'exports.cancel': ({ id }, ctx) => manager.cancel(own(id, ctx)),
    'exports.delete': ({ id }, ctx) => manager.delete(own(id, ctx)),
    'exports.verify': ({ id }, ctx) => manager.verify(own(id, ctx)),
    'exports.signingKey': () => manager.signingKey(),
  };
}
