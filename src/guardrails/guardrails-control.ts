// What the Slack surface asks of the guardrails: freezes, an immediate reconcile, and the state
// shown by /rollback status (block causes, windows, blocking alarms, transition states).
import type { AwsClients } from '../aws/aws-clients.js';
import type { Config, EnvironmentConfig } from '../config/config.js';
import type { DeployBlock } from '../domain/guardrails/index.js';
import { currentDeployBlock } from './deploy-block-reconciler.js';
import type { FreezeStore } from './freeze-store.js';
import type { GuardrailsQueue } from './guardrails-jobs.js';
import { readInboundTransitions, type StageTransition } from './inbound-transitions.js';

export interface EnvGuardStatus {
  block?: DeployBlock;
  /** Why the block could not be computed (alarms unreadable). */
  blockError?: string;
  transitions: StageTransition[];
  transitionsError?: string;
}

export interface GuardrailsControl {
  freezes: FreezeStore;
  reconcileNow(why: string): Promise<void>;
  status(env: EnvironmentConfig, at: number): Promise<EnvGuardStatus>;
}

export function createGuardrailsControl(deps: {
  config: Config;
  aws: AwsClients;
  freezes: FreezeStore;
  queue: GuardrailsQueue;
}): GuardrailsControl {
  return {
    freezes: deps.freezes,
    reconcileNow: (why) => deps.queue.reconcileNow(why),
    async status(env, at) {
      const out: EnvGuardStatus = { transitions: [] };
      try {
        out.block = await currentDeployBlock(deps, env, at);
      } catch (err) {
        out.blockError = (err as Error).message;
      }
      if (env.target.kind === 'stage') {
        const stages = Object.keys(env.target.stages);
        try {
          const all = await readInboundTransitions(
            deps.aws,
            { region: env.region, ...(env.roleArn ? { roleArn: env.roleArn } : {}) },
            env.target.pipeline,
          );
          out.transitions = stages.map((s) => all.get(s) ?? { stage: s, enabled: true });
        } catch (err) {
          out.transitionsError = (err as Error).message;
        }
      }
      return out;
    },
  };
}
