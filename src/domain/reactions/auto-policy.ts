// Whether an environment's `autoRollback` policy covers a trigger. Pure.
import type { EnvironmentConfig } from '../../config/config.js';

export type AutoTrigger = 'failure' | 'alarm';

export function autoRollsBackOn(
  policy: EnvironmentConfig['autoRollback'],
  trigger: AutoTrigger,
): boolean {
  if (policy === 'on-failure-and-alarm') return true;
  return policy === (trigger === 'failure' ? 'on-failure' : 'on-alarm');
}
