// Composition root below the process edge: config → adapters → services → roles.
// main.ts owns the process (exit codes, signals); this file owns wiring and shutdown order.

import { dispatchCommand } from '../commands/dispatch.js';
import { createAwsClients } from './aws/aws-clients.js';
import type { Config } from './config/config.js';
import type { Env } from './config/env.js';
import { isTerminal } from './domain/request-state.js';
import { createAwsEventsHandler, createSnsCertificateFetcher } from './events/index.js';
import { enqueueUnlessOccurred } from './events/occurrence-dedupe.js';
import { createPoller } from './events/poller/poller.js';
import { approvedGroupMember, createGroupRollbacks } from './groups/group-rollbacks.js';
import { reconcileOnBlockingAlarm } from './guardrails/blocking-alarm-hook.js';
import {
  type EnvOutcome,
  reconcileDeployBlocks,
  sweepDue,
  withReconcileLock,
} from './guardrails/deploy-block-reconciler.js';
import {
  createGuardrailsControl,
  type GuardrailsControl,
  type StageLockDeps,
} from './guardrails/guardrails-control.js';
import { createGuardrailsDecide } from './guardrails/guardrails-decide.js';
import { createHeldDeploys } from './guardrails/held-deploys.js';
import { reconcileOnReleaseArrival } from './guardrails/release-arrival-hook.js';
import { type RunningHttpServer, startHttpServer } from './http/server.js';
import { createEventQueue } from './jobs/event-queue.js';
import { createGroupQueue, groupProcessor } from './jobs/group-queue.js';
import { createGuardrailsQueue, guardrailsProcessor } from './jobs/guardrails-queue.js';
import { startPollSchedule } from './jobs/poll-schedule.js';
import { RetryLater } from './jobs/processor.js';
import { createReactionTimers } from './jobs/reaction-timers.js';
import { startRollbackWorkers } from './jobs/rollback-workers.js';
import { createStatusScheduler } from './jobs/status-queue.js';
import { startWorker } from './jobs/worker.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createReactionProcessors } from './reactions/reaction-processors.js';
import { createRollbackService } from './services/rollback-service.js';
import { createSlackApp } from './slack/app.js';
import { type ApprovalFlow, createApprovalFlow } from './slack/approval-flow.js';
import { createChannelPacer } from './slack/channel-pacer.js';
import { createGroupPosts } from './slack/group-posts.js';
import { createHeldDeployAnnouncer } from './slack/held-deploy-announcer.js';
import { registerListeners } from './slack/listeners/index.js';
import { createReactionPoster } from './slack/reaction-poster.js';
import { createSlackWeb } from './slack/slack-web.js';
import { createStageLockAnnouncer } from './slack/stage-lock-announcer.js';
import { STATUS_FOLLOWER_GROUP, startStatusFollower } from './slack/status-follower.js';
import { createStatusProcessor } from './slack/status-messages.js';
import { createApprovalStore } from './store/approval-store.js';
import { createAttemptAudit, followAudit } from './store/audit-stream.js';
import { createChannelLineStore } from './store/channel-line-store.js';
import { createRedisDedupe } from './store/event-dedupe-store.js';
import { createFreezeStore } from './store/freeze-store.js';
import { createGroupStore } from './store/group-store.js';
import { createHeldDeployStore } from './store/held-deploy-store.js';
import { createOfferStore } from './store/offer-store.js';
import { createReconcileStore } from './store/reconcile-store.js';
import { checkRedisSuitable, createRedis } from './store/redis.js';
import { createRedisHealth } from './store/redis-health.js';
import { redactRedisUrl, waitForRedisReady } from './store/redis-wait.js';
import { createRequestStore } from './store/request-store.js';
import { createStageLockStore } from './store/stage-lock-store.js';
import { createStatusMessages } from './store/status-message-store.js';
import { createWaitingReleaseStore } from './store/waiting-release-store.js';

export interface Closeable {
  name: string;
  close(): Promise<void>;
}

export interface RunningBot {
  port: number;
  metrics: Metrics;
  http: RunningHttpServer;
  stop(): Promise<void>;
}

export interface StartBotOptions {
  env: Env;
  config: Config;
  log: Logger;
  /** Bind address; default all interfaces (containers). */
  host?: string;
  /** How often the deploy block is reconciled with AWS (and blocking alarms polled). Default 30 s. */
  guardrailsReconcileEveryMs?: number;
}

const REDIS_START_TIMEOUT_MS = 15_000;

export async function startBot({
  env,
  config,
  log,
  host,
  guardrailsReconcileEveryMs,
}: StartBotOptions): Promise<RunningBot> {
  const metrics = createMetrics();
  metrics.environments.set(Object.keys(config.environments).length);
  const shownUrl = redactRedisUrl(env.REDIS_URL);
  const closeables: Closeable[] = [];

  // Every connection below is made with it: outages are logged once, not per reconnect attempt.
  const health = createRedisHealth({ log, target: shownUrl });
  // Request-path connection: fails fast while Redis is down (readiness, producers).
  const redis = createRedis(env.REDIS_URL, 'request', { health });
  closeables.push({ name: 'redis', close: async () => void redis.disconnect() });
  try {
    await waitForRedisReady(redis, REDIS_START_TIMEOUT_MS, shownUrl);
    const { version, policy } = await checkRedisSuitable(redis);
    log.info({ redis: shownUrl, version, policy, prefix: env.REDIS_PREFIX }, 'Redis is suitable');
  } catch (err) {
    redis.disconnect();
    throw err;
  }

  const http = await startHttpServer(env.PORT, host, {
    log,
    metrics,
    readiness: [
      {
        name: 'redis',
        check: async () => {
          try {
            const pong = await Promise.race([
              redis.ping(),
              new Promise<never>((_, reject) =>
                setTimeout(() => reject(new Error('PING timed out after 1 s')), 1_000).unref(),
              ),
            ]);
            if (pong !== 'PONG') throw new Error(`unexpected PING answer ${pong}`);
            metrics.redisUp.set(1);
          } catch (err) {
            metrics.redisUp.set(0);
            throw err;
          }
        },
      },
      { name: 'config', check: async () => undefined },
    ],
  });
  const prefix = env.REDIS_PREFIX;
  const aws = createAwsClients(env.AWS_ENDPOINT_URL ? { endpoint: env.AWS_ENDPOINT_URL } : {});
  // The one Slack client of the process: every post takes a slot in its channel's line, one line
  // per channel shared by all replicas (src/slack/poster.ts, channel-pacer.ts).
  const slack = createSlackWeb(env, createChannelPacer(createChannelLineStore(redis, prefix)));
  const statusMessages = createStatusMessages(redis, prefix);
  const scheduler = createStatusScheduler(redis, prefix);
  closeables.push({ name: 'status-scheduler', close: () => scheduler.close() });
  // Guardrails (issue 7): freezes, approvals, the deploy block in AWS.
  const guardQueue = createGuardrailsQueue(redis, prefix);
  closeables.push({ name: 'guardrails-queue', close: () => guardQueue.close() });
  const freezes = createFreezeStore(redis, prefix);
  // Stage locks: every cause holding a guarded stage, enforced in AWS and said in its channel.
  const locking: StageLockDeps = {
    config,
    aws,
    freezes,
    locks: createStageLockStore(redis, prefix),
    waiting: createWaitingReleaseStore(redis, prefix),
    passes: createReconcileStore(redis, prefix),
    log,
    announcer: createStageLockAnnouncer(slack.poster),
  };
  const cases = createApprovalStore(redis, prefix);
  const audit = createAttemptAudit(redis, prefix);
  // Forward deploys into CodeDeploy groups while blocked: announced with Stop, or stopped.
  const heldDeploys = () =>
    createHeldDeploys({
      config,
      aws,
      freezes,
      store: createHeldDeployStore(redis, prefix),
      announcer: createHeldDeployAnnouncer(slack.poster),
      audit,
      log,
    });
  // Group rollbacks: one record per group, a queue that runs members in order.
  const groupStore = createGroupStore(redis, prefix);
  const groupQueue = createGroupQueue(redis, prefix);
  closeables.push({ name: 'group-queue', close: () => groupQueue.close() });

  // One way to build the engine service, for the web side and the worker side alike: both go
  // through the guardrails policy; `flow` posts approval requests where one is needed.
  const guardedService = (flow: () => ApprovalFlow | undefined, control: GuardrailsControl) =>
    createRollbackService({
      config,
      connection: redis,
      aws,
      queue: { prefix },
      store: { prefix },
      decide: createGuardrailsDecide({
        config,
        aws,
        freezes,
        cases,
        log,
        onNeedsApproval: async (c) => flow()?.opened(c),
        approvedGroupMember: approvedGroupMember(groupStore),
      }),
      unlockStage: (input) => control.unlock(input),
    });

  if (env.ROLE !== 'worker') {
    let approvals: ApprovalFlow | undefined;
    const control = createGuardrailsControl({ locking, queue: guardQueue });
    const service = guardedService(() => approvals, control);
    closeables.push({ name: 'rollback-service', close: () => service.close() });
    const { principals, poster } = slack;
    approvals = createApprovalFlow({
      config,
      service,
      cases,
      principals,
      audit,
      aws,
      statusMessages,
      queue: guardQueue,
      poster,
      log,
      now: Date.now,
    });
    const flow = approvals;
    service.onTransition((r) => {
      flow
        .changed(r)
        .catch((err: unknown) =>
          log.warn({ err, requestId: r.id }, 'approval post refresh failed'),
        );
    });
    const bolt = createSlackApp(env, log, metrics);
    registerListeners(
      bolt.app,
      {
        config,
        service,
        offers: createOfferStore(redis, prefix),
        principals,
        poster,
        statusMessages,
        scheduleStatus: (r) => scheduler.schedule(r),
        audit,
        now: Date.now,
        guardrails: { control, approvals, holds: heldDeploys() },
        groups: createGroupRollbacks({
          config,
          service,
          store: groupStore,
          queue: groupQueue,
          aws,
          freezes,
          principals,
          audit,
          statusMessages,
          scheduleStatus: (r) => scheduler.schedule(r),
          log,
          now: Date.now,
        }),
      },
      dispatchCommand,
      log,
    );
    if (bolt.httpHandler) http.mount('/slack/events', bolt.httpHandler);

    const events = createEventQueue({ connection: redis, prefix });
    closeables.push({ name: 'events-queue', close: () => events.close() });
    const dedupe = createRedisDedupe(redis, { prefix });
    http.mount(
      '/aws/events',
      createAwsEventsHandler({
        log,
        metrics,
        ...(env.EVENTS_SHARED_SECRET ? { sharedSecret: env.EVENTS_SHARED_SECRET } : {}),
        snsTopics: config.events.snsTopics,
        // An occurrence the poller already enqueued is not enqueued again.
        enqueue: enqueueUnlessOccurred(dedupe, events.enqueue),
        dedupe,
        fetchCertificate: createSnsCertificateFetcher(),
      }),
    );
    await bolt.start();
    closeables.push({ name: 'slack', close: () => bolt.stop() });
  }

  if (env.ROLE !== 'web') {
    const workerRedis = createRedis(env.REDIS_URL, 'worker', { health });
    closeables.push({ name: 'worker-redis', close: async () => void workerRedis.disconnect() });
    // What every worker shares (src/jobs/worker.ts).
    const workerSetup = { connection: workerRedis, prefix, log };
    const workers = await startRollbackWorkers({
      connection: workerRedis,
      config,
      aws,
      queue: { prefix },
      store: { prefix },
      log,
      // A rollback job makes a few AWS calls and hands over to delayed follow jobs.
      concurrency: 16,
    });
    closeables.push({ name: 'rollback-workers', close: () => workers.close() });
    const store = createRequestStore(workerRedis, { prefix });
    const statusWorker = startWorker(
      'status',
      createStatusProcessor({
        connection: workerRedis,
        poster: slack.poster,
        conversations: slack.conversations,
        messages: statusMessages,
        load: (id) => store.get(id),
        log,
      }),
      workerSetup,
    );
    closeables.push({ name: 'status-worker', close: () => statusWorker.close() });
    const follower = startStatusFollower({
      audit: followAudit(
        createRedis(env.REDIS_URL, 'worker', { health, label: 'status-follower' }),
        prefix,
        { group: STATUS_FOLLOWER_GROUP },
      ),
      schedule: async (r) => {
        if (isTerminal(r.state)) metrics.rollbacks.inc({ state: r.state });
        await scheduler.schedule(r);
        // The approval card follows its request to the end (approved by whom, rolled back or
        // not), whichever process moved it: the worker's transitions reach no web listener.
        await workerFlowRef?.changed(r);
      },
      log,
    });
    closeables.push({ name: 'status-follower', close: () => follower.close() });

    // Automatic rollbacks (reactions) go through the same policy as manual ones.
    let workerFlowRef: ApprovalFlow | undefined;
    const workerService = guardedService(
      () => workerFlowRef,
      createGuardrailsControl({ locking, queue: guardQueue }),
    );
    closeables.push({ name: 'worker-service', close: () => workerService.close() });
    const workerFlow = createApprovalFlow({
      config,
      service: workerService,
      cases,
      principals: slack.principals,
      audit,
      aws,
      statusMessages,
      queue: guardQueue,
      poster: slack.poster,
      log,
      now: Date.now,
    });
    workerFlowRef = workerFlow;
    const onBlockingAlarm = reconcileOnBlockingAlarm(config, guardQueue);
    const onReleaseArrival = reconcileOnReleaseArrival(config, guardQueue);
    const holds = heldDeploys();
    const timers = createReactionTimers({ connection: redis, prefix }, Date.now);
    closeables.push({ name: 'reaction-timers', close: () => timers.close() });
    const reactions = createReactionProcessors({
      connection: redis,
      prefix,
      config,
      service: workerService,
      aws,
      slack: createReactionPoster(slack.poster),
      offers: createOfferStore(redis, prefix),
      statusMessages,
      statusScheduler: scheduler,
      timers,
      log,
      onEvent: async (event) => {
        await onBlockingAlarm(event);
        await onReleaseArrival(event);
        await holds.onEvent(event);
      },
    });
    // Reactions mostly wait on AWS and Slack: run many at once so a burst of failures is acted
    // on in parallel (4 at a time queued detection → action for seconds in the benchmark).
    const reactionWorkers = [
      startWorker('events', reactions.event, workerSetup, { concurrency: 32 }),
      startWorker('timers', reactions.timer, workerSetup, { concurrency: 32 }),
    ];
    closeables.push({
      name: 'reaction-workers',
      close: async () => void (await Promise.all(reactionWorkers.map((w) => w.close()))),
    });
    const guardWorker = startWorker(
      'guardrails',
      guardrailsProcessor({
        async reconcile(why, envs) {
          const counted = (outcomes: EnvOutcome[]) => {
            for (const o of outcomes) {
              metrics.guardrailsChecks.inc({
                outcome: o.error ? 'failed' : o.skipped ? 'skipped' : 'read',
              });
            }
            return outcomes;
          };
          // A few environments (a release arrived): their own locks suffice, no full pass.
          if (envs) {
            counted(await reconcileDeployBlocks({ ...locking, sweep: true, only: envs }));
            return;
          }
          const done = await withReconcileLock(locking.passes, async () =>
            counted(
              await reconcileDeployBlocks({
                ...locking,
                sweep: await sweepDue(locking.passes, why),
              }),
            ),
          );
          // Another replica is reconciling: look again once it is done.
          if (done === undefined) throw new RetryLater(500, 'another replica is reconciling');
        },
        render: (id, firstTriedAt) => workerFlow.render(id, firstTriedAt),
        expire: (id) => workerFlow.expire(id),
      }),
      workerSetup,
    );
    closeables.push({ name: 'guardrails-worker', close: () => guardWorker.close() });
    const workerGroups = createGroupRollbacks({
      config,
      service: workerService,
      store: groupStore,
      queue: groupQueue,
      aws,
      freezes,
      principals: slack.principals,
      audit,
      statusMessages,
      scheduleStatus: (r) => scheduler.schedule(r),
      log,
      now: Date.now,
    });
    const groupPosts = createGroupPosts({ store: groupStore, poster: slack.poster, now: Date.now });
    const groupWorker = startWorker(
      'groups',
      groupProcessor({
        step: (id, member, check) => workerGroups.step(id, member, check),
        expire: (id) => workerGroups.expire(id),
        render: (id) => groupPosts.render(id),
        version: (id) => workerGroups.version(id),
      }),
      workerSetup,
    );
    closeables.push({ name: 'group-worker', close: () => groupWorker.close() });
    await guardQueue.startScheduler(guardrailsReconcileEveryMs);
    await guardQueue.reconcileNow('start-up');
    if (config.events.poll.enabled) {
      const polledEvents = createEventQueue({ connection: redis, prefix });
      closeables.push({ name: 'polled-events-queue', close: () => polledEvents.close() });
      const poller = createPoller({
        connection: redis,
        prefix,
        config,
        aws,
        dedupe: createRedisDedupe(redis, { prefix }),
        enqueue: polledEvents.enqueue,
        calls: metrics.pollerAwsCalls,
        log,
      });
      const polling = await startPollSchedule({
        ...workerSetup,
        requestConnection: redis,
        everyMs: poller.everyMs,
        tick: poller.tick,
      });
      closeables.push({ name: 'poller', close: () => polling.close() });
    }
  }

  log.info(
    { port: http.port, role: env.ROLE, slack: env.SLACK_APP_TOKEN ? 'socket-mode' : 'http' },
    'rollback-bot is listening',
  );

  let stopping: Promise<void> | undefined;
  return {
    port: http.port,
    metrics,
    http,
    stop() {
      stopping ??= (async () => {
        await http.close();
        // Reverse start order: workers finish their active job before Redis goes away.
        for (const c of [...closeables].reverse()) {
          try {
            await c.close();
          } catch (err) {
            log.warn({ err, component: c.name }, 'error while closing');
          }
        }
      })();
      return stopping;
    },
  };
}
