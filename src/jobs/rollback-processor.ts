// The rollback job processor. `execute`: claim the request, reconcile with AWS, call AWS once,
// record the id. `follow`: delayed re-checks until AWS says it ended. Nothing here sleeps while
// holding a job lock: waiting is a delayed job, retrying is a RetryLater (processor.ts).
import { type Account, type AwsClients, accountOf } from '../aws/aws-clients.js';
import { AwsCallError } from '../aws/aws-errors.js';
import type { Config } from '../config/config.js';
import { ACTIVE_STATES } from '../domain/request-state.js';
import type { RollbackRequest } from '../domain/rollback-request.js';
import type { Logger } from '../log.js';
import { afterUrgent, urgently } from '../runtime/urgency.js';
import type { LockLiftStore } from '../store/lock-lift-store.js';
import type { ReconcileStore } from '../store/reconcile-store.js';
import type { ChangeOptions, RequestStore } from '../store/request-store.js';
import type { StageLockStore } from '../store/stage-lock-store.js';
import type { StandingStore } from '../store/standing-store.js';
import { lockStage, markRolledBack } from './after-rollback.js';
import { followThroughOwnLock, type OwnLockDeps, startThroughOwnLock } from './own-lock-lift.js';
import { GiveUp, type Processor, RetryLater } from './processor.js';
import type { FollowJobData, RollbackJobData } from './queues.js';
import { backoffDelay, type RetryPolicy } from './retry-policy.js';
import type { RollbackQueue } from './rollback-queue.js';
import {
  listedReconcile,
  type Progress,
  type Reconciled,
  targetActions,
} from './target-actions.js';

export interface ProcessorDeps {
  store: RequestStore;
  /** Where the post-rollback lock of a stage is recorded. */
  locks: StageLockStore;
  /** Where a release rolled back away from is recorded as bad. */
  standing?: StandingStore;
  /** The bot's own lock lifted for a rollback it holds (own-lock-lift.ts), and the reconcile leases. */
  lifts: LockLiftStore;
  passes: ReconcileStore;
  queue: RollbackQueue;
  aws: AwsClients;
  config: Config;
  retry: RetryPolicy;
  /** Delay between re-checks of a running rollback. */
  followDelayMs: number;
  /** Stop following (and fail the request) after this long. */
  followTimeoutMs: number;
  now: () => number;
  random: () => number;
  log: Logger;
}

const BY = 'worker';

export function createRollbackProcessor(deps: ProcessorDeps): Processor<RollbackJobData, string> {
  return (data, job) =>
    // Starting a rollback is urgent; following one waits for urgent work (src/runtime/urgency.ts).
    job.name === 'follow'
      ? afterUrgent().then(() => follow(deps, data as FollowJobData))
      : urgently(() => execute(deps, data));
}

function account(deps: ProcessorDeps, req: RollbackRequest): Account {
  const env = deps.config.environments[req.env];
  return accountOf({ region: req.region, roleArn: env?.roleArn });
}

const ownLock = (deps: ProcessorDeps): OwnLockDeps => ({
  ...deps,
  account: (r) => account(deps, r),
  note: (r, o) => note(deps, r, o),
});

async function note(
  deps: ProcessorDeps,
  req: RollbackRequest,
  opts: ChangeOptions,
): Promise<RollbackRequest> {
  const res = await deps.store.change(req.id, ['running'], undefined, deps.now(), opts);
  if (!res.ok) throw new GiveUp(`request ${req.id} is no longer running`);
  return res.request;
}

async function finish(
  deps: ProcessorDeps,
  req: RollbackRequest,
  succeeded: boolean,
  summary: string,
  extra: ChangeOptions['fields'] = {},
) {
  await deps.store.change(req.id, ['running'], succeeded ? 'succeeded' : 'failed', deps.now(), {
    by: BY,
    event: succeeded ? 'succeeded' : 'failed',
    fields: { summary, endedAt: deps.now(), ...extra },
    audit: { awsExecutionId: req.awsExecutionId, summary },
  });
}

/**
 * AWS error while starting: an outage or throttling is retried later (recorded, bounded); a
 * refusal fails the request at once, with what AWS said and what to do next.
 */
async function onAwsError(
  deps: ProcessorDeps,
  req: RollbackRequest,
  err: AwsCallError,
): Promise<never> {
  if (err.kind === 'unrecoverable' || req.retries >= deps.retry.maxRetries) {
    const what =
      err.kind === 'unrecoverable' ? err.what : `Gave up after ${req.retries} retries. ${err.what}`;
    const summary = err.said ? `${what} AWS said: ${err.said}` : what;
    await finish(deps, req, false, summary, {
      lastError: err.code,
      nextStep:
        err.nextStep ||
        'AWS stayed unavailable or kept throttling: check the AWS Health Dashboard, then request the rollback again.',
    });
    throw new GiveUp(summary);
  }
  const delay = backoffDelay(deps.retry, req.retries, deps.random());
  await note(deps, req, {
    by: BY,
    event: 'retry',
    countRetry: true,
    fields: { lastError: `${err.code}: ${err.message}` },
    audit: { error: err.code, retryInMs: delay, attempt: req.retries + 1 },
  });
  throw new RetryLater(delay, `AWS ${err.code}: retry ${req.retries + 1}`);
}

/** Takes a queued request (queued → running, with the baseline), or resumes a running one. */
async function claim(
  deps: ProcessorDeps,
  found: RollbackRequest,
  baseline: string | undefined,
): Promise<RollbackRequest | undefined> {
  if (found.state === 'running') {
    if (found.awsBaseline || !baseline) return found;
    return note(deps, found, { by: BY, event: 'baseline', fields: { awsBaseline: baseline } });
  }
  const res = await deps.store.change(found.id, ['queued'], 'running', deps.now(), {
    by: BY,
    event: 'running',
    fields: { startedAt: deps.now(), ...(baseline ? { awsBaseline: baseline } : {}) },
  });
  if (res.ok) return res.request;
  return res.reason === 'wrong-state' && res.state === 'running'
    ? deps.store.get(found.id)
    : undefined;
}

async function execute(deps: ProcessorDeps, data: RollbackJobData): Promise<string> {
  const found = await deps.store.get(data.requestId);
  if (!found || !ACTIVE_STATES.includes(found.state)) return 'not runnable';
  if (found.awsExecutionId || found.stoppedDeploymentId) {
    // Re-delivered: start a fresh follow chain (a unique check number; old ids may linger).
    await deps.queue.addFollow(found.id, Date.now(), deps.followDelayMs);
    return 'already started';
  }
  const actions = targetActions(deps.aws, account(deps, found), found);
  // Reconcile before claiming (a rollback already under way, and the baseline; a request decided
  // moments ago goes by its own listing), so the claim records the baseline in the same step.
  let seen: Reconciled;
  try {
    seen = listedReconcile(found, deps.now()) ?? (await actions.reconcile(found));
  } catch (err) {
    if (!(err instanceof AwsCallError)) throw err;
    const req = await claim(deps, found, undefined);
    if (!req) return 'not runnable';
    return onAwsError(deps, req, err);
  }
  const req = await claim(deps, found, seen.baseline);
  if (!req) return 'not runnable';
  try {
    if (seen.existing) {
      await note(deps, req, {
        by: BY,
        event: 'adopted',
        fields: { awsExecutionId: seen.existing, awsOrigin: 'adopted', awsAcceptedAt: deps.now() },
        audit: { awsExecutionId: seen.existing },
      });
      await deps.queue.addFollow(req.id, 0, deps.followDelayMs);
      return `adopted ${seen.existing}`;
    }
    const started = await actions.start(req).catch(async (err: unknown) => {
      // Refused while the bot's own lock holds the stage: lifted for this rollback, tried again.
      const through =
        err instanceof AwsCallError
          ? await startThroughOwnLock(ownLock(deps), req, err, () => actions.start(req))
          : undefined;
      if (!through) throw err;
      return through;
    });
    const awsId = started.awsExecutionId ?? started.stoppedDeploymentId;
    const accepted = await note(deps, req, {
      by: BY,
      event: 'aws-called',
      fields: { ...started, awsOrigin: 'called', awsAcceptedAt: deps.now(), lastError: null },
      audit: { ...started },
    });
    deps.log.info({ requestId: req.id, awsId }, 'rollback started in AWS');
    // Held at once by the bot's own lock: lifted now rather than at the first check.
    await followThroughOwnLock(ownLock(deps), accepted, false);
    await deps.queue.addFollow(req.id, 0, deps.followDelayMs);
    return `started ${awsId}`;
  } catch (err) {
    if (err instanceof AwsCallError) return onAwsError(deps, req, err);
    throw err;
  }
}

/**
 * What a check of a running rollback adds to the record, if anything: the id to follow from now
 * on (a stop's rollback deployment, deploying from then on), and how far AWS has got where its
 * read says. Only changes are noted: each note is an audit entry and a status update.
 */
function runningNote(
  req: RollbackRequest,
  progress: Extract<Progress, { done: false }>,
  now: number,
): ChangeOptions | undefined {
  const fields: ChangeOptions['fields'] = {};
  const named =
    progress.awsExecutionId !== undefined && progress.awsExecutionId !== req.awsExecutionId;
  if (named) {
    fields.awsExecutionId = progress.awsExecutionId;
    fields.deployingSince = now;
  }
  const p = progress.progress;
  const was = req.deployProgress;
  if (p && (p.done !== was?.done || p.failed !== was.failed || p.total !== was.total))
    fields.deployProgress = p;
  if (Object.keys(fields).length === 0) return undefined;
  const progressed = p ? `${p.done}/${p.total} ${p.unit}, ${p.failed} failed` : undefined;
  return {
    by: BY,
    event: named ? 'following' : 'progress',
    fields,
    audit: { awsExecutionId: progress.awsExecutionId ?? req.awsExecutionId, progress: progressed },
  };
}

async function follow(deps: ProcessorDeps, data: FollowJobData): Promise<string> {
  const req = await deps.store.get(data.requestId);
  if (req?.state !== 'running') return 'not running';
  const next = () => deps.queue.addFollow(req.id, data.check + 1, deps.followDelayMs);
  if (req.startedAt !== undefined && deps.now() - req.startedAt > deps.followTimeoutMs) {
    await finish(
      deps,
      req,
      false,
      `Stopped following after ${Math.round(deps.followTimeoutMs / 60_000)} min; check ${req.awsExecutionId ?? 'AWS'} by hand.`,
    );
    return 'timed out';
  }
  try {
    const progress = await targetActions(deps.aws, account(deps, req), req).check(req);
    // Held at the bot's own lock: lifted for it; in the stage (or ended): the lock put back.
    await followThroughOwnLock(ownLock(deps), req, progress.done);
    if (!progress.done) {
      const seen = runningNote(req, progress, deps.now());
      if (seen) await note(deps, req, seen);
      await next();
      return 'in progress';
    }
    const after = {
      ...deps,
      account: (r: RollbackRequest) => account(deps, r),
      note: (r: RollbackRequest, o: ChangeOptions) => note(deps, r, o),
    };
    const extra = progress.succeeded ? await lockStage(after, req) : {};
    if (progress.succeeded) await markRolledBack(after, req);
    await finish(deps, req, progress.succeeded, progress.summary, extra);
    return progress.summary;
  } catch (err) {
    if (!(err instanceof AwsCallError)) throw err;
    if (err.kind === 'unrecoverable') {
      await finish(
        deps,
        req,
        false,
        `Lost track of the rollback: ${err.what} AWS said: ${err.said}`,
        {
          lastError: err.code,
          nextStep: err.nextStep,
        },
      );
      throw new GiveUp(err.message);
    }
    // Throttled or unavailable while only looking: look again later, and say so on the record.
    await note(deps, req, {
      by: BY,
      event: 'retry',
      countRetry: true,
      fields: { lastError: `${err.code}: ${err.message}` },
      audit: { error: err.code },
    });
    await next();
    return 'retry later';
  }
}
