// What the bot does about a failed stage or deployment, from facts gathered from AWS. Pure.
// Automatic actions never loop: a failing rollback is escalated, never rolled back again; a
// failure AWS is already rolling back is reported, never rolled back a second time. Whether
// there is a release to go back to is the automatic request's own question (auto-rollback-plan.ts).
import type { EnvironmentConfig } from '../../config/config.js';
import { autoRollsBackOn } from './auto-policy.js';

export interface FailureFacts {
  policy: EnvironmentConfig['autoRollback'];
  /** The failing release is itself a rollback (executionType ROLLBACK, creator codeDeployRollback, ours). */
  failingIsRollback: boolean;
  /** AWS is rolling the failing release back on its own (or is configured to). */
  awsRollingBack: boolean;
}

export type FailureDecision =
  | { kind: 'escalate'; why: string }
  | { kind: 'notify'; autoRollback: boolean; awsRollingBack: boolean; why: string };

export function decideFailure(f: FailureFacts): FailureDecision {
  if (f.failingIsRollback) {
    return {
      kind: 'escalate',
      why: 'The rollback itself failed. Automatic actions stop here; a person has to look.',
    };
  }
  if (f.awsRollingBack) {
    return {
      kind: 'notify',
      autoRollback: false,
      awsRollingBack: true,
      why: 'AWS is already rolling this back on its own.',
    };
  }
  if (!autoRollsBackOn(f.policy, 'failure')) {
    return {
      kind: 'notify',
      autoRollback: false,
      awsRollingBack: false,
      why: `Automatic rollback is ${f.policy === 'off' ? 'off' : `only ${f.policy}`} for this environment.`,
    };
  }
  return {
    kind: 'notify',
    autoRollback: true,
    awsRollingBack: false,
    why: 'The policy rolls back on failure.',
  };
}
