// The reaction workers: consume the `events` queue (one job per domain event) and the
// `reaction-timers` queue (bake window ends, recovery checks, following automatic rollbacks).
// A Slack 429 or a busy occurrence delays the job (not an attempt); everything else is retried
// by BullMQ with the queue's backoff. Every reaction is idempotent (see reaction-store.ts).
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AwsClients } from '../aws/aws-clients.js';
import { scopeReads } from '../aws/read-scope.js';
import type { Config } from '../config/config.js';
import { isTerminal } from '../domain/request-state.js';
import { failureExplanation, type RollbackRequest } from '../domain/rollback-request.js';
import type { DomainEvent } from '../events/domain-event.js';
import { EVENTS_QUEUE } from '../events/queue.js';
import { WORKER_DEFAULTS } from '../jobs/worker-options.js';
import type { Logger } from '../log.js';
import { afterUrgent, urgently } from '../runtime/urgency.js';
import type { RollbackService } from '../services/rollback-service.js';
import type { ChannelPacer } from '../slack/channel-pacer.js';
import type { StatusMessages } from '../slack/status-messages.js';
import type { OfferStore } from '../store/offer-store.js';
import { reportRedisErrors } from '../store/redis-health.js';
import { checkRecovery, escalateFailedRollback, rollbackSucceeded } from './after-rollback.js';
import type { HealthProbeTimings } from './context.js';
import {
  type BakeEndJob,
  type FollowRequestJob,
  type HealthProbeJob,
  ReactionBusy,
  type ReactionContext,
  type RecoveryCheckJob,
  type Timers,
} from './context.js';
import { checkHealth, DEFAULT_HEALTH_PROBE } from './health-probe.js';
import { settleNotification } from './incident.js';
import { bakeEnded, reactToEvent } from './react-to-event.js';
import { createReactionStore } from './reaction-store.js';
import { createSlackCalls, type SlackChat, SlackRateLimited } from './slack-calls.js';

export const TIMERS_QUEUE = 'reaction-timers';

export interface ReactionWorkersDeps {
  /** Worker connection (createRedis(url, 'worker'): maxRetriesPerRequest null). */
  connection: Redis;
  /** Request-path connection for producers and state (fails fast while Redis is down). */
  requestConnection: Redis;
  /** BullMQ and key prefix, e.g. `{rollback}`. */
  prefix: string;
  config: Config;
  service: RollbackService;
  aws: AwsClients;
  /** The WebClient (with rejectRateLimitedCalls: true), or anything with its chat methods. */
  slack: SlackChat;
  /** Paces posts per channel; absent: posts go straight to Slack (and its 429s). */
  pacer?: ChannelPacer;
  offers: OfferStore;
  statusMessages: StatusMessages;
  statusScheduler: { schedule(request: Pick<RollbackRequest, 'id' | 'state'>): Promise<void> };
  log: Logger;
  /** Clock; default Date.now. */
  now?: () => number;
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
  /** Events processed in parallel. Default 4. */
  concurrency?: number;
  /** Queue name of the domain events. Default `events`. */
  eventsQueue?: string;
  /** Told of every event before the reactions (e.g. the guardrails' blocking-alarm reconcile). */
  onEvent?: (event: DomainEvent) => Promise<void>;
}

export interface ReactionWorkers {
  close(): Promise<void>;
}

type TimerJob =
  | Job<BakeEndJob, void, 'bake-end'>
  | Job<RecoveryCheckJob, void, 'recovery-check'>
  | Job<FollowRequestJob, void, 'follow-request'>
  | Job<HealthProbeJob, void, 'health-probe'>;

const DAY_S = 86_400;

/** Events whose reaction may start a rollback: run as urgent work (src/runtime/urgency.ts). */
const MAY_ROLL_BACK = new Set<string>(['StageFailed', 'DeploymentFailed', 'AlarmRaised']);

/** Job ids may not contain ':'; ours are built from env names, UUIDs and ULIDs. */
const jobId = (...parts: string[]) => parts.join('-').replace(/:/g, '_');

export function startReactionWorkers(deps: ReactionWorkersDeps): ReactionWorkers {
  const now = deps.now ?? Date.now;
  const timersQueue = new Queue(TIMERS_QUEUE, {
    connection: deps.requestConnection,
    prefix: deps.prefix,
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: DAY_S },
      removeOnFail: { age: 7 * DAY_S },
    },
  });
  reportRedisErrors(timersQueue, deps.requestConnection, 'timers-queue');
  const timers: Timers = {
    async bakeEnd(data, delayMs) {
      await timersQueue.add('bake-end', data, {
        jobId: jobId('bake', data.env, data.stage ?? '', data.releaseId),
        delay: delayMs,
      });
    },
    async recoveryCheck(data, delayMs, tag) {
      await timersQueue.add('recovery-check', data, {
        jobId: jobId('rc', data.env, data.rollbackId, tag),
        delay: delayMs,
      });
    },
    async followRequest(data, delayMs) {
      await timersQueue.add('follow-request', data, {
        jobId: jobId('fr', data.requestId, String(now())),
        delay: delayMs,
      });
    },
    async healthProbe(data, delayMs, tag) {
      await timersQueue.add('health-probe', data, {
        jobId: jobId('hp', data.env, data.rollbackId, tag),
        delay: delayMs,
      });
    },
  };
  const ctx: ReactionContext = {
    config: deps.config,
    service: deps.service,
    aws: deps.aws,
    slack: createSlackCalls(deps.slack, deps.pacer),
    offers: deps.offers,
    statusMessages: deps.statusMessages,
    scheduleStatus: (r) => deps.statusScheduler.schedule(r),
    store: createReactionStore(deps.requestConnection, deps.prefix),
    timers,
    timings: {
      ...(deps.bakeCheckDelayMs !== undefined ? { bakeCheckDelayMs: deps.bakeCheckDelayMs } : {}),
      followEveryMs: deps.followEveryMs ?? 5_000,
      recoveryEveryMs: deps.recoveryEveryMs ?? 30_000,
      recoveryLimitMs: deps.recoveryLimitMs ?? 15 * 60_000,
      healthProbe: { ...DEFAULT_HEALTH_PROBE, ...deps.healthProbe },
    },
    log: deps.log,
    now,
  };

  /** 429 → wait as Slack says; busy → look again shortly. Neither counts as an attempt. */
  async function steer(job: Job, token: string | undefined, run: () => Promise<void>) {
    try {
      await run();
    } catch (err) {
      const wait =
        err instanceof SlackRateLimited
          ? err.retryAfterMs
          : err instanceof ReactionBusy
            ? 250
            : undefined;
      if (wait === undefined) throw err;
      deps.log.info({ jobId: job.id, wait, why: (err as Error).message }, 'reaction delayed');
      await job.moveToDelayed(now() + wait, token);
      throw new DelayedError();
    }
  }

  const events = new Worker<DomainEvent>(
    deps.eventsQueue ?? EVENTS_QUEUE,
    (job, token) =>
      steer(job, token, async () => {
        const react = async () => {
          await deps.onEvent?.(job.data);
          // One read scope per event: the reaction's steps share their AWS reads.
          await reactToEvent({ ...ctx, aws: scopeReads(deps.aws) }, job.data);
        };
        // What may end in a rollback goes first; the feed's news waits its turn.
        if (MAY_ROLL_BACK.has(job.data.type)) await urgently(react);
        else await afterUrgent().then(react);
      }),
    {
      ...WORKER_DEFAULTS,
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: deps.concurrency ?? 4,
    },
  );
  const timerWorker = new Worker(
    TIMERS_QUEUE,
    (job: TimerJob, token) =>
      steer(job, token, async () => {
        if (job.name === 'bake-end') return bakeEnded(ctx, job.data as BakeEndJob);
        await afterUrgent();
        if (job.name === 'recovery-check') return checkRecovery(ctx, job.data as RecoveryCheckJob);
        if (job.name === 'health-probe') return checkHealth(ctx, job.data as HealthProbeJob);
        return followRequest(ctx, job.data as FollowRequestJob);
      }),
    {
      ...WORKER_DEFAULTS,
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: deps.concurrency ?? 4,
    },
  );
  for (const [name, w] of [
    ['events', events],
    ['timers', timerWorker],
  ] as const) {
    w.on('failed', (job, err) =>
      deps.log.warn(
        { worker: name, jobId: job?.id, err: { message: err.message } },
        'reaction failed',
      ),
    );
    reportRedisErrors(w, deps.connection, `reaction-worker-${name}`, (err) =>
      deps.log.error({ worker: name, err: { message: err.message } }, 'reaction worker error'),
    );
  }

  return {
    async close() {
      await events.close();
      await timerWorker.close();
      await timersQueue.close();
    },
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
