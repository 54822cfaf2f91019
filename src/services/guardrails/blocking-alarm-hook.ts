// A blocking alarm changed state (pushed or polled): reconcile the deploy block now, instead of
// at the next periodic reconcile. Called by the reaction workers for every domain event.
import type { Config } from '../../config/config.js';
import type { DomainEvent } from '../../events/domain-event.js';
import { routeEvent } from '../../events/route-event.js';

export function reconcileOnBlockingAlarm(
  config: Config,
  queue: { reconcileNow(why: string): Promise<void> },
): (event: DomainEvent) => Promise<void> {
  return async (event) => {
    if (event.type !== 'AlarmRaised' && event.type !== 'AlarmCleared') return;
    const blocks = routeEvent(config, event).some((name) =>
      config.environments[name]?.blockOnAlarms.includes(event.alarmName),
    );
    if (blocks) await queue.reconcileNow(`alarm ${event.alarmName} ${event.state}`);
  };
}
