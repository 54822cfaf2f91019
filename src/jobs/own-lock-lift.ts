// A rollback the policy allowed meets a lock the bot itself holds on its stage (its own
// `rollback-bot …` disabled reason: a freeze, a blocking alarm, a post-rollback lock…). AWS does
// not document whether a disabled inbound transition holds a RollbackStage execution, so the
// bot is right either way: when RollbackStage is refused while its own lock holds, or the
// rollback execution waits at that transition instead of entering the stage, the bot lifts its
// own lock for it, and puts it back as soon as the rollback is in the stage. Each step is audited
// on the request (`lock-lifted`, `lock-restored`).
//
// Never for someone else's disable, and never while another execution waits at the transition:
// enabling it would let that release in too. While the lift lasts (a short TTL, in
// store/lock-lift-store.ts) the deploy-block reconciler leaves the transition enabled; the lift
// is taken and the transition enabled under the environment's reconcile lease, so no pass acts
// in between. If the job never comes back, the lift lapses and the next pass disables again.
import type { Account, AwsClients } from '../aws/aws-clients.js';
import type { AwsCallError } from '../aws/aws-errors.js';
import { createCodePipelineAdapter, type StageState } from '../aws/codepipeline-adapter.js';
import type { RollbackRequest } from '../domain/rollback-request.js';
import { isForeignDisable } from '../domain/stage-locks/index.js';
import type { Logger } from '../log.js';
import type { LockLiftStore } from '../store/lock-lift-store.js';
import type { ReconcileStore } from '../store/reconcile-store.js';
import type { ChangeOptions } from '../store/request-store.js';
import type { StagePlace } from '../store/stage-lock-store.js';
import { RetryLater } from './processor.js';

/** How long a lift may last if the job does not end it (the reconciler disables again after). */
export const LIFT_TTL_MS = 120_000;
/** The environment's reconcile lease while a lift is taken and the transition enabled. */
const LEASE_MS = 30_000;

/** Refusals that name another cause than the transition: no lift would change them. */
const NOT_THE_LOCK = new Set([
  'PipelineNotFoundException',
  'StageNotFoundException',
  'PipelineExecutionNotFoundException',
  'PipelineExecutionOutdatedException',
  'AccessDeniedException',
  'AccessDenied',
]);

export interface OwnLockDeps {
  aws: AwsClients;
  lifts: LockLiftStore;
  /** The reconcile leases (`lockEnv`), shared with the deploy-block reconciler. */
  passes: ReconcileStore;
  account(req: RollbackRequest): Account;
  /** Records a step on the running request (its audit). */
  note(req: RollbackRequest, opts: ChangeOptions): Promise<RollbackRequest>;
  log: Logger;
}

type StageTarget = Extract<RollbackRequest['target'], { kind: 'stage' }>;
type Started = { awsExecutionId?: string; stoppedDeploymentId?: string };

/**
 * The bot's own reason when it alone holds the stage's inbound transition and nothing but
 * `rollbackId` waits behind it; else why the bot may not lift it.
 */
export function ownLockHolding(
  st: StageState,
  rollbackId?: string,
): { reason: string } | { not: string } {
  if (st.inboundEnabled) return { not: 'the inbound transition is enabled' };
  const actual = {
    enabled: false,
    ...(st.disabledReason ? { disabledReason: st.disabledReason } : {}),
    ...(st.lastChangedBy ? { lastChangedBy: st.lastChangedBy } : {}),
  };
  if (isForeignDisable(actual) || !st.disabledReason) {
    return { not: 'someone else disabled the inbound transition; the bot never lifts that' };
  }
  const others = (st.inbound ?? []).filter((e) => e.executionId !== rollbackId);
  if (others.length > 0) {
    return {
      not: `execution ${others[others.length - 1]!.executionId} waits at the inbound transition too; lifting the lock would let it in`,
    };
  }
  return { reason: st.disabledReason };
}

const placeOf = (req: RollbackRequest, t: StageTarget): StagePlace => ({
  region: req.region,
  pipeline: t.pipeline,
  stage: t.stage,
});

/** How long the job waits for a reconcile pass to let go of the lease (a pass takes well under). */
const LEASE_WAIT_MS = 5_000;

/**
 * Runs `work` holding the environment's reconcile lease. A pass holding it lets go within a
 * moment, so the job waits for it (briefly), rather than calling RollbackStage again later into
 * the same lock; past the wait, the job comes back later.
 */
async function underLease<T>(deps: OwnLockDeps, env: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LEASE_WAIT_MS;
  let release = await deps.passes.lockEnv(env, LEASE_MS);
  while (!release && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    release = await deps.passes.lockEnv(env, LEASE_MS);
  }
  if (!release) throw new RetryLater(1_000, `a reconcile pass holds ${env}`);
  try {
    return await work();
  } finally {
    await release();
  }
}

/** Lifts the bot's own lock for `req`: the lift recorded (so no pass undoes it), then enabled. */
async function lift(
  deps: OwnLockDeps,
  req: RollbackRequest,
  t: StageTarget,
  reason: string,
  why: string,
): Promise<boolean> {
  if (!(await deps.lifts.begin(placeOf(req, t), { requestId: req.id, reason }, LIFT_TTL_MS))) {
    return false; // another request's lift holds this stage
  }
  await deps.note(req, {
    by: 'worker',
    event: 'lock-lifted',
    audit: { pipeline: t.pipeline, stage: t.stage, reason, why },
  });
  await createCodePipelineAdapter(deps.aws, deps.account(req)).enableInbound(t.pipeline, t.stage);
  return true;
}

/** Puts the lock back with its reason, unless someone (a pass, a person) disabled it already. */
async function restore(
  deps: OwnLockDeps,
  req: RollbackRequest,
  t: StageTarget,
  reason: string,
  why: string,
): Promise<void> {
  const cp = createCodePipelineAdapter(deps.aws, deps.account(req));
  const st = await cp.getStageState(t.pipeline, t.stage);
  if (st.inboundEnabled) await cp.disableInbound(t.pipeline, t.stage, reason);
  await deps.lifts.end(placeOf(req, t), req.id);
  await deps.note(req, {
    by: 'worker',
    event: 'lock-restored',
    audit: {
      pipeline: t.pipeline,
      stage: t.stage,
      reason: st.inboundEnabled ? reason : (st.disabledReason ?? ''),
      why: st.inboundEnabled ? why : `${why}; it was disabled again already`,
    },
  });
}

/**
 * RollbackStage was refused: when the bot's own lock held the stage, lift it, call once more,
 * and put it back (now if the rollback is in the stage, else from the follow). Answers the
 * retried call's result, or undefined when the refusal is not the lock's (the caller fails it).
 */
export async function startThroughOwnLock(
  deps: OwnLockDeps,
  req: RollbackRequest,
  refusal: AwsCallError,
  start: () => Promise<Started>,
): Promise<Started | undefined> {
  const t = req.target;
  if (t.kind !== 'stage' || refusal.kind !== 'unrecoverable' || NOT_THE_LOCK.has(refusal.awsName))
    return undefined;
  const cp = createCodePipelineAdapter(deps.aws, deps.account(req));
  let retried: Promise<Started> | undefined;
  try {
    if ('not' in ownLockHolding(await cp.getStageState(t.pipeline, t.stage))) return undefined;
    return await underLease(deps, req.env, async () => {
      // Read again under the lease: a pass may have changed the reason meanwhile.
      const holding = ownLockHolding(await cp.getStageState(t.pipeline, t.stage));
      if ('not' in holding) return undefined;
      const why = `RollbackStage was refused (${refusal.awsName}) while the bot's own lock held the stage`;
      if (!(await lift(deps, req, t, holding.reason, why))) return undefined;
      retried = start();
      const started = await retried.catch(async (err: unknown) => {
        await restore(
          deps,
          req,
          t,
          holding.reason,
          'RollbackStage was refused with the lock lifted too',
        );
        throw err;
      });
      const st = await cp.getStageState(t.pipeline, t.stage);
      if (st.latestExecutionId === started.awsExecutionId) {
        await restore(deps, req, t, holding.reason, 'the rollback is in the stage');
      }
      return started;
    });
  } catch (err) {
    // The retried call's own answer (or a wait for the lease) is the caller's; a failure of the
    // lift itself leaves the first refusal standing (a lift taken lapses, and the pass re-disables).
    if (retried || err instanceof RetryLater) throw err;
    deps.log.warn(
      { requestId: req.id, err: { message: (err as Error).message } },
      "rollback: could not lift the bot's own lock for a refused RollbackStage",
    );
    return undefined;
  }
}

/** Said once per request and process: why a held rollback is not let through. */
const heldNoted = new Set<string>();
/** Rollbacks seen in their stage (this process): nothing holds them any more, nothing to read. */
const inStage = new Set<string>();

function remember(set: Set<string>, key: string): void {
  if (set.size > 1_000) set.clear();
  set.add(key);
}

/**
 * A running stage rollback, at each follow: when the bot's own lock holds it at the inbound
 * transition, lift the lock for it; once it is in the stage (or has ended), put back the lock
 * lifted for it.
 */
export async function followThroughOwnLock(
  deps: OwnLockDeps,
  req: RollbackRequest,
  ended: boolean,
): Promise<void> {
  try {
    await follow(deps, req, ended);
  } catch (err) {
    // Following the rollback goes on: this is looked at again at the next check.
    if (err instanceof RetryLater) throw err;
    deps.log.warn(
      { requestId: req.id, err: { message: (err as Error).message } },
      "rollback: could not lift or put back the bot's own lock; trying again at the next check",
    );
  }
}

async function follow(deps: OwnLockDeps, req: RollbackRequest, ended: boolean): Promise<void> {
  const t = req.target;
  if (t.kind !== 'stage' || !req.awsExecutionId) return;
  const lifted = await deps.lifts.get(placeOf(req, t));
  const ours = lifted?.requestId === req.id ? lifted : undefined;
  if (!ours && (ended || inStage.has(req.awsExecutionId))) return;
  const cp = createCodePipelineAdapter(deps.aws, deps.account(req));
  const st = await cp.getStageState(t.pipeline, t.stage);
  const entered = st.latestExecutionId === req.awsExecutionId;
  if (entered) remember(inStage, req.awsExecutionId);
  const waiting = (st.inbound ?? []).some((e) => e.executionId === req.awsExecutionId);
  if (ours) {
    if (ended || entered || !waiting) {
      await restore(
        deps,
        req,
        t,
        ours.reason,
        ended ? 'the rollback ended' : 'the rollback is in the stage',
      );
    }
    return; // lifted, not in yet: AWS lets it in shortly
  }
  if (!waiting || entered) return;
  const holding = ownLockHolding(st, req.awsExecutionId);
  if ('not' in holding) {
    const key = `${req.id}|${holding.not}`;
    if (!heldNoted.has(key)) {
      remember(heldNoted, key);
      deps.log.warn(
        { requestId: req.id, pipeline: t.pipeline, stage: t.stage, why: holding.not },
        'rollback: the execution waits at a disabled inbound transition the bot may not lift',
      );
    }
    return;
  }
  await underLease(deps, req.env, async () => {
    const again = ownLockHolding(await cp.getStageState(t.pipeline, t.stage), req.awsExecutionId);
    if ('not' in again) return;
    const why =
      "the rollback execution waits at the inbound transition the bot's own lock keeps disabled";
    if (!(await lift(deps, req, t, again.reason, why))) return;
    const after = await cp.getStageState(t.pipeline, t.stage);
    if (after.latestExecutionId === req.awsExecutionId) {
      await restore(deps, req, t, again.reason, 'the rollback is in the stage');
    }
  });
}
