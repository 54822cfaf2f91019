// The rollback job processor. `execute`: claim the request, reconcile with AWS, call AWS once,
// record the id. `follow`: delayed re-checks until AWS says it ended. Nothing here sleeps while
// holding a job lock: waiting is a delayed job, retrying is moveToDelayed.
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { type Account, type AwsClients, accountOf } from '../aws/aws-clients.js';
import { AwsCallError } from '../aws/aws-errors.js';
import { createCodePipelineAdapter } from '../aws/codepipeline-adapter.js';
import type { Config } from '../config/config.js';
import {
  isForeignDisable,
  type PostRollbackLock,
  reasonWithLock,
} from '../domain/guardrails/index.js';
import { type RollbackRequest, releaseRolledBack, targetKey } from '../domain/rollback-request.js';
import type { Logger } from '../log.js';
import { afterUrgent, urgently } from '../runtime/urgency.js';
import type { ChangeOptions, RequestStore } from '../store/request-store.js';
import type { StageLockStore } from '../store/stage-lock-store.js';
import type { StandingStore } from '../store/standing-store.js';
import { backoffDelay, type RetryPolicy } from './retry-policy.js';
import type {
  FollowJobData,
  RollbackJobData,
  RollbackJobName,
  RollbackQueue,
} from './rollback-queue.js';
import { type Reconciled, targetActions } from './target-actions.js';

export interface ProcessorDeps {
  store: RequestStore;
  /** Where the post-rollback lock of a stage is recorded. */
  locks: StageLockStore;
  /** Where a release rolled back away from is recorded as bad. */
  standing?: StandingStore;
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
  logger?: Logger;
}

const BY = 'worker';

export function createRollbackProcessor(deps: ProcessorDeps) {
  const { store, now } = deps;

  function account(req: RollbackRequest): Account {
    const env = deps.config.environments[req.env];
    return accountOf({ region: req.region, roleArn: env?.roleArn });
  }

  async function note(req: RollbackRequest, opts: ChangeOptions): Promise<RollbackRequest> {
    const res = await store.change(req.id, ['running'], undefined, now(), opts);
    if (!res.ok) throw new UnrecoverableError(`request ${req.id} is no longer running`);
    return res.request;
  }

  async function finish(
    req: RollbackRequest,
    succeeded: boolean,
    summary: string,
    extra: ChangeOptions['fields'] = {},
  ) {
    await store.change(req.id, ['running'], succeeded ? 'succeeded' : 'failed', now(), {
      by: BY,
      event: succeeded ? 'succeeded' : 'failed',
      fields: { summary, endedAt: now(), ...extra },
      audit: { awsExecutionId: req.awsExecutionId, summary },
    });
  }

  /**
   * AWS error while starting: an outage or throttling is retried later (recorded, bounded); a
   * refusal fails the request at once, with what AWS said and what to do next.
   */
  async function onAwsError(
    req: RollbackRequest,
    err: AwsCallError,
    job: Job,
    token: string | undefined,
  ): Promise<never> {
    if (err.kind === 'unrecoverable' || req.retries >= deps.retry.maxRetries) {
      const what =
        err.kind === 'unrecoverable'
          ? err.what
          : `Gave up after ${req.retries} retries. ${err.what}`;
      const summary = err.said ? `${what} AWS said: ${err.said}` : what;
      await finish(req, false, summary, {
        lastError: err.code,
        nextStep:
          err.nextStep ||
          'AWS stayed unavailable or kept throttling: check the AWS Health Dashboard, then request the rollback again.',
      });
      throw new UnrecoverableError(summary);
    }
    const delay = backoffDelay(deps.retry, req.retries, deps.random());
    await note(req, {
      by: BY,
      event: 'retry',
      countRetry: true,
      fields: { lastError: `${err.code}: ${err.message}` },
      audit: { error: err.code, retryInMs: delay, attempt: req.retries + 1 },
    });
    await job.moveToDelayed(Date.now() + delay, token);
    throw new DelayedError();
  }

  /**
   * Takes a queued request (queued → running, with the baseline just read), or resumes one that
   * is running already (re-delivered after a crash or a lost lock).
   */
  async function claim(
    found: RollbackRequest,
    baseline: string | undefined,
  ): Promise<RollbackRequest | undefined> {
    if (found.state === 'running') {
      if (found.awsBaseline || !baseline) return found;
      return note(found, { by: BY, event: 'baseline', fields: { awsBaseline: baseline } });
    }
    const res = await store.change(found.id, ['queued'], 'running', now(), {
      by: BY,
      event: 'running',
      fields: { startedAt: now(), ...(baseline ? { awsBaseline: baseline } : {}) },
    });
    if (res.ok) return res.request;
    return res.reason === 'wrong-state' && res.state === 'running'
      ? store.get(found.id)
      : undefined;
  }

  async function execute(job: Job<RollbackJobData>, token: string | undefined): Promise<string> {
    const found = await store.get(job.data.requestId);
    if (found?.state !== 'queued' && found?.state !== 'running') return 'not runnable';
    if (found.awsExecutionId || found.stoppedDeploymentId) {
      // Re-delivered: start a fresh follow chain (a unique check number; old ids may linger).
      await deps.queue.addFollow(found.id, Date.now(), deps.followDelayMs);
      return 'already started';
    }
    const actions = targetActions(deps.aws, account(found), found);
    // Reconcile before claiming: one read (a rollback already under way, and the baseline), so
    // the claim records the baseline in the same step. Reading is harmless if the claim loses.
    let seen: Reconciled;
    try {
      seen = await actions.reconcile(found);
    } catch (err) {
      if (!(err instanceof AwsCallError)) throw err;
      const req = await claim(found, undefined);
      if (!req) return 'not runnable';
      return onAwsError(req, err, job, token);
    }
    const req = await claim(found, seen.baseline);
    if (!req) return 'not runnable';
    try {
      if (seen.existing) {
        await note(req, {
          by: BY,
          event: 'adopted',
          fields: { awsExecutionId: seen.existing, awsOrigin: 'adopted' },
          audit: { awsExecutionId: seen.existing },
        });
        await deps.queue.addFollow(req.id, 0, deps.followDelayMs);
        return `adopted ${seen.existing}`;
      }
      const started = await actions.start(req);
      const awsId = started.awsExecutionId ?? started.stoppedDeploymentId;
      await note(req, {
        by: BY,
        event: 'aws-called',
        fields: { ...started, awsOrigin: 'called', lastError: null },
        audit: { ...started },
      });
      deps.logger?.info({ requestId: req.id, awsId }, 'rollback started in AWS');
      await deps.queue.addFollow(req.id, 0, deps.followDelayMs);
      return `started ${awsId}`;
    } catch (err) {
      if (err instanceof AwsCallError) return onAwsError(req, err, job, token);
      throw err;
    }
  }

  /**
   * After a successful rollback, the stage is locked so the bad release does not roll forward
   * again: recorded in Redis first (the guardrails' pass enforces it from there, and AWS keeps
   * it in the reason, so neither alone loses it), then disabled with a reason that adds the lock
   * to whatever the bot's own reason holds. Someone else's disable is left as it is: the lock
   * holds behind it and is applied once they lift theirs.
   */
  async function lockStage(req: RollbackRequest): Promise<ChangeOptions['fields']> {
    const t = req.target;
    if (t.kind !== 'stage' || !t.lockAfterRollback) return {};
    const lock: PostRollbackLock = {
      requestId: req.id,
      by: req.requestedBy.kind === 'user' ? req.requestedBy.id : 'automatic rollback',
    };
    const place = { region: req.region, pipeline: t.pipeline, stage: t.stage };
    let recorded = false;
    try {
      await deps.locks.lock(place, lock, now(), req.requestedBy);
      recorded = true;
      const cp = createCodePipelineAdapter(deps.aws, account(req));
      const st = await cp.getStageState(t.pipeline, t.stage);
      const actual = {
        enabled: st.inboundEnabled,
        ...(st.disabledReason ? { disabledReason: st.disabledReason } : {}),
      };
      if (isForeignDisable(actual)) {
        await note(req, {
          by: BY,
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
      await note(req, {
        by: BY,
        event: 'locked',
        audit: { pipeline: t.pipeline, stage: t.stage, reason },
      });
      return { lockedTransition: true };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      await note(req, {
        by: BY,
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
  async function markRolledBack(req: RollbackRequest): Promise<void> {
    const released = releaseRolledBack(req.target);
    if (!deps.standing || !released) return;
    const how = req.requestedBy.kind === 'user' ? '' : `, automatically: ${req.requestedBy.reason}`;
    try {
      await deps.standing.markBad(targetKey(req.region, req.target), released, 'rolled-back', {
        why: `rolled back (request ${req.id}${how})`,
        ...(req.awsExecutionId ? { key: `rollback:${req.awsExecutionId}` } : {}),
        at: now(),
        by: req.requestedBy.kind === 'user' ? `user:${req.requestedBy.id}` : 'rollback-bot',
      });
    } catch (err) {
      // AWS history still shows the rollback (domain/stage-releases.ts derives it again).
      deps.logger?.warn({ err, requestId: req.id }, 'could not record the release as bad');
    }
  }

  async function follow(job: Job<RollbackJobData>): Promise<string> {
    const data = job.data as FollowJobData;
    const req = await store.get(data.requestId);
    if (req?.state !== 'running') return 'not running';
    const next = () => deps.queue.addFollow(req.id, data.check + 1, deps.followDelayMs);
    if (req.startedAt !== undefined && now() - req.startedAt > deps.followTimeoutMs) {
      await finish(
        req,
        false,
        `Stopped following after ${Math.round(deps.followTimeoutMs / 60_000)} min; check ${req.awsExecutionId ?? 'AWS'} by hand.`,
      );
      return 'timed out';
    }
    try {
      const progress = await targetActions(deps.aws, account(req), req).check(req);
      if (!progress.done) {
        if (progress.awsExecutionId && progress.awsExecutionId !== req.awsExecutionId) {
          await note(req, {
            by: BY,
            event: 'following',
            fields: { awsExecutionId: progress.awsExecutionId },
            audit: { awsExecutionId: progress.awsExecutionId },
          });
        }
        await next();
        return 'in progress';
      }
      const extra = progress.succeeded ? await lockStage(req) : {};
      if (progress.succeeded) await markRolledBack(req);
      await finish(req, progress.succeeded, progress.summary, extra);
      return progress.summary;
    } catch (err) {
      if (!(err instanceof AwsCallError)) throw err;
      if (err.kind === 'unrecoverable') {
        await finish(req, false, `Lost track of the rollback: ${err.what} AWS said: ${err.said}`, {
          lastError: err.code,
          nextStep: err.nextStep,
        });
        throw new UnrecoverableError(err.message);
      }
      // Throttled or unavailable while only looking: look again later, and say so on the record.
      await note(req, {
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

  return async function process(
    job: Job<RollbackJobData, unknown, RollbackJobName>,
    token?: string,
  ) {
    // Starting a rollback is urgent; following one waits for urgent work (src/runtime/urgency.ts).
    if (job.name === 'follow') return afterUrgent().then(() => follow(job));
    return urgently(() => execute(job, token));
  };
}
