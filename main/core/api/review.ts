// Review methods: items to work through, each caller's own reviewed state, and the unreviewed count.
import { seesAllCameras, visibleCameras, type Grant } from '../../common/contract/index.js';
import { ReviewStore } from '../review/index.js';
import type { ApiDeps } from './index.js';
import type { Implementation } from './router.js';

type ReviewMethods = Pick<Implementation, 'review.list' | 'review.mark' | 'review.markAll' | 'review.counts'>;

export function reviewApi(deps: Pick<ApiDeps, 'db' | 'bus' | 'cameras'>): ReviewMethods {
  const store = new ReviewStore(deps.db, deps.bus);
  /** undefined: every camera; else the caller's (the router already narrowed list and markAll the same way). */
  const scopeOf = (caller: Grant): string[] | undefined => (seesAllCameras(caller) ? undefined : visibleCameras(caller, deps.cameras.list().map((c) => c.id)));
  return {
    'review.list': (input, ctx) => store.list(ctx.user.name, input),
    'review.mark': ({ eventIds, reviewed }, ctx) => ({ changed: store.mark(ctx.user.name, eventIds, reviewed, scopeOf(ctx.user)) }),
    'review.markAll': (input, ctx) => ({ changed: store.markAll(ctx.user.name, input) }),
    'review.counts': (_input, ctx) => store.counts(ctx.user.name, scopeOf(ctx.user)),
  };
}
