// The worker role (ROLE=worker|all): every queue's consumer (rollback, status, events, timers,
// guardrails, groups), the status follower, the deploy-block reconcile schedule, the start-up
// check for stage failures no event brought, and the poller.
// It takes the one services graph the web role gets too; a new queue's worker starts here.
import { isTerminal } from '../domain/request-state.js';
import { enqueueMissedFailures } from '../events/poller/missed-failures.js';
import { createPoller } from '../events/poller/poller.js';
import { groupProcessor } from '../jobs/group-queue.js';
import { type GuardrailsHandlers, guardrailsProcessor } from '../jobs/guardrails-queue.js';
import { startPollSchedule } from '../jobs/poll-schedule.js';
import { RetryLater } from '../jobs/processor.js';
import {
  type RollbackWorkers,
  type RollbackWorkersOptions,
  startRollbackWorkers,
} from '../jobs/rollback-workers.js';
import { startWorker, type WorkerSetup } from '../jobs/worker.js';
import {
  type EnvOutcome,
  reconcileDeployBlocks,
  sweepDue,
  withReconcileLock,
} from '../services/guardrails/deploy-block-reconciler.js';
import { createGroupPosts } from '../slack/group-posts.js';
import { STATUS_FOLLOWER_GROUP, startStatusFollower } from '../slack/status-follower.js';
import { createStatusProcessor } from '../slack/status-messages.js';
import { followAudit } from '../store/audit-stream.js';
import type { RedisConnection } from '../store/redis.js';
import { createRequestStore } from '../store/request-store.js';
import type { Adapters } from './adapters.js';
import type { Services } from './services.js';

/** Timings a test may shorten; the wiring stays production's. */
export interface WorkerRoleOverrides {
  /** How often the deploy block is reconciled with AWS (and blocking alarms polled). Default 30 s. */
  guardrailsReconcileEveryMs?: number;
  /** The rollback workers' timings (rollback-workers.ts documents each default). */
  rollbackWorkers?: Pick<
    RollbackWorkersOptions,
    'followDelayMs' | 'retry' | 'lockDurationMs' | 'stalledIntervalMs'
  >;
}

/** The rollback queue's workers on `connection` (a worker connection), closed with the process. */
export async function startRollbackWorkersOn(
  a: Adapters,
  connection: RedisConnection,
  o: WorkerRoleOverrides = {},
): Promise<RollbackWorkers> {
  const workers = await startRollbackWorkers({
    connection,
    config: a.config,
    aws: a.aws,
    queue: { prefix: a.prefix },
    store: { prefix: a.prefix },
    log: a.log,
    now: a.now,
    // A rollback job makes a few AWS calls and hands over to delayed follow jobs.
    concurrency: 16,
    ...o.rollbackWorkers,
  });
  a.closeables.add('rollback-workers', () => workers.close(), { consumer: true });
  return workers;
}

/** Status messages: the status queue's worker, and the follower that schedules their updates. */
function startStatus(a: Adapters, s: Services, setup: WorkerSetup): void {
  const store = createRequestStore(setup.connection, { prefix: a.prefix });
  const statusWorker = startWorker(
    'status',
    createStatusProcessor({
      connection: setup.connection,
      poster: a.slack.poster,
      conversations: a.slack.conversations,
      messages: s.stores.statusMessages,
      load: (id) => store.get(id),
      log: a.log,
      now: a.now,
    }),
    setup,
  );
  a.closeables.add('status-worker', () => statusWorker.close(), { consumer: true });
  const follower = startStatusFollower({
    audit: followAudit(a.workerConnection('status-follower'), a.prefix, {
      group: STATUS_FOLLOWER_GROUP,
    }),
    schedule: async (r) => {
      if (isTerminal(r.state)) a.metrics.rollbacks.inc({ state: r.state });
      await s.queues.status.schedule(r);
      // The approval card follows its request to the end (approved by whom, rolled back or
      // not), whichever process moved it: another process's transitions reach no listener here.
      await s.notices.changed(r);
      // So do the App Home tabs of those who opened theirs lately (waiting, rolling back, done).
      s.home.changed(`request ${r.state}`);
    },
    log: a.log,
  });
  a.closeables.add('status-follower', () => follower.close(), { consumer: true });
}

/** The guardrails queue's jobs: the deploy-block reconcile, and the approval post and expiry. */
function guardrailsHandlers(a: Adapters, s: Services): GuardrailsHandlers {
  const { locking } = s;
  const counted = (outcomes: EnvOutcome[]) => {
    for (const o of outcomes) {
      a.metrics.guardrailsChecks.inc({
        outcome: o.error ? 'failed' : o.skipped ? 'skipped' : 'read',
      });
    }
    return outcomes;
  };
  return {
    async reconcile(why, envs) {
      // A few environments (a release arrived): their own locks suffice, no full pass.
      if (envs) {
        counted(await reconcileDeployBlocks({ ...locking, sweep: true, only: envs }));
        return;
      }
      const done = await withReconcileLock(locking.passes, async () =>
        counted(
          await reconcileDeployBlocks({ ...locking, sweep: await sweepDue(locking.passes, why) }),
        ),
      );
      // Another replica is reconciling: look again once it is done.
      if (done === undefined) throw new RetryLater(500, 'another replica is reconciling');
    },
    async render(id, firstTriedAt) {
      await s.approvals.render(id, firstTriedAt);
      // An approval asked for, counted or decided: the App Home's "waiting for my approval".
      s.home.changed('approval');
    },
    expire: (id) => s.requestApprovals.expire(id),
  };
}

/** The consumers of the events, timers, guardrails and groups queues. */
function startQueueWorkers(a: Adapters, s: Services, setup: WorkerSetup): void {
  // Reactions mostly wait on AWS and Slack: run many at once so a burst of failures is acted
  // on in parallel (bench/README.md).
  const reactionWorkers = [
    startWorker('events', s.reactions.event, setup, { concurrency: 32 }),
    startWorker('timers', s.reactions.timer, setup, { concurrency: 32 }),
  ];
  a.closeables.add(
    'reaction-workers',
    async () => {
      await Promise.all(reactionWorkers.map((w) => w.close()));
    },
    { consumer: true },
  );
  const guardWorker = startWorker(
    'guardrails',
    guardrailsProcessor(guardrailsHandlers(a, s)),
    setup,
  );
  a.closeables.add('guardrails-worker', () => guardWorker.close(), { consumer: true });
  const { groups } = s;
  const posts = createGroupPosts({ store: s.stores.groups, poster: a.slack.poster, now: a.now });
  const groupWorker = startWorker(
    'groups',
    groupProcessor({
      step: (id, member, check) => groups.step(id, member, check),
      expire: (id) => groups.expire(id),
      render: async (id) => {
        await posts.render(id);
        s.home.changed('group');
      },
      version: (id) => groups.version(id),
    }),
    setup,
  );
  a.closeables.add('group-worker', () => groupWorker.close(), { consumer: true });
}

/** The poller (config events.poll): AWS read on a schedule, into the same events queue. */
async function startPoller(a: Adapters, s: Services, setup: WorkerSetup): Promise<void> {
  const poller = createPoller({
    connection: a.redis,
    prefix: a.prefix,
    config: a.config,
    aws: a.aws,
    dedupe: s.stores.dedupe,
    enqueue: s.queues.events.enqueue,
    calls: a.metrics.pollerAwsCalls,
    log: a.log,
    now: a.now,
  });
  const polling = await startPollSchedule({
    ...setup,
    requestConnection: a.redis,
    everyMs: poller.everyMs,
    tick: poller.tick,
  });
  a.closeables.add('poller', () => polling.close(), { consumer: true });
}

/** How long stopping waits for a start-up check still reading AWS before going on without it. */
const STARTUP_CHECK_STOP_WAIT_MS = 2_000;

/**
 * A guarded stage that failed while no bot was listening (events.startupLookBack): acted on
 * once, as its event would have been. In the background: start-up does not wait on AWS, and
 * stopping cancels it (no further read or enqueue) and waits at most a moment for the read in
 * flight.
 */
function checkMissedFailures(a: Adapters, s: Services): void {
  const stopping = new AbortController();
  const checked = enqueueMissedFailures(
    {
      config: a.config,
      aws: a.aws,
      dedupe: s.stores.dedupe,
      enqueue: s.queues.events.enqueue,
      log: a.log,
      now: a.now,
      signal: stopping.signal,
    },
    a.config.events.startupLookBackMs,
  )
    .then((summary) => {
      const counted = a.metrics.missedFailures;
      if (summary.enqueued) counted.inc({ outcome: 'enqueued' }, summary.enqueued);
      if (summary.duplicates) counted.inc({ outcome: 'duplicate' }, summary.duplicates);
      if (summary.failed) counted.inc({ outcome: 'unreadable' }, summary.failed);
      const how = stopping.signal.aborted ? 'cut short by the stop' : 'done';
      a.log.info(summary, `start-up check for missed stage failures ${how}`);
    })
    .catch((err: unknown) =>
      a.log.warn({ err: { message: (err as Error).message } }, 'start-up check failed'),
    );
  a.closeables.add(
    'startup-check',
    () => {
      stopping.abort();
      return checked;
    },
    { consumer: true, waitAtMostMs: STARTUP_CHECK_STOP_WAIT_MS },
  );
}

export async function startWorkerRole(
  a: Adapters,
  s: Services,
  o: WorkerRoleOverrides = {},
): Promise<void> {
  const connection = a.workerConnection();
  // What every worker shares (src/jobs/worker.ts).
  const setup: WorkerSetup = { connection, prefix: a.prefix, log: a.log };
  await startRollbackWorkersOn(a, connection, o);
  startStatus(a, s, setup);
  startQueueWorkers(a, s, setup);
  await s.queues.guardrails.startScheduler(o.guardrailsReconcileEveryMs);
  await s.queues.guardrails.reconcileNow('start-up');
  checkMissedFailures(a, s);
  if (a.config.events.poll.enabled) await startPoller(a, s, setup);
}
