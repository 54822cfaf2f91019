// Whether an environment's `autoRollback` policy covers a trigger. Pure.
import type { AutoRollbackPolicy } from '../config/schema.js';

export type AutoTrigger = 'failure' | 'alarm';

export function autoRollsBackOn(policy: AutoRollbackPolicy, trigger: AutoTrigger): boolean {
  if (policy === 'on-failure-and-alarm') return true;
  return policy === (trigger === 'failure' ? 'on-failure' : 'on-alarm');
}
