// Lifting a stage's post-rollback lock. With guardrails wired, they bring the transition in line
// with every cause that still holds (a freeze, a blackout, a closed window, a blocking alarm,
// someone else's disable); without, only the lock itself and the transition AWS reports are known.
// Either way the unlock is audited with what still holds the stage.
import { accountOf } from '../aws/aws-clients.js';
import { createCodePipelineAdapter } from '../aws/codepipeline-adapter.js';
import type { EnvironmentConfig } from '../config/config.js';
import { CodedError } from '../domain/errors.js';
import { causeNames, decideStageLock, type UnlockOutcome } from '../domain/stage-locks/index.js';
import type { RollbackContext } from './rollback-context.js';
import { environmentOf, stageOf } from './rollback-lookup.js';

export async function unlock(
  ctx: RollbackContext,
  envName: string,
  stage: string | undefined,
  by: string,
): Promise<UnlockOutcome> {
  const env = environmentOf(ctx.config, envName);
  if (env.target.kind !== 'stage') {
    throw new CodedError(
      'NOT_LOCKABLE',
      `${env.name} is a CodeDeploy group; there is no stage transition to unlock.`,
    );
  }
  const s = stageOf(env, stage);
  const out = ctx.unlockStage
    ? await ctx.unlockStage({ env: env.name, stage: s, by })
    : await unlockLockOnly(ctx, env, env.target.pipeline, s, by);
  await ctx.store.appendAudit(
    {
      env: env.name,
      by,
      event: 'unlocked',
      pipeline: env.target.pipeline,
      stage: s,
      lifted: out.lifted ? out.lifted.requestId || 'unknown' : 'none',
      stillHeldBy: causeNames(out.causes).join(', ') || 'nothing',
      ...(out.error ? { error: out.error } : {}),
    },
    ctx.now(),
  );
  return out;
}

/**
 * Unlock with no guardrails wired: the post-rollback lock and someone else's disable are all that
 * is known, read from the transition AWS reports.
 */
async function unlockLockOnly(
  ctx: RollbackContext,
  env: EnvironmentConfig,
  pipeline: string,
  stage: string,
  by: string,
): Promise<UnlockOutcome> {
  const cp = createCodePipelineAdapter(ctx.aws, accountOf(env));
  const st = await cp.getStageState(pipeline, stage);
  const actual = {
    enabled: st.inboundEnabled,
    ...(st.disabledReason ? { disabledReason: st.disabledReason } : {}),
  };
  const input = { env: env.name, stage, block: [], actual };
  const { lock } = decideStageLock(input);
  const after = decideStageLock({
    ...input,
    ...(lock
      ? { recorded: { state: 'lifted', requestId: lock.requestId, by, at: ctx.now() } }
      : {}),
  });
  if (after.action === 'enable') await cp.enableInbound(pipeline, stage);
  else if (after.action === 'disable') await cp.disableInbound(pipeline, stage, after.reason!);
  return {
    env: env.name,
    pipeline,
    stage,
    ...(lock ? { lifted: lock } : {}),
    causes: after.causes,
    enabled: after.action === 'enable' || (after.action === 'none' && actual.enabled),
  };
}
