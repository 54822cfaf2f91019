// What every rollback use case works over, built once by createRollbackService: the
// configuration, the AWS clients, the stores, the queue, the decision, the clock, and the one
// way to tell listeners that a request moved.
import type { AwsClients } from '../aws/aws-clients.js';
import type { Config } from '../config/config.js';
import type { RequestState } from '../domain/request-state.js';
import type { RollbackRequest } from '../domain/rollback-request.js';
import type { UnlockOutcome } from '../domain/stage-locks/index.js';
import type { RollbackQueue } from '../jobs/rollback-queue.js';
import type { RequestStore } from '../store/request-store.js';
import type { StandingStore } from '../store/standing-store.js';
import type { DecideRollback } from './rollback-policy.js';

export type TransitionListener = (request: RollbackRequest, from: RequestState) => void;

/**
 * Guardrails: lifts a post-rollback lock and brings the transition in line with every cause that
 * still holds.
 */
export type UnlockStage = (input: {
  env: string;
  stage: string;
  by: string;
}) => Promise<UnlockOutcome>;

export interface RollbackContext {
  config: Config;
  aws: AwsClients;
  store: RequestStore;
  standing: StandingStore;
  queue: RollbackQueue;
  decide: DecideRollback;
  /** How many releases to look back through. */
  lookback: number;
  now: () => number;
  /** Absent in a process with no guardrails: only the post-rollback lock itself is known. */
  unlockStage?: UnlockStage;
  /** Tells every listener that a request moved (`from` → its state now). */
  emit: TransitionListener;
}

/** The listeners of request transitions; one that throws never undoes a recorded transition. */
export function transitionListeners(): {
  emit: TransitionListener;
  add(listener: TransitionListener): () => void;
} {
  const listeners = new Set<TransitionListener>();
  return {
    emit(r, from) {
      for (const l of listeners) {
        try {
          l(r, from);
        } catch {
          // A listener's failure (e.g. a Slack update) must not undo a recorded transition.
        }
      }
    },
    add(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
