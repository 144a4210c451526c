// The implementations of rulesMethodSpecs: rules, alerts and sinks, each delegating to the engine that owns it.
import type { z } from 'zod';
import type { rulesMethodSpecs } from '../../common/contract/rules.js';
import type { CallContext } from '../api/router.js';
import type { Notifier } from '../notify/notifier.js';
import type { RuleEngine } from './engine.js';

type Specs = typeof rulesMethodSpecs;

/** Shaped like `Implementation`, so `...rulesApi(deps)` fits once the specs are spread into `methods`. */
export type RulesImplementation = {
  [M in keyof Specs]: (input: z.infer<Specs[M]['input']>, ctx: CallContext) => z.infer<Specs[M]['output']> | Promise<z.infer<Specs[M]['output']>>;
};

export function rulesApi(deps: { rules: RuleEngine; notifier: Notifier }): RulesImplementation {
  const { rules, notifier } = deps;
  return {
    'rules.list': () => rules.list(),
    'rules.upsert': (input) => rules.upsert(input),
    'rules.delete': ({ id }) => ({ deleted: rules.delete(id) }),
    'rules.preview': ({ rule, hours }) => rules.preview(rule, hours),
    'rules.snooze': ({ id, minutes }) => rules.snooze(id, minutes),
    'alerts.list': (q) => rules.repo.alerts(q),
    'alerts.markSeen': ({ ids }) => ({ updated: rules.repo.markSeen(ids) }),
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
