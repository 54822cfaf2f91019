// What the poller looks at, from the configuration. Pure.
// One entry per AWS thing, however many environments share it: a pipeline (with the stages any
// environment guards), a deployment group, and per account (region + role) the alarm names.
import { type Account, accountKey, accountOf, roleAccountId } from '../../aws/aws-clients.js';
import type { Config, EnvironmentConfig } from '../../config/config.js';

export interface PolledPipeline {
  key: string;
  account: Account;
  /** The account id events name (from the role ARN), when the environment names a role. */
  accountId: string;
  pipeline: string;
  /** Guarded stages, in the order first written. */
  stages: string[];
}

export interface PolledDeploymentGroup {
  key: string;
  account: Account;
  accountId: string;
  application: string;
  deploymentGroup: string;
}

export interface PolledAlarms {
  key: string;
  account: Account;
  accountId: string;
  /** Unique names from `alarms` and `blockOnAlarms`. */
  names: string[];
}

export interface PollPlan {
  pipelines: PolledPipeline[];
  deploymentGroups: PolledDeploymentGroup[];
  alarms: PolledAlarms[];
}

/** Events from our own identity route by region alone; the id is informative only. */
export const OWN_ACCOUNT = 'self';

/** The environment's account, the id its events name, and its key in the plan. */
function polledAccount(env: EnvironmentConfig): {
  account: Account;
  accountId: string;
  at: string;
} {
  const account = accountOf(env);
  return {
    account,
    accountId: roleAccountId(account) ?? OWN_ACCOUNT,
    at: accountKey(account),
  };
}

export function pollPlan(config: Config): PollPlan {
  const pipelines = new Map<string, PolledPipeline>();
  const groups = new Map<string, PolledDeploymentGroup>();
  const alarms = new Map<string, PolledAlarms>();
  for (const env of Object.values(config.environments)) {
    const { account, accountId, at } = polledAccount(env);
    const t = env.target;
    if (t.kind === 'stage') {
      const key = `pipeline|${at}|${t.pipeline}`;
      const p = pipelines.get(key) ?? { key, account, accountId, pipeline: t.pipeline, stages: [] };
      for (const s of Object.keys(t.stages)) if (!p.stages.includes(s)) p.stages.push(s);
      pipelines.set(key, p);
    } else {
      const key = `group|${at}|${t.application}|${t.deploymentGroup}`;
      groups.set(key, {
        key,
        account,
        accountId,
        application: t.application,
        deploymentGroup: t.deploymentGroup,
      });
    }
    const names = [...env.alarms, ...env.blockOnAlarms];
    if (names.length > 0) {
      const key = `alarms|${at}`;
      const a = alarms.get(key) ?? { key, account, accountId, names: [] };
      for (const n of names) if (!a.names.includes(n)) a.names.push(n);
      alarms.set(key, a);
    }
  }
  return {
    pipelines: [...pipelines.values()],
    deploymentGroups: [...groups.values()],
    alarms: [...alarms.values()],
  };
}
