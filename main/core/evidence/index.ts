// The evidence module's surface: holds, the check retention asks, and the contract methods it implements.
import type { z } from 'zod';
import { canSeeCamera } from '../../common/contract/index.js';
import type { evidenceMethodSpecs } from '../../common/contract/evidence.js';
import type { CallContext } from '../api/router.js';
import type { EvidenceHolds } from './holds.js';

export { EvidenceHolds, isHeld, type HeldWindow, type HoldSource } from './holds.js';

type Specs = typeof evidenceMethodSpecs;
export type EvidenceImplementation = {
  [M in keyof Specs]: (input: z.infer<Specs[M]['input']>, ctx: CallContext) => z.infer<Specs[M]['output']> | Promise<z.infer<Specs[M]['output']>>;
};

/** The evidence.* methods; hold and release are audited by the router (who, what, from where). */
export function evidenceApi(holds: EvidenceHolds): EvidenceImplementation {
  return {
    // a viewer sees the holds on the cameras they may see
    'evidence.list': (q, ctx) => holds.list(q).filter((h) => canSeeCamera(ctx.user, h.cameraId)),
    'evidence.holdEvent': ({ eventId, reason }, ctx) => holds.holdEvent(eventId, reason, ctx.user.name),
    'evidence.holdRange': ({ cameraId, start, end, reason }, ctx) => holds.holdRange(cameraId, start, end, reason, ctx.user.name),
    'evidence.release': ({ id }, ctx) => holds.release(id, ctx.user.name),
  };
}
