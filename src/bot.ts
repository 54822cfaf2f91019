// Composition root below the process edge: config → adapters → services → roles.
// main.ts owns the process (exit codes, signals); this file owns wiring and shutdown order.
import type { Config } from './config/config.js';
import type { Env } from './config/env.js';
import { type RunningHttpServer, startHttpServer } from './http/server.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createSlackApp } from './slack/app.js';
import { checkRedisSuitable, createRedis } from './store/redis.js';
import { redactRedisUrl, waitForRedisReady } from './store/redis-wait.js';

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
  if (env.ROLE !== 'worker') {
    const slack = createSlackApp(env, log);
    if (slack.httpHandler) http.mount('/slack/events', slack.httpHandler);
    await slack.start();
    closeables.push({ name: 'slack', close: () => slack.stop() });
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
