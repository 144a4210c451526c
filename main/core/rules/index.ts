// The rules module: the engine, its pure evaluation functions and its API implementations.
export { RuleEngine, DISCOVERY_LABELS, type RuleEngineDeps } from './engine.js';
export { evaluate, judgedAt, localTime, scheduleAllows, MemoryCooldowns, ZoneTracker, type Cooldowns, type EvalContext, type Reason, type Verdict } from './evaluate.js';
export { RuleRepository } from './repository.js';
export { rulesApi, type RulesImplementation } from './api.js';
