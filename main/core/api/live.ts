// Live streams over the contract: each open stream relays one camera's fMP4 chunks onto the bus until closed.
import { randomBytes } from 'node:crypto';
import { ApiFailure } from '../../common/contract/index.js';
import { mayLiftMasks } from '../privacy/index.js';
import type { ApiDeps } from './index.js';
import type { Implementation } from './router.js';

type LiveMethods = Pick<Implementation, 'live.open' | 'live.close'>;

/** Open live streams at once, over every window: beyond this a forgotten view is more likely than a real need. */
const MAX_STREAMS = 32;

export function liveApi(deps: Pick<ApiDeps, 'bus' | 'cameras' | 'live'>): LiveMethods {
  const streams = new Map<string, () => void>();
  return {
    'live.open': ({ cameraId, view }, ctx) => {
      const camera = deps.cameras.require(cameraId);
      // the same rule as the live socket: who may not lift the privacy masks gets them burned in
      const source = deps.live(cameraId, view, { masked: camera.masks.privacy.length > 0 && !mayLiftMasks(ctx.user, cameraId) });
      if (!source) throw new ApiFailure('unavailable', 'This camera is not running');
      if (streams.size >= MAX_STREAMS) throw new ApiFailure('rate_limited', 'Too many live views are open');
      const streamId = randomBytes(8).toString('hex');
      const unsubscribe = source.subscribe((chunk) => {
        deps.bus.publish('live.chunk', {
          streamId,
          type: chunk.type,
          ...(chunk.type === 'init' ? { codec: chunk.codec } : {}),
          data: chunk.data,
        });
      });
      streams.set(streamId, unsubscribe);
      return { streamId };
    },
    'live.close': ({ streamId }) => {
      const stop = streams.get(streamId);
      stop?.();
      return { closed: streams.delete(streamId) };
    },
  };
}
