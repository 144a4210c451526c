// The bus as the rules and notify modules publish on it, until the lead spreads `rulesTopics` into `topics`.
import type { z } from 'zod';
import type { rulesTopics } from '../../common/contract/rules.js';
import type { Bus } from '../bus/index.js';

type RulesTopics = typeof rulesTopics;
export type RulesTopicName = keyof RulesTopics;

export interface RulesBus {
  publish<T extends RulesTopicName>(topic: T, payload: z.infer<RulesTopics[T]>): void;
}

/** Bus.publish delivers any name at runtime; only its compile-time topic list lacks these yet. */
export function rulesBus(bus: Bus): RulesBus {
  return bus as unknown as RulesBus;
}
