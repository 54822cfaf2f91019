// `/rollback unlock <env> [stage]`: lifts the post-rollback lock of a stage. The transition is
// enabled only when nothing else holds it; the answer names what still does. Who may is
// permissions.cancel, where `requester` is whoever asked for the rollback that locked the stage.
import type { EnvironmentConfig } from '../src/config/config.js';
import type { Requester } from '../src/domain/rollback-request.js';
import { unlockOutcomeText } from '../src/slack/blocks/stage-lock-messages.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';
import { requireActor } from './require-actor.js';

/** Who asked for the newest rollback that locked `stage` (the only stage when none is named). */
async function lockRequester(
  ctx: CommandContext,
  env: EnvironmentConfig,
  stage: string | undefined,
): Promise<Requester | undefined> {
  if (env.target.kind !== 'stage') return undefined;
  const stages = Object.keys(env.target.stages);
  const s = stage ?? (stages.length === 1 ? stages[0] : undefined);
  if (!s) return undefined;
  // The stage-lock record names who asked (the same source as the Unlock button).
  const recorded = await ctx.guardrails?.control.recordedLock(env, s);
  if (recorded) return recorded.state === 'locked' ? recorded.requester : undefined;
  // No record (guardrails off, or a lock from before they kept one): the request history.
  const recent = await ctx.service.history(env.name, 20);
  const locker = recent.find(
    (r) => r.target.kind === 'stage' && r.target.stage === s && r.lockedTransition,
  );
  return locker?.requestedBy;
}

export async function runUnlock(
  ctx: CommandContext,
  environment: string,
  stage?: string,
): Promise<void> {
  const env = ctx.config.environments[environment]!;
  const requester = await lockRequester(ctx, env, stage);
  if (!(await requireActor(ctx, { act: 'unlock', env, requester }, 'unlock'))) return;
  const outcome = await ctx.service.unlock(environment, stage, `user:${ctx.user}`);
  await ctx.reply(text(unlockOutcomeText(outcome, env, new Date(ctx.now()))));
}
