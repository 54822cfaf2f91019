// A rollback asked for: the review ("what would the click do?") and the request itself. Both
// read the same preview and ask the same decision with the same facts, so the confirmation never
// promises what the click does not do. The request then queues, waits for approval, or is
// blocked, as decided.
import type { AwsClients } from '../aws/aws-clients.js';
import type { EnvironmentConfig } from '../config/config.js';
import { phraseParts, plainPhrase } from '../domain/phrase.js';
import type { SourceRevision } from '../domain/releases.js';
import {
  type Requester,
  type RequestSource,
  type RollbackRequest,
  type RollbackTarget,
  targetKey,
} from '../domain/rollback-request.js';
import { rollbackUnderWay } from '../domain/stage-releases.js';
import type { TargetRefusalCode } from '../domain/target-refusal.js';
import {
  type ActiveRollback,
  activeRollback,
  enqueue,
  move,
  type QueueOutcome,
} from './request-transitions.js';
import type { RollbackContext } from './rollback-context.js';
import { environmentOf } from './rollback-lookup.js';
import type { KnownExecutions, PolicyDecision } from './rollback-policy.js';
import {
  knownOf,
  type Preview,
  type PreviewContext,
  preview,
  previewForRequest,
} from './rollback-preview.js';

export interface RequestInput {
  env: string;
  stage?: string;
  to?: string;
  requestedBy: Requester;
  reason?: string;
  source: RequestSource;
  /**
   * A preview this service returned moments ago for the same env/stage/to, on which the caller
   * just decided to roll back (an automatic reaction): the request uses its reads instead of
   * reading AWS again. Anything else (another target, a preview that is not ours) is ignored.
   */
  preview?: Preview;
}

export type ReviewInput = Omit<RequestInput, 'preview'> & { reads?: AwsClients };

export interface Review {
  preview: Preview;
  /** What the click would do; absent when the preview refused. */
  decision?: PolicyDecision;
  /** A rollback of this target already under way: the click would point at it. */
  active?: ActiveRollback;
}

export type RequestOutcome =
  | QueueOutcome
  | { outcome: 'refused'; code: TargetRefusalCode; message: string };

type RequestContext = RollbackContext & PreviewContext;

export async function review(ctx: RequestContext, input: ReviewInput): Promise<Review> {
  const env = environmentOf(ctx.config, input.env);
  const p = await preview(ctx, input.env, {
    ...(input.stage ? { stage: input.stage } : {}),
    ...(input.to ? { to: input.to } : {}),
    ...(input.reads ? { reads: input.reads } : {}),
  });
  if (!p.ok) return { preview: p };
  const target = targetOf(p);
  const holder = await ctx.store.activeFor(targetKey(env.region, target));
  if (holder) return { preview: p, active: activeRollback(holder) };
  const t = ctx.now();
  const provisional: RollbackRequest = {
    id: 'review',
    env: env.name,
    region: env.region,
    state: 'requested',
    target,
    requestedBy: input.requestedBy,
    source: input.source,
    ...(input.reason ? { reason: input.reason } : {}),
    createdAt: t,
    updatedAt: t,
    retries: 0,
  };
  const known = knownOf(ctx, p);
  const decision = await ctx.decide({
    request: provisional,
    env,
    ...(known ? { known } : {}),
    dryRun: true,
  });
  return { preview: p, decision };
}

export async function request(ctx: RequestContext, input: RequestInput): Promise<RequestOutcome> {
  const env = environmentOf(ctx.config, input.env);
  const aim = {
    ...(input.stage ? { stage: input.stage } : {}),
    ...(input.to ? { to: input.to } : {}),
  };
  const { preview: p, known } = await previewForRequest(ctx, input.env, aim, input.preview);
  if (!p.ok) return { outcome: 'refused', code: p.code, message: p.message };
  const target = targetOf(p);
  // Fast answer for the common double click; the Lua lock below is what guarantees it.
  const holder = await ctx.store.activeFor(targetKey(env.region, target));
  if (holder) return { outcome: 'already-active', active: activeRollback(holder) };
  const created = await ctx.store.create(
    {
      env: env.name,
      region: env.region,
      target,
      requestedBy: input.requestedBy,
      source: input.source,
      ...(input.reason ? { reason: input.reason } : {}),
      ...commitsOf(p),
      ...listedBaseline(known, target),
    },
    ctx.now(),
  );
  ctx.emit(created, 'requested');
  return carryOut(ctx, created, env, known);
}

/** The decision on a new request, carried out: queued, waiting for approval, or blocked. */
async function carryOut(
  ctx: RollbackContext,
  created: RollbackRequest,
  env: EnvironmentConfig,
  known: KnownExecutions | undefined,
): Promise<RequestOutcome> {
  const decision = await ctx.decide({ request: created, env, ...(known ? { known } : {}) });
  // Only automatic requests wait out the environment's grace period; a person already chose.
  const graceMs = created.requestedBy.kind === 'auto' ? (env.autoRollbackGraceMs ?? 0) : 0;
  if (decision.kind === 'allow') return enqueue(ctx, created, 'policy', 'allow', graceMs);
  if (decision.kind === 'needs-approval') {
    const r = await move(
      ctx,
      created.id,
      { from: ['requested'], to: 'awaiting_approval', by: 'policy', event: 'awaiting_approval' },
      {
        decision: `needs-approval: ${decision.rule}`,
        lastError: plainPhrase(decision.detail),
      },
      { policyWords: [...phraseParts(decision.detail)] },
    );
    return { outcome: 'created', request: r, why: decision.detail };
  }
  const r = await move(
    ctx,
    created.id,
    { from: ['requested'], to: 'blocked', by: 'policy', event: 'blocked' },
    {
      decision: 'block',
      lastError: plainPhrase(decision.reason),
      endedAt: String(ctx.now()),
    },
    { policyWords: [...phraseParts(decision.reason)] },
  );
  return { outcome: 'created', request: r, why: decision.reason };
}

/**
 * The preview's listing, read moments ago, stands for the worker's own read before RollbackStage
 * when no rollback to the target is under way in it: its newest execution is the baseline. The
 * worker reads again when the job starts later than that allows (a grace period, an approval).
 */
function listedBaseline(
  known: KnownExecutions | undefined,
  target: RollbackTarget,
): { awsBaseline?: string; awsBaselineAt?: number } {
  const newest = known?.recent[0];
  if (!known || !newest || target.kind !== 'stage') return {};
  if (rollbackUnderWay(known.recent, target.targetExecutionId)) return {};
  return { awsBaseline: newest.executionId, awsBaselineAt: known.listedAt };
}

/** The commits rolled back from and to, kept on the record for the history (messages cut). */
function commitsOf(p: Extract<Preview, { ok: true }>): { commits?: RollbackRequest['commits'] } {
  if (p.kind !== 'stage') return {};
  const cut = (revs: readonly SourceRevision[]) =>
    revs
      .slice(0, 5)
      .map((r) => ({ ...r, ...(r.message ? { message: r.message.slice(0, 200) } : {}) }));
  return { commits: { from: cut(p.current.sourceRevisions), to: cut(p.target.sourceRevisions) } };
}

/**
 * The target a request made from this preview carries: everything the worker needs to act, and
 * the choice's facts the decision reads (a group member's too).
 */
export function targetOf(p: Extract<Preview, { ok: true }>): RollbackTarget {
  if (p.kind === 'stage') {
    return {
      kind: 'stage',
      pipeline: p.pipeline,
      stage: p.stage,
      currentExecutionId: p.deployed.executionId,
      currentReleaseId: p.current.executionId,
      targetExecutionId: p.target.executionId,
      lockAfterRollback: p.lockAfterRollback,
      olderThanPrevious: p.olderThanPrevious,
      ...(p.targetBad ? { targetBad: p.targetBad.map((b) => b.why) } : {}),
    };
  }
  return {
    kind: 'deployment-group',
    application: p.application,
    deploymentGroup: p.deploymentGroup,
    action: p.action,
    ...(p.current ? { currentDeploymentId: p.current.deploymentId } : {}),
    ...(p.target ? { targetDeploymentId: p.target.deploymentId } : {}),
    ...(p.target?.revision ? { revision: p.target.revision } : {}),
    ...(p.fileExists ? { fileExistsBehavior: p.fileExists.behavior } : {}),
    ...(p.olderThanPrevious !== undefined ? { olderThanPrevious: p.olderThanPrevious } : {}),
    ...(p.targetBad ? { targetBad: p.targetBad.map((b) => b.why) } : {}),
    ...(p.unsafeCrossed && p.unsafeCrossed.length > 0 ? { unsafeCrossed: p.unsafeCrossed } : {}),
  };
}
