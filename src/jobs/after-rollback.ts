// What a succeeded rollback leaves behind, before its request ends: the stage locked against
// the release it went away from, and that release marked bad (its standing).
import type { Account, AwsClients } from '../aws/aws-clients.js';
import { createCodePipelineAdapter } from '../aws/codepipeline-adapter.js';
import { type RollbackRequest, releaseRolledBack, targetKey } from '../domain/rollback-request.js';
import {
  AUTOMATIC_LOCKER,
  isForeignDisable,
  type PostRollbackLock,
  reasonWithLock,
} from '../domain/stage-locks/index.js';
import type { Logger } from '../log.js';
import type { ChangeOptions } from '../store/request-store.js';
import type { StageLockStore } from '../store/stage-lock-store.js';
import type { StandingStore } from '../store/standing-store.js';

export interface AfterRollbackDeps {
  /** Where the post-rollback lock of a stage is recorded. */
  locks: StageLockStore;
  /** Where a release rolled back away from is recorded as bad. */
  standing?: StandingStore;
  aws: AwsClients;
  account(req: RollbackRequest): Account;
  /** Records a step on the running request (its audit). */
  note(req: RollbackRequest, opts: ChangeOptions): Promise<RollbackRequest>;
  now(): number;
  log: Logger;
}

/**
 * After a successful rollback, the stage is locked so the bad release does not roll forward
 * again: recorded in Redis first (the guardrails' pass enforces it from there, and AWS keeps
 * it in the reason, so neither alone loses it), then disabled with a reason that adds the lock
 * to whatever the bot's own reason holds. Someone else's disable is left as it is: the lock
 * holds behind it and is applied once they lift theirs.
 */
export async function lockStage(
  deps: AfterRollbackDeps,
  req: RollbackRequest,
): Promise<ChangeOptions['fields']> {
  const t = req.target;
  if (t.kind !== 'stage' || !t.lockAfterRollback) return {};
  const lock: PostRollbackLock = {
    requestId: req.id,
    by: req.requestedBy.kind === 'user' ? req.requestedBy.id : AUTOMATIC_LOCKER,
  };
  const place = { region: req.region, pipeline: t.pipeline, stage: t.stage };
  let recorded = false;
  try {
    await deps.locks.lock(place, lock, deps.now(), req.requestedBy);
    recorded = true;
    const cp = createCodePipelineAdapter(deps.aws, deps.account(req));
    const st = await cp.getStageState(t.pipeline, t.stage);
    const actual = {
      enabled: st.inboundEnabled,
      ...(st.disabledReason ? { disabledReason: st.disabledReason } : {}),
    };
    if (isForeignDisable(actual)) {
      await deps.note(req, {
        by: 'worker',
        event: 'locked',
        audit: {
          pipeline: t.pipeline,
          stage: t.stage,
          behind: `disabled by someone else: ${st.disabledReason ?? ''}`,
        },
      });
      return { lockedTransition: true };
    }
    const reason = reasonWithLock(actual.enabled ? undefined : st.disabledReason, {
      lock,
      env: req.env,
      stage: t.stage,
    });
    await cp.disableInbound(t.pipeline, t.stage, reason);
    await deps.note(req, {
      by: 'worker',
      event: 'locked',
      audit: { pipeline: t.pipeline, stage: t.stage, reason },
    });
    return { lockedTransition: true };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    await deps.note(req, {
      by: 'worker',
      event: 'lock-failed',
      audit: { error: msg, recorded: String(recorded) },
    });
    return {
      lockedTransition: false,
      lastError: recorded
        ? `Rolled back; the stage lock is recorded, but AWS did not disable the transition yet (${msg}). The guardrails' next pass tries again.`
        : `Rolled back, but the stage could not be locked: ${msg}`,
    };
  }
}

/** The release this rollback went away from is bad in that place from now on. */
export async function markRolledBack(deps: AfterRollbackDeps, req: RollbackRequest): Promise<void> {
  const released = releaseRolledBack(req.target);
  if (!deps.standing || !released) return;
  const how = req.requestedBy.kind === 'user' ? '' : `, automatically: ${req.requestedBy.reason}`;
  try {
    await deps.standing.markBad(targetKey(req.region, req.target), released, 'rolled-back', {
      why: `rolled back (request ${req.id}${how})`,
      ...(req.awsExecutionId ? { key: `rollback:${req.awsExecutionId}` } : {}),
      at: deps.now(),
      by: req.requestedBy.kind === 'user' ? `user:${req.requestedBy.id}` : 'rollback-bot',
    });
  } catch (err) {
    // AWS history still shows the rollback (domain/stage-releases.ts derives it again).
    deps.log.warn({ err, requestId: req.id }, 'could not record the release as bad');
  }
}
