// A stage of a guarded pipeline succeeded: a release may now be waiting at the next stage's
// inbound transition. Reconcile the environments on that pipeline shortly (AWS shows the waiting
// execution a moment after the event), so a release stopped at a held stage is announced within
// seconds rather than at the next periodic pass. Called by the reaction workers for every event.
import type { Config } from '../../config/config.js';
import type { DomainEvent } from '../../events/domain-event.js';

/** How long after the event the stage state is read. */
export const ARRIVAL_DELAY_MS = 2_000;

export function reconcileOnReleaseArrival(
  config: Config,
  queue: { reconcileNow(why: string, only?: { envs: string[]; delayMs?: number }): Promise<void> },
  delayMs = ARRIVAL_DELAY_MS,
): (event: DomainEvent) => Promise<void> {
  return async (event) => {
    if (event.type !== 'StageSucceeded') return;
    const envs = Object.values(config.environments)
      .filter(
        (e) =>
          e.target.kind === 'stage' &&
          e.target.pipeline === event.pipeline &&
          e.region === event.region &&
          // An environment whose only guarded stage just succeeded has nothing waiting.
          !Object.keys(e.target.stages).every((s) => s === event.stage),
      )
      .map((e) => e.name);
    if (envs.length > 0) {
      await queue.reconcileNow(`${event.pipeline} ${event.stage} succeeded`, { envs, delayMs });
    }
  };
}
