// A release's standing where an environment deploys it: bad because the bot saw it fail or trip
// an alarm, or because a person says so; good again when a person says so. Standings are kept
// by store/standing-store.ts and read by every preview and listing.
import { accountOf } from '../aws/aws-clients.js';
import { createCodeDeployAdapter } from '../aws/codedeploy-adapter.js';
import { createCodePipelineAdapter } from '../aws/codepipeline-adapter.js';
import type { EnvironmentConfig } from '../config/config.js';
import { findDeploymentRelease } from '../domain/choose-deployment-target.js';
import { findStageRelease } from '../domain/choose-rollback-target.js';
import { type FoundRelease, markedBadByPerson } from '../domain/releases.js';
import { describeTarget } from '../domain/rollback-request.js';
import { loadDeploymentGroupSnapshot, loadStageSnapshot } from './load-snapshots.js';
import type { RollbackContext } from './rollback-context.js';
import { environmentOf, placeOf, stageOf } from './rollback-lookup.js';

export interface BadRecord {
  env: string;
  stage?: string;
  releaseId: string;
  kind: 'failed' | 'alarm' | 'rolled-back';
  why: string;
  by: string;
}

export interface MarkInput {
  env: string;
  stage?: string;
  /** Named as the bot shows it: a commit prefix or (a prefix of) an execution or deployment id. */
  release: string;
  standing: 'bad' | 'good';
  by: string;
  why?: string;
}

/** The release marked, and where (`pipeline / stage` or `application / group`); or why none was. */
export type MarkOutcome =
  | (Extract<FoundRelease, { ok: true }> & { where: string })
  | Extract<FoundRelease, { ok: false }>;

/** A failure or an alarm the bot saw: marking the same kind again replaces it. */
export async function recordBad(ctx: RollbackContext, input: BadRecord): Promise<void> {
  const env = environmentOf(ctx.config, input.env);
  await ctx.standing.markBad(placeOf(env, input.stage), input.releaseId, input.kind, {
    why: input.why,
    at: ctx.now(),
    by: input.by,
  });
}

export async function mark(ctx: RollbackContext, input: MarkInput): Promise<MarkOutcome> {
  const env = environmentOf(ctx.config, input.env);
  const place = placeOf(env, input.stage);
  const found = await findRelease(ctx, env, input.stage, input.release);
  if (!found.ok) return found;
  const at = ctx.now();
  if (input.standing === 'bad') {
    const { kind, reason } = markedBadByPerson(input.by, at, input.why);
    await ctx.standing.markBad(place, found.releaseId, kind, reason);
  } else {
    await ctx.standing.markGood(place, found.releaseId, input.by, at);
  }
  await ctx.store.appendAudit(
    {
      env: env.name,
      by: input.by,
      event: input.standing === 'bad' ? 'marked-bad' : 'marked-good',
      release: found.releaseId,
      place,
      ...(input.why ? { reason: input.why } : {}),
    },
    at,
  );
  return found;
}

/** A release named as the bot shows it, among the recent ones of the stage or group. */
async function findRelease(
  ctx: RollbackContext,
  env: EnvironmentConfig,
  stage: string | undefined,
  name: string,
): Promise<MarkOutcome> {
  const t = env.target;
  if (t.kind !== 'stage') {
    const cd = createCodeDeployAdapter(ctx.aws, accountOf(env));
    const snap = await loadDeploymentGroupSnapshot(
      cd,
      t.application,
      t.deploymentGroup,
      ctx.lookback,
    );
    const found = findDeploymentRelease(snap, name);
    return found.ok ? { ...found, where: describeTarget(t) } : found;
  }
  const s = stageOf(env, stage);
  const cp = createCodePipelineAdapter(ctx.aws, accountOf(env));
  const { snapshot } = await loadStageSnapshot(cp, t.pipeline, s, { limit: ctx.lookback });
  const found = findStageRelease(snapshot, name);
  return found.ok ? { ...found, where: describeTarget({ pipeline: t.pipeline, stage: s }) } : found;
}
