// The reactions as job processors: one for the `events` queue (one job per domain event) and one
// for the `reaction-timers` queue (bake window ends, recovery checks, following automatic
// rollbacks, health probes). src/jobs runs them (startWorker). A Slack 429 or a busy occurrence
// asks for the job again later (RetryLater, not an attempt); anything else fails the attempt and
// is retried with the queue's backoff. Every reaction is idempotent (see store/reaction-store.ts).
import { scopeReads } from '../../aws/read-scope.js';
import { isTerminal } from '../../domain/request-state.js';
import { failureExplanation, type RollbackRequest } from '../../domain/rollback-request.js';
import type { DomainEvent } from '../../events/domain-event.js';
import { type JobInfo, type Processor, RetryLater } from '../../jobs/processor.js';
import type {
  BakeEndJob,
  FollowRequestJob,
  HealthProbeJob,
  RecoveryCheckJob,
  TimerJobData,
} from '../../jobs/queues.js';
import { afterUrgent, urgently } from '../../runtime/urgency.js';
import { createReactionStore } from '../../store/reaction-store.js';
import type { RedisConnection } from '../../store/redis.js';
import { checkRecovery, escalateFailedRollback, rollbackSucceeded } from './after-rollback.js';
import { bakeEnded } from './bake-watch.js';
import { type HealthProbeTimings, ReactionBusy, type ReactionContext } from './context.js';
import { settleNotification } from './failure-notification.js';
import { checkHealth, DEFAULT_HEALTH_PROBE } from './health-probe.js';
import { reactToEvent } from './react-to-event.js';

export interface ReactionProcessorsDeps
  extends Pick<
    ReactionContext,
    'config' | 'service' | 'aws' | 'slack' | 'offers' | 'statusMessages' | 'timers' | 'log'
  > {
  /** Request-path connection for the reactions' state (fails fast while Redis is down). */
  connection: RedisConnection;
  /** Key prefix, e.g. `{rollback}`. */
  prefix: string;
  statusScheduler: { schedule(request: Pick<RollbackRequest, 'id' | 'state'>): Promise<void> };
  /** The clock every reaction reads (the composition's). */
  now: () => number;
  /** Wall-clock delay of the bake window's end check. Default: each environment's `bake`. */
  bakeCheckDelayMs?: number;
  /** How often an automatic rollback's request is looked at. Default 5000 ms. */
  followEveryMs?: number;
  /** Alarm reads after a rollback. Default 30 000 ms. */
  recoveryEveryMs?: number;
  /** Escalate when alarms are not OK this long after a rollback. Default 15 min. */
  recoveryLimitMs?: number;
  /** Health URL probe: default 10 attempts, 5 s apart, 5 s each. */
  healthProbe?: Partial<HealthProbeTimings>;
  /** Told of every event before the reactions (e.g. the guardrails' blocking-alarm reconcile). */
  onEvent?: (event: DomainEvent) => Promise<void>;
}

export interface ReactionProcessors {
  /** The `events` queue's processor. */
  event: Processor<DomainEvent, void>;
  /** The `reaction-timers` queue's processor; the job's name says which timer it is. */
  timer: Processor<TimerJobData, void>;
}

/** Events whose reaction may start a rollback: run as urgent work (src/runtime/urgency.ts). */
const MAY_ROLL_BACK = new Set<string>(['StageFailed', 'DeploymentFailed', 'AlarmRaised']);

/** How long a busy occurrence (another delivery holds its lock) waits before looking again. */
const BUSY_RETRY_MS = 250;

export function createReactionProcessors(deps: ReactionProcessorsDeps): ReactionProcessors {
  const ctx: ReactionContext = {
    config: deps.config,
    service: deps.service,
    aws: deps.aws,
    slack: deps.slack,
    offers: deps.offers,
    statusMessages: deps.statusMessages,
    scheduleStatus: (r) => deps.statusScheduler.schedule(r),
    store: createReactionStore(deps.connection, deps.prefix),
    timers: deps.timers,
    timings: {
      ...(deps.bakeCheckDelayMs !== undefined ? { bakeCheckDelayMs: deps.bakeCheckDelayMs } : {}),
      followEveryMs: deps.followEveryMs ?? 5_000,
      recoveryEveryMs: deps.recoveryEveryMs ?? 30_000,
      recoveryLimitMs: deps.recoveryLimitMs ?? 15 * 60_000,
      healthProbe: { ...DEFAULT_HEALTH_PROBE, ...deps.healthProbe },
    },
    log: deps.log,
    now: deps.now,
  };

  /** RetryLater (a Slack 429, a full channel line) and a busy occurrence: said, then later. */
  async function steer(job: JobInfo, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      const later =
        err instanceof RetryLater
          ? err
          : err instanceof ReactionBusy
            ? new RetryLater(BUSY_RETRY_MS, err.message)
            : undefined;
      if (!later) throw err;
      deps.log.info({ jobId: job.id, wait: later.delayMs, why: later.message }, 'reaction delayed');
      throw later;
    }
  }

  return {
    event: (event, job) =>
      steer(job, async () => {
        const react = async () => {
          await deps.onEvent?.(event);
          // One read scope per event: the reaction's steps share their AWS reads.
          await reactToEvent({ ...ctx, aws: scopeReads(deps.aws) }, event);
        };
        // What may end in a rollback goes first; the feed's news waits its turn.
        if (MAY_ROLL_BACK.has(event.type)) await urgently(react);
        else await afterUrgent().then(react);
      }),
    timer: (data, job) =>
      steer(job, async () => {
        if (job.name === 'bake-end') return bakeEnded(ctx, data as BakeEndJob);
        await afterUrgent();
        if (job.name === 'recovery-check') return checkRecovery(ctx, data as RecoveryCheckJob);
        if (job.name === 'health-probe') return checkHealth(ctx, data as HealthProbeJob);
        return followRequest(ctx, data as FollowRequestJob);
      }),
  };
}

/** Follows an automatic rollback's request to its end, then hands over to after-rollback. */
async function followRequest(ctx: ReactionContext, job: FollowRequestJob): Promise<void> {
  const env = ctx.config.environments[job.env];
  const r = await ctx.service.get(job.requestId);
  if (!env || !r) return;
  if (!isTerminal(r.state)) {
    await ctx.timers.followRequest(job, ctx.timings.followEveryMs);
    return;
  }
  const t = r.target;
  const bad = t.kind === 'stage' ? t.currentExecutionId : t.currentDeploymentId;
  const ended = {
    rollbackId: r.awsExecutionId ?? r.id,
    ...(t.kind === 'stage' ? { stage: t.stage } : {}),
    ...(bad ? { badReleaseId: bad } : {}),
    requestId: r.id,
  };
  await settleNotification(ctx, r);
  if (r.state === 'succeeded') await rollbackSucceeded(ctx, env, ended);
  else if (r.state === 'failed') {
    await escalateFailedRollback(
      ctx,
      env,
      ended,
      `The automatic rollback (request ${r.id}) failed: ${failureExplanation(r)}`,
    );
  }
}
