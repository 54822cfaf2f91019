// Composition root below the process edge: config → adapters → services → roles.
// main.ts owns the process (exit codes, signals); this file owns wiring and shutdown order.

import { WebClient } from '@slack/web-api';
import { createAwsClients } from './aws/aws-clients.js';
import type { Config } from './config/config.js';
import type { Env } from './config/env.js';
import {
  createAwsEventsHandler,
  createEventQueue,
  createRedisDedupe,
  createSnsCertificateFetcher,
} from './events/index.js';
import { type RunningHttpServer, startHttpServer } from './http/server.js';
import { startRollbackWorkers } from './jobs/rollback-workers.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createRollbackService } from './services/rollback-service.js';
import { createSlackApp } from './slack/app.js';
import { createAttemptAudit } from './slack/attempt-audit.js';
import { registerListeners } from './slack/listeners/index.js';
import { createPrincipalResolver } from './slack/principals.js';
import { startStatusFollower } from './slack/status-follower.js';
import {
  createStatusMessages,
  createStatusScheduler,
  startStatusWorker,
} from './slack/status-messages.js';
import { createOfferStore } from './store/offer-store.js';
import { checkRedisSuitable, createRedis } from './store/redis.js';
import { redactRedisUrl, waitForRedisReady } from './store/redis-wait.js';
import { createRequestStore } from './store/request-store.js';

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
}

const REDIS_START_TIMEOUT_MS = 15_000;

export async function startBot({ env, config, log, host }: StartBotOptions): Promise<RunningBot> {
  const metrics = createMetrics();
  metrics.environments.set(Object.keys(config.environments).length);
  const shownUrl = redactRedisUrl(env.REDIS_URL);
  const closeables: Closeable[] = [];

  // Request-path connection: fails fast while Redis is down (readiness, producers).
  const redis = createRedis(env.REDIS_URL, 'request');
  redis.on('error', (err) => log.warn({ err: { message: err.message } }, 'Redis connection error'));
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
  };
  const statusMessages = createStatusMessages(redis, prefix);
  const scheduler = createStatusScheduler(redis, prefix);
  closeables.push({ name: 'status-scheduler', close: () => scheduler.close() });

  if (env.ROLE !== 'worker') {
    const service = createRollbackService({
      config,
      connection: redis,
      aws,
      queue: { prefix },
      store: { prefix },
    });
    closeables.push({ name: 'rollback-service', close: () => service.close() });
    const slack = createSlackApp(env, log);
    registerListeners(
      slack.app,
      {
        config,
        service,
        offers: createOfferStore(redis, prefix),
        principals: createPrincipalResolver(new WebClient(env.SLACK_BOT_TOKEN, slackClientOptions)),
        statusMessages,
        scheduleStatus: (r) => scheduler.schedule(r),
        audit: createAttemptAudit(redis, prefix),
        now: Date.now,
      },
      log,
    );
    if (slack.httpHandler) http.mount('/slack/events', slack.httpHandler);

    const events = createEventQueue({ connection: redis, prefix });
    closeables.push({ name: 'events-queue', close: () => events.close() });
    http.mount(
      '/aws/events',
      createAwsEventsHandler({
        log,
        metrics,
        ...(env.EVENTS_SHARED_SECRET ? { sharedSecret: env.EVENTS_SHARED_SECRET } : {}),
        snsTopics: config.events.snsTopics,
        enqueue: events.enqueue,
        dedupe: createRedisDedupe(redis, { prefix }),
        fetchCertificate: createSnsCertificateFetcher(),
      }),
    );
    await slack.start();
    closeables.push({ name: 'slack', close: () => slack.stop() });
  }

  if (env.ROLE !== 'web') {
    const workerRedis = createRedis(env.REDIS_URL, 'worker');
    closeables.push({ name: 'worker-redis', close: async () => void workerRedis.disconnect() });
    const workers = await startRollbackWorkers({
      connection: workerRedis,
      config,
      aws,
      queue: { prefix },
      store: { prefix },
      logger: log,
    });
    closeables.push({ name: 'rollback-workers', close: () => workers.close() });
    const store = createRequestStore(workerRedis, { prefix });
    const statusWorker = startStatusWorker({
      connection: workerRedis,
      prefix,
      client: new WebClient(env.SLACK_BOT_TOKEN, slackClientOptions) as never,
      messages: statusMessages,
      load: (id) => store.get(id),
      log,
    });
    closeables.push({ name: 'status-worker', close: () => statusWorker.close() });
    const follower = startStatusFollower({
      connection: createRedis(env.REDIS_URL, 'worker'),
      prefix,
      schedule: (r) => scheduler.schedule(r),
      log,
    });
    closeables.push({ name: 'status-follower', close: () => follower.close() });
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
