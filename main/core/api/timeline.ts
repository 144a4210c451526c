// Timeline methods: event markers for a window at any zoom, and stepping between one camera's events.
import type { ApiDeps } from './index.js';
import type { Implementation } from './router.js';

type TimelineMethods = Pick<Implementation, 'timeline.markers' | 'timeline.adjacentEvent'>;

export function timelineApi(deps: Pick<ApiDeps, 'events'>): TimelineMethods {
  return {
    'timeline.markers': (q) => deps.events.markers(q),
    'timeline.adjacentEvent': (q) => deps.events.adjacent(q),
  };
}
