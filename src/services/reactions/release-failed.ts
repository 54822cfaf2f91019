// A stage or deployment failed: a failing rollback is escalated (never rolled back again);
// otherwise the failure is an incident (incident.ts), rolled back automatically when the policy
// says so and AWS is not already rolling it back (domain/reactions/decide-failure.ts).
import { accountOf } from '../../aws/aws-clients.js';
import { type AwsRollback, pipelineAwsRollback } from '../../aws/release-facts.js';
import type { EnvironmentConfig } from '../../config/config.js';
import { decideFailure } from '../../domain/reactions/decide-failure.js';
import { escalateFailedRollback } from './after-rollback.js';
import type { ReactionContext } from './context.js';
import { type EventFacts, type Release, releaseFacts, rollbackEndedOf } from './event-release.js';
import { handleIncident } from './incident.js';
import { type Incident, loadIncident, seedIncident } from './incident-record.js';

export async function releaseFailed(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  r: Release,
  kind: 'stage-failed' | 'deployment-failed',
): Promise<void> {
  const existing = await loadIncident(ctx, {
    env: env.name,
    releaseId: r.releaseId,
    trigger: 'failure',
  });
  if (existing) return handleIncident(ctx, existing);
  // The incident's preview (the target, for the notification and the automatic rollback) reads
  // alongside the release's facts rather than after them: the same read scope shares what both
  // ask for, and the incident picks the preview up, in flight or read (src/aws/read-scope.ts).
  void ctx.service
    .preview(env.name, { ...(r.stage ? { stage: r.stage } : {}), diff: false, reads: ctx.aws })
    .catch(() => undefined);
  const f = await releaseFacts(ctx, env, r);
  // A failing rollback is escalated whatever AWS does about it: no need to ask.
  const aws = f.isRollback ? { rollingBack: false } : await awsRollbackOf(ctx, env, r, f);
  const decision = decideFailure({
    policy: env.autoRollback,
    failingIsRollback: f.isRollback,
    awsRollingBack: aws.rollingBack,
  });
  ctx.log.info({ env: env.name, releaseId: r.releaseId, decision }, 'failure decided');
  if (decision.kind === 'escalate') {
    return escalateFailedRollback(
      ctx,
      env,
      await rollbackEndedOf(ctx, env, r, f),
      `The rollback execution ${r.releaseId} failed (${f.how ?? 'rollback'}).`,
    );
  }
  const what =
    env.target.kind === 'stage' ? `${r.stage} stage failed in execution` : 'Deployment failed:';
  const incident: Incident = {
    kind,
    env: env.name,
    ...(r.stage ? { stage: r.stage } : {}),
    releaseId: r.releaseId,
    sourceRevisions: f.sourceRevisions,
    trigger: 'failure',
    autoRollback: decision.autoRollback,
    awsRollingBack: decision.awsRollingBack,
    ...(aws.rollbackId ? { awsRollbackId: aws.rollbackId } : {}),
    why: `${what} ${r.releaseId}.`,
  };
  await handleIncident(ctx, await seedIncident(ctx, incident));
}

/** Whether AWS rolls the failed release back on its own (CodeDeploy says so in the facts). */
async function awsRollbackOf(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  r: Release,
  f: EventFacts,
): Promise<AwsRollback> {
  if (f.awsRollback) return f.awsRollback;
  const t = env.target;
  return t.kind === 'stage' && r.stage
    ? pipelineAwsRollback(ctx.aws, accountOf(env), t.pipeline, r.stage, r.releaseId)
    : { rollingBack: false };
}
