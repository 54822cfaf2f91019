// The release a stage or deployment event is about, and its facts from AWS (through the event's
// read scope): its revisions, whether it is a rollback, and for a rollback, what it ended.
import { accountOf } from '../../aws/aws-clients.js';
import {
  type AwsRollback,
  deploymentFacts,
  pipelineReleaseFacts,
  type ReleaseFacts,
} from '../../aws/release-facts.js';
import type { EnvironmentConfig } from '../../config/config.js';
import type { DeploymentEvent, StageEvent } from '../../events/domain-event.js';
import { type RollbackEnded, requestForRollback } from './after-rollback.js';
import type { ReactionContext } from './context.js';

export interface Release {
  releaseId: string;
  stage?: string;
  /** AWS time of the event (ms). */
  at: number;
}

export interface EventFacts extends ReleaseFacts {
  /** For a rollback: the release it rolls back, when AWS says. */
  triggeringId?: string;
  /** CodeDeploy says in the deployment whether AWS rolls it back; CodePipeline is asked apart. */
  awsRollback?: AwsRollback;
}

export function releaseOf(e: StageEvent | DeploymentEvent): Release {
  return 'deploymentId' in e
    ? { releaseId: e.deploymentId, at: Date.parse(e.time) }
    : { releaseId: e.executionId, stage: e.stage, at: Date.parse(e.time) };
}

export async function releaseFacts(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  r: Release,
): Promise<EventFacts> {
  const t = env.target;
  if (t.kind === 'stage') {
    const f = await pipelineReleaseFacts(ctx.aws, accountOf(env), t.pipeline, r.releaseId);
    return { ...f, triggeringId: f.how === 'AutomatedRollback' ? f.triggerDetail : undefined };
  }
  return deploymentFacts(ctx.aws, accountOf(env), r.releaseId);
}

/** What a rollback release ended: ours (the request behind it) or AWS's (what it says). */
export async function rollbackEndedOf(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  r: Release,
  f: EventFacts,
): Promise<RollbackEnded> {
  const ours = await requestForRollback(ctx, env.name, r.releaseId);
  const requestId = ours?.requestId ?? f.requestId;
  const bad = ours?.badReleaseId ?? f.triggeringId;
  return {
    rollbackId: r.releaseId,
    ...(r.stage ? { stage: r.stage } : {}),
    ...(bad ? { badReleaseId: bad } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
