// The AWS call budget of one poll tick: every call is counted (prom-client, by operation) and
// refused once the tick's cap is reached; the target is then left for the next tick.
import type { Counter } from 'prom-client';

export interface PollBudget {
  /** True (and counted) when the call may be made. */
  take(operation: string): boolean;
  readonly used: number;
  readonly refused: number;
}

export function createPollBudget(
  cap: number,
  counter?: Pick<Counter<'operation'>, 'inc'>,
): PollBudget {
  let used = 0;
  let refused = 0;
  return {
    take(operation) {
      if (used >= cap) {
        refused += 1;
        return false;
      }
      used += 1;
      counter?.inc({ operation });
      return true;
    },
    get used() {
      return used;
    },
    get refused() {
      return refused;
    },
  };
}
