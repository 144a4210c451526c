// Review methods: items to work through, each caller's own reviewed state, and the unreviewed count.
import { ReviewStore } from '../review/index.js';
import type { ApiDeps } from './index.js';
import type { Implementation } from './router.js';

type ReviewMethods = Pick<Implementation, 'review.list' | 'review.mark' | 'review.markAll' | 'review.counts'>;

export function reviewApi(deps: Pick<ApiDeps, 'db' | 'bus'>): ReviewMethods {
  const store = new ReviewStore(deps.db, deps.bus);
  return {
    'review.list': (input, ctx) => store.list(ctx.user.name, input),
    'review.mark': ({ eventIds, reviewed }, ctx) => ({ changed: store.mark(ctx.user.name, eventIds, reviewed) }),
    'review.markAll': (input, ctx) => ({ changed: store.markAll(ctx.user.name, input) }),
    'review.counts': (_input, ctx) => store.counts(ctx.user.name),
  };
}
