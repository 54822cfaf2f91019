// What the Slack surface asks of the guardrails: freezes, applying them in AWS now (a freeze's
// answer says "Froze" only once AWS has the block), unlocking a post-rollback lock, and the state
// shown by /rollback status (every cause that holds on each guarded stage).

import { accountOf } from '../../aws/aws-clients.js';
import type { EnvironmentConfig } from '../../config/config.js';
import {
  type DeployBlock,
  decideStageLock,
  type PostRollbackLock,
  type UnlockOutcome,
} from '../../domain/stage-locks/index.js';
import type { GuardrailsQueue } from '../../jobs/guardrails-queue.js';
import type { FreezeStore } from '../../store/freeze-store.js';
import type { StoredLock } from '../../store/stage-lock-store.js';
import type { WaitingNotice } from '../../store/waiting-release-store.js';
import {
  currentDeployBlock,
  decideStages,
  type EnvOutcome,
  placeOf,
  type ReconcileDeps,
  reconcileDeployBlocks,
  reconcileEnvironment,
} from './deploy-block-reconciler.js';
import { readInboundTransitions } from './inbound-transitions.js';
import type { StageLockView } from './lock-announcer.js';

export interface EnvGuardStatus {
  block?: DeployBlock;
  /** Why the block could not be computed (alarms unreadable). */
  blockError?: string;
  /** Each guarded stage: what holds it and its transition as AWS reports it now. */
  stages: StageLockView[];
  transitionsError?: string;
}

export interface GuardrailsControl {
  freezes: FreezeStore;
  reconcileNow(why: string): Promise<void>;
  /** Brings these environments' guarded stages in line with their causes now, in this process. */
  apply(envs: readonly string[]): Promise<EnvOutcome[]>;
  /** Lifts the stage's post-rollback lock; enables only when no other cause holds. */
  unlock(input: { env: string; stage: string; by: string }): Promise<UnlockOutcome>;
  status(env: EnvironmentConfig, at: number): Promise<EnvGuardStatus>;
  /** A waiting-release announcement, by the id its Unlock button carries. */
  waitingNotice(id: string): Promise<WaitingNotice | undefined>;
  /** The announcement's message no longer offers Unlock. */
  settleNotice(notice: WaitingNotice): Promise<void>;
  /** The post-rollback lock Redis holds for a stage (who asked for that rollback). */
  recordedLock(env: EnvironmentConfig, stage: string): Promise<StoredLock | undefined>;
}

export type StageLockDeps = Omit<ReconcileDeps, 'sweep' | 'only'>;

export function createGuardrailsControl(deps: {
  locking: StageLockDeps;
  queue: GuardrailsQueue;
}): GuardrailsControl {
  const d = deps.locking;
  const now = d.now ?? Date.now;
  async function status(env: EnvironmentConfig, at: number): Promise<EnvGuardStatus> {
    const out: EnvGuardStatus = { stages: [] };
    try {
      out.block = await currentDeployBlock(d, env, at);
    } catch (err) {
      out.blockError = (err as Error).message;
    }
    if (env.target.kind !== 'stage') return out;
    const stages = Object.keys(env.target.stages);
    try {
      const [actual, recorded] = await Promise.all([
        readInboundTransitions(d.aws, accountOf(env), env.target.pipeline),
        Promise.all(stages.map((s) => d.locks.get(placeOf(env, s)))),
      ]);
      // Unknown block (alarms unreadable): the lock and someone else's disable are still known.
      out.stages = decideStages(env, out.block?.causes ?? [], recorded, actual).map(
        ({ decision, actual: a }) => ({
          stage: decision.stage,
          causes: decision.causes,
          enabled: a.enabled,
          action: decision.action,
          ...(a.disabledReason ? { disabledReason: a.disabledReason } : {}),
          ...(a.waitingExecutionId ? { waitingExecutionId: a.waitingExecutionId } : {}),
        }),
      );
    } catch (err) {
      out.transitionsError = (err as Error).message;
    }
    return out;
  }

  return {
    freezes: d.freezes,
    reconcileNow: (why) => deps.queue.reconcileNow(why),
    apply: (envs) => reconcileDeployBlocks({ ...d, sweep: true, only: envs }),

    async unlock({ env: name, stage, by }) {
      const env = d.config.environments[name]!;
      const pipeline = env.target.kind === 'stage' ? env.target.pipeline : '';
      const place = placeOf(env, stage);
      const at = now();
      let lifted: PostRollbackLock | undefined;
      const unlocked = () => ({ env: name, pipeline, stage, ...(lifted ? { lifted } : {}) });
      try {
        const outcome = await reconcileEnvironment({ ...d, sweep: true }, env, async () => {
          const [recorded, actual] = await Promise.all([
            d.locks.get(place),
            readInboundTransitions(d.aws, accountOf(env), pipeline),
          ]);
          const { lock } = decideStageLock({
            env: name,
            stage,
            block: [],
            ...(recorded ? { recorded } : {}),
            actual: actual.get(stage) ?? { enabled: true },
          });
          if (lock && (await d.locks.lift(place, lock.requestId, by, at))) lifted = lock;
        });
        const s = outcome.stages.find((x) => x.stage === stage);
        return { ...unlocked(), causes: s?.causes ?? [], enabled: s?.enabled ?? true };
      } catch (err) {
        const st = await status(env, now()).catch(() => undefined);
        const s = st?.stages.find((x) => x.stage === stage);
        return {
          ...unlocked(),
          causes: s?.causes ?? [],
          enabled: s?.enabled ?? false,
          error: (err as Error).message,
        };
      }
    },

    status,

    waitingNotice: (id) => d.waiting.get(id),
    settleNotice: (notice) => d.waiting.settle(notice),
    recordedLock: (env, stage) => d.locks.get(placeOf(env, stage)),
  };
}
