// The implementations of rulesMethodSpecs: rules, alerts and sinks, each delegating to the engine that owns it.
import type { z } from 'zod';
import { ApiFailure, canSeeCamera, seesAllCameras, visibleCameras, type Grant, type Rule } from '../../common/contract/index.js';
import type { rulesMethodSpecs } from '../../common/contract/rules.js';
import type { CallContext } from '../api/router.js';
import type { Notifier } from '../notify/notifier.js';
import type { RuleEngine } from './engine.js';

type Specs = typeof rulesMethodSpecs;

/** Shaped like `Implementation`, so `...rulesApi(deps)` fits once the specs are spread into `methods`. */
export type RulesImplementation = {
  [M in keyof Specs]: (input: z.infer<Specs[M]['input']>, ctx: CallContext) => z.infer<Specs[M]['output']> | Promise<z.infer<Specs[M]['output']>>;
};

/** A rule shown to a caller: one for every camera (no list) or for cameras all theirs. */
const ruleVisible = (caller: Grant, rule: Pick<Rule, 'cameras'>): boolean => rule.cameras.every((c) => canSeeCamera(caller, c));

export function rulesApi(deps: { rules: RuleEngine; notifier: Notifier; cameraIds?: () => string[] }): RulesImplementation {
  const { rules, notifier } = deps;
  /** undefined: every camera; else the caller's cameras (alerts and previews of the others are not theirs). */
  const scopeOf = (caller: Grant): string[] | undefined => (seesAllCameras(caller) ? undefined : visibleCameras(caller, deps.cameraIds?.() ?? []));
  return {
    'rules.list': (_input, ctx) => rules.list().filter((r) => ruleVisible(ctx.user, r)),
    'rules.upsert': (input) => rules.upsert(input),
    'rules.delete': ({ id }) => ({ deleted: rules.delete(id) }),
    'rules.preview': ({ rule, hours }, ctx) => {
      const scope = scopeOf(ctx.user);
      if (!scope) return rules.preview(rule, hours);
      const hidden = rule.cameras.find((c) => !scope.includes(c));
      if (hidden !== undefined) throw new ApiFailure('not_found', `There is no camera with id ${JSON.stringify(hidden)}`);
      // "every camera" is, for this caller, every camera of theirs; with none there is nothing to preview
      const cameras = rule.cameras.length > 0 ? rule.cameras : scope;
      if (cameras.length === 0) return { count: 0, events: [] };
      return rules.preview({ ...rule, cameras }, hours);
    },
    'rules.snooze': ({ id, minutes }) => rules.snooze(id, minutes),
    'alerts.list': (q, ctx) => rules.repo.alerts({ ...q, cameras: scopeOf(ctx.user) }),
    'alerts.markSeen': ({ ids }, ctx) => ({ updated: rules.repo.markSeen(ids, scopeOf(ctx.user)) }),
    'sinks.list': () => notifier.list(),
    'sinks.upsert': async (input) => {
      const view = await notifier.upsert(input);
      notifier.refreshDiscovery();
      return view;
    },
    'sinks.delete': async ({ id }) => {
      const deleted = await notifier.delete(id);
      if (deleted) rules.removeSink(id);
      return { deleted };
    },
    'sinks.test': ({ id }) => notifier.test(id),
  };
}
