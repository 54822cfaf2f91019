// Which environments a domain event concerns, from the config. Pure.
import type { Config, EnvironmentConfig } from '../config/config.js';
import type { DomainEvent } from './domain-event.js';

/** The account of an environment's role, when it names one (arn:aws:iam::<account>:role/…). */
export function roleAccount(env: EnvironmentConfig): string | undefined {
  return env.roleArn?.split(':')[4] || undefined;
}

/** Whether `account` may be the environment's: its role's account, or any without a role. */
export function sameAccount(env: EnvironmentConfig, account: string): boolean {
  const expected = roleAccount(env);
  return expected === undefined || expected === account;
}

function concerns(env: EnvironmentConfig, e: DomainEvent): boolean {
  if (env.region !== e.region || !sameAccount(env, e.account)) return false;
  const t = env.target;
  if ('alarmName' in e)
    return env.alarms.includes(e.alarmName) || env.blockOnAlarms.includes(e.alarmName);
  if ('deploymentId' in e) {
    return (
      t.kind === 'deployment-group' &&
      t.application === e.application &&
      t.deploymentGroup === e.deploymentGroup
    );
  }
  if (t.kind !== 'stage' || t.pipeline !== e.pipeline) return false;
  // Pipeline-level events concern every environment guarding a stage of that pipeline.
  return !('stage' in e) || Object.hasOwn(t.stages, e.stage);
}

/**
 * Environment names the event concerns, in config order:
 * region + pipeline (+ stage), region + application + deployment group, or region + alarm name
 * (in `alarms` or `blockOnAlarms`). An environment with a roleArn also needs the same account.
 */
export function routeEvent(config: Pick<Config, 'environments'>, event: DomainEvent): string[] {
  return Object.values(config.environments)
    .filter((env) => concerns(env, event))
    .map((env) => env.name);
}
