// One domain event → the reactions of every environment it concerns: the feed, the bake window
// (bake-watch.ts), failures (release-failed.ts), the end of a rollback (after-rollback.ts).
import type { EnvironmentConfig } from '../../config/config.js';
import type { AlarmEvent, DomainEvent } from '../../events/domain-event.js';
import { routeEvent } from '../../events/route-event.js';
import { rollbackSucceeded } from './after-rollback.js';
import { alarmRaised, startBake } from './bake-watch.js';
import type { ReactionContext } from './context.js';
import { updateFeed } from './deploy-feed.js';
import { type Release, releaseFacts, releaseOf, rollbackEndedOf } from './event-release.js';
import { releaseFailed } from './release-failed.js';

export async function reactToEvent(ctx: ReactionContext, event: DomainEvent): Promise<void> {
  const envs = routeEvent(ctx.config, event);
  let failure: unknown;
  for (const name of envs) {
    const env = ctx.config.environments[name];
    if (!env) continue;
    try {
      await reactInEnvironment(ctx, env, event);
    } catch (err) {
      // The other environments still get their reaction; the job is retried for this one.
      failure ??= err;
    }
  }
  if (failure) throw failure;
}

async function reactInEnvironment(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  e: DomainEvent,
): Promise<void> {
  switch (e.type) {
    case 'StageStarted':
    case 'DeploymentStarted':
      return started(ctx, env, releaseOf(e));
    case 'StageSucceeded':
    case 'DeploymentSucceeded':
      return succeeded(ctx, env, releaseOf(e));
    case 'StageFailed':
    case 'DeploymentFailed':
      return releaseFailed(
        ctx,
        env,
        releaseOf(e),
        e.type === 'StageFailed' ? 'stage-failed' : 'deployment-failed',
      );
    case 'AlarmRaised':
      return alarmRaised(ctx, env, e);
    case 'AlarmCleared':
      return alarmCleared(ctx, env, e);
    default:
      return undefined;
  }
}

async function started(ctx: ReactionContext, env: EnvironmentConfig, r: Release): Promise<void> {
  if (env.feed === 'off') return;
  const f = await releaseFacts(ctx, env, r);
  if (f.isRollback) return; // the rollback's own status message tells that story
  await updateFeed(ctx, env, {
    releaseId: r.releaseId,
    ...(r.stage ? { stage: r.stage } : {}),
    sourceRevisions: f.sourceRevisions,
    step: 'started',
  });
}

/** A release succeeded: its bake window opens. A rollback succeeded: the recovery watch starts. */
async function succeeded(ctx: ReactionContext, env: EnvironmentConfig, r: Release): Promise<void> {
  const f = await releaseFacts(ctx, env, r);
  if (f.isRollback) return rollbackSucceeded(ctx, env, await rollbackEndedOf(ctx, env, r, f));
  await startBake(ctx, env, r, f.sourceRevisions);
}

async function alarmCleared(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  e: AlarmEvent,
): Promise<void> {
  if (!env.alarms.includes(e.alarmName)) return;
  // Events first: a recovery is noticed when it happens, not at the next periodic read.
  for (const rollbackId of await ctx.store.recoveryWatches(env.name)) {
    await ctx.timers.recoveryCheck({ env: env.name, rollbackId }, 0, `ev-${e.id}`);
  }
}
