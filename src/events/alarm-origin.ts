// An alarm action names the account and region it came from; the config names where each alarm
// lives (its environments' region and role account). An action for a configured alarm from
// anywhere else is refused, never acted on. Pure.
import type { Config } from '../config/config.js';
import type { AlarmEvent } from './domain-event.js';
import { roleAccount, sameAccount } from './route-event.js';

/** Why the action does not come from the configured alarm, or undefined when it does (or no environment names it). */
export function alarmOriginMismatch(
  config: Pick<Config, 'environments'>,
  e: AlarmEvent,
): string | undefined {
  const naming = Object.values(config.environments).filter(
    (env) => env.alarms.includes(e.alarmName) || env.blockOnAlarms.includes(e.alarmName),
  );
  if (naming.length === 0) return undefined;
  if (naming.some((env) => env.region === e.region && sameAccount(env, e.account))) {
    return undefined;
  }
  const where = naming
    .map((env) => {
      const account = roleAccount(env);
      return `${env.name} (${env.region}${account ? `, account ${account}` : ''})`;
    })
    .join(', ');
  return `alarm ${e.alarmName} is configured in ${where}, but this action came from ${e.region}, account ${e.account}`;
}
