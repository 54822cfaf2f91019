// Composition root below the process edge: config → adapters → services → roles.
// main.ts owns the process (exit codes, signals); this file owns wiring and shutdown order.

import { WebClient } from '@slack/web-api';
import { createAwsClients } from './aws/aws-clients.js';
import type { Config } from './config/config.js';
import type { Env } from './config/env.js';
import { isTerminal } from './domain/request-state.js';
import {
  createAwsEventsHandler,
  createEventQueue,
  createRedisDedupe,
  createSnsCertificateFetcher,
} from './events/index.js';
import { enqueueUnlessOccurred } from './events/occurrence-dedupe.js';
import { startPoller } from './events/poller/poller.js';
import { createGroupQueue, startGroupWorker } from './groups/group-queue.js';
import { approvedGroupMember, createGroupRollbacks } from './groups/group-rollbacks.js';
import { createGroupStore } from './groups/group-store.js';
import { createApprovalStore } from './guardrails/approval-store.js';
import { reconcileOnBlockingAlarm } from './guardrails/blocking-alarm-hook.js';
import {
  type EnvOutcome,
  reconcileDeployBlocks,
  sweepDue,
  withReconcileLock,
} from './guardrails/deploy-block-reconciler.js';
import { createFreezeStore } from './guardrails/freeze-store.js';
import {
  createGuardrailsControl,
  type GuardrailsControl,
  type StageLockDeps,
} from './guardrails/guardrails-control.js';
import { createGuardrailsDecide } from './guardrails/guardrails-decide.js';
import { createGuardrailsQueue, startGuardrailsWorker } from './guardrails/guardrails-jobs.js';
import { createHeldDeploys } from './guardrails/held-deploys.js';
import { reconcileOnReleaseArrival } from './guardrails/release-arrival-hook.js';
import { type RunningHttpServer, startHttpServer } from './http/server.js';
import { startRollbackWorkers } from './jobs/rollback-workers.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { startReactionWorkers } from './reactions/reaction-workers.js';
import { httpFetch } from './runtime/http-fetch.js';
import { createRollbackService } from './services/rollback-service.js';
import { createSlackApp } from './slack/app.js';
import { type ApprovalFlow, createApprovalFlow } from './slack/approval-flow.js';
import { createAttemptAudit } from './slack/attempt-audit.js';
import { createChannelPacer } from './slack/channel-pacer.js';
import { createHeldDeployAnnouncer } from './slack/held-deploy-announcer.js';
import { registerListeners } from './slack/listeners/index.js';
import { createPrincipalResolver } from './slack/principals.js';
import { createStageLockAnnouncer } from './slack/stage-lock-announcer.js';
import { startStatusFollower } from './slack/status-follower.js';
import {
  createStatusMessages,
  createStatusScheduler,
  startStatusWorker,
} from './slack/status-messages.js';
import { createHeldDeployStore } from './store/held-deploy-store.js';
import { createOfferStore } from './store/offer-store.js';
import { checkRedisSuitable, createRedis } from './store/redis.js';
import { createRedisHealth, reportRedisErrors } from './store/redis-health.js';
import { redactRedisUrl, waitForRedisReady } from './store/redis-wait.js';
import { createRequestStore } from './store/request-store.js';
import { createStageLockStore } from './store/stage-lock-store.js';
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
  const slackClientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    // In jobs a 429 is handled by delaying the job, never by pausing the whole client.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    fetch: httpFetch,
  };
  const statusMessages = createStatusMessages(redis, prefix);
  const scheduler = createStatusScheduler(redis, prefix);
  reportRedisErrors(scheduler.queue, redis, 'status-queue');
  closeables.push({ name: 'status-scheduler', close: () => scheduler.close() });
  // Guardrails (issue 7): freezes, approvals, the deploy block in AWS.
  const guardQueue = createGuardrailsQueue(redis, prefix);
  closeables.push({ name: 'guardrails-queue', close: () => guardQueue.close() });
  const freezes = createFreezeStore(redis, prefix);
  // Stage locks: every cause holding a guarded stage, enforced in AWS and said in its channel.
  const stageLocking = (poster: WebClient): StageLockDeps => ({
    config,
    aws,
    freezes,
    locks: createStageLockStore(redis, prefix),
    waiting: createWaitingReleaseStore(redis, prefix),
    redis,
    prefix,
    log,
    announcer: createStageLockAnnouncer(poster),
  });
  const cases = createApprovalStore(redis, prefix);
  const audit = createAttemptAudit(redis, prefix);
  // Forward deploys into CodeDeploy groups while blocked: announced with Stop, or stopped.
  const heldDeploys = (poster: WebClient) =>
    createHeldDeploys({
      config,
      aws,
      freezes,
      store: createHeldDeployStore(redis, prefix),
      announcer: createHeldDeployAnnouncer(poster),
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
    const webSlack = new WebClient(env.SLACK_BOT_TOKEN, slackClientOptions);
    const control = createGuardrailsControl({
      locking: stageLocking(webSlack),
      queue: guardQueue,
    });
    const service = guardedService(() => approvals, control);
    closeables.push({ name: 'rollback-service', close: () => service.close() });
    const principals = createPrincipalResolver(webSlack);
    approvals = createApprovalFlow({
      config,
      service,
      cases,
      principals,
      audit,
      aws,
      statusMessages,
      queue: guardQueue,
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
    const slack = createSlackApp(env, log, metrics);
    registerListeners(
      slack.app,
      {
        config,
        service,
        offers: createOfferStore(redis, prefix),
        principals,
        statusMessages,
        scheduleStatus: (r) => scheduler.schedule(r),
        audit,
        now: Date.now,
        guardrails: { control, approvals, holds: heldDeploys(webSlack) },
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
          poster: webSlack as never,
          log,
          now: Date.now,
        }),
      },
      log,
    );
    if (slack.httpHandler) http.mount('/slack/events', slack.httpHandler);

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
    await slack.start();
    closeables.push({ name: 'slack', close: () => slack.stop() });
  }

  if (env.ROLE !== 'web') {
    const workerRedis = createRedis(env.REDIS_URL, 'worker', { health });
    closeables.push({ name: 'worker-redis', close: async () => void workerRedis.disconnect() });
    const workers = await startRollbackWorkers({
      connection: workerRedis,
      config,
      aws,
      queue: { prefix },
      store: { prefix },
      logger: log,
      // A rollback job makes a few AWS calls and hands over to delayed follow jobs.
      concurrency: 16,
    });
    closeables.push({ name: 'rollback-workers', close: () => workers.close() });
    const store = createRequestStore(workerRedis, { prefix });
    // One line per channel for every post from jobs, shared by all replicas (channel-pacer.ts).
    const pacer = createChannelPacer(redis, prefix);
    const statusWorker = startStatusWorker({
      connection: workerRedis,
      prefix,
      client: new WebClient(env.SLACK_BOT_TOKEN, slackClientOptions) as never,
      pacer,
      messages: statusMessages,
      load: (id) => store.get(id),
      log,
    });
    reportRedisErrors(statusWorker, workerRedis, 'status-worker');
    closeables.push({ name: 'status-worker', close: () => statusWorker.close() });
    const follower = startStatusFollower({
      connection: createRedis(env.REDIS_URL, 'worker', { health, label: 'status-follower' }),
      prefix,
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

    const slackPoster = new WebClient(env.SLACK_BOT_TOKEN, slackClientOptions);
    // Automatic rollbacks (reactions) go through the same policy as manual ones.
    let workerFlowRef: ApprovalFlow | undefined;
    const workerLocking = stageLocking(slackPoster);
    const workerService = guardedService(
      () => workerFlowRef,
      createGuardrailsControl({ locking: workerLocking, queue: guardQueue }),
    );
    closeables.push({ name: 'worker-service', close: () => workerService.close() });
    const workerFlow = createApprovalFlow({
      config,
      service: workerService,
      cases,
      principals: createPrincipalResolver(slackPoster),
      audit,
      aws,
      statusMessages,
      queue: guardQueue,
      poster: slackPoster as never,
      log,
      now: Date.now,
    });
    workerFlowRef = workerFlow;
    const onBlockingAlarm = reconcileOnBlockingAlarm(config, guardQueue);
    const onReleaseArrival = reconcileOnReleaseArrival(config, guardQueue);
    const holds = heldDeploys(slackPoster);
    const reactions = startReactionWorkers({
      connection: workerRedis,
      requestConnection: redis,
      prefix,
      config,
      service: workerService,
      aws,
      slack: slackPoster as never,
      pacer,
      offers: createOfferStore(redis, prefix),
      statusMessages,
      statusScheduler: scheduler,
      log,
      onEvent: async (event) => {
        await onBlockingAlarm(event);
        await onReleaseArrival(event);
        await holds.onEvent(event);
      },
      // Reactions mostly wait on AWS and Slack: run many at once so a burst of failures is acted
      // on in parallel (4 at a time queued detection → action for seconds in the benchmark).
      concurrency: 32,
    });
    closeables.push({ name: 'reaction-workers', close: () => reactions.close() });
    const guardWorker = startGuardrailsWorker({
      connection: workerRedis,
      prefix,
      log,
      handlers: {
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
            counted(await reconcileDeployBlocks({ ...workerLocking, sweep: true, only: envs }));
            return undefined;
          }
          const done = await withReconcileLock(redis, prefix, async () =>
            counted(
              await reconcileDeployBlocks({
                ...workerLocking,
                sweep: await sweepDue(redis, prefix, why),
              }),
            ),
          );
          // Another replica is reconciling: look again once it is done.
          return done === undefined ? { retryInMs: 500 } : undefined;
        },
        render: (id, firstTriedAt) => workerFlow.render(id, firstTriedAt),
        expire: (id) => workerFlow.expire(id),
      },
    });
    closeables.push({ name: 'guardrails-worker', close: () => guardWorker.close() });
    const workerGroups = createGroupRollbacks({
      config,
      service: workerService,
      store: groupStore,
      queue: groupQueue,
      aws,
      freezes,
      principals: createPrincipalResolver(slackPoster),
      audit,
      statusMessages,
      scheduleStatus: (r) => scheduler.schedule(r),
      poster: slackPoster as never,
      log,
      now: Date.now,
    });
    const groupWorker = startGroupWorker({
      connection: workerRedis,
      prefix,
      log,
      handlers: {
        step: (id, member, check) => workerGroups.step(id, member, check),
        expire: (id) => workerGroups.expire(id),
        render: (id) => workerGroups.render(id),
        version: (id) => workerGroups.version(id),
      },
    });
    closeables.push({ name: 'group-worker', close: () => groupWorker.close() });
    await guardQueue.startScheduler(guardrailsReconcileEveryMs);
    await guardQueue.reconcileNow('start-up');
    if (config.events.poll.enabled) {
      const polledEvents = createEventQueue({ connection: redis, prefix });
      closeables.push({ name: 'polled-events-queue', close: () => polledEvents.close() });
      const poller = await startPoller({
        connection: workerRedis,
        requestConnection: redis,
        prefix,
        config,
        aws,
        dedupe: createRedisDedupe(redis, { prefix }),
        enqueue: polledEvents.enqueue,
        calls: metrics.pollerAwsCalls,
        log,
      });
      closeables.push({ name: 'poller', close: () => poller.close() });
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
