// The composition root below the process edge: config → adapters → services (once) → the HTTP
// server → the roles ROLE asks for (web, worker, or both with `all`). main.ts owns the process
// (exit codes, signals); this file owns the order things start and stop in. Tests start the bot
// here too, with overrides where they need shorter timings (src/app/README.md).
import { type RunningHttpServer, startHttpServer } from '../http/server.js';
import type { Metrics } from '../metrics.js';
import type { RedisConnection } from '../store/redis.js';
import { type AdapterOverrides, type Adapters, type BotBase, buildAdapters } from './adapters.js';
import { buildServices, type ServiceOverrides, type Services } from './services.js';
import { startWebRole, type WebRoleOverrides } from './web-role.js';
import { startWorkerRole, type WorkerRoleOverrides } from './worker-role.js';

/** Every part a test may replace or time differently, across the builders. */
export interface BotOverrides
  extends AdapterOverrides,
    ServiceOverrides,
    WebRoleOverrides,
    WorkerRoleOverrides {}

export interface StartBotOptions extends BotBase {
  /** Bind address; default all interfaces (containers). */
  host?: string;
  overrides?: BotOverrides;
}

export interface RunningBot {
  port: number;
  metrics: Metrics;
  http: RunningHttpServer;
  /** The one services graph both roles use (tests act and look through it). */
  services: Services;
  stop(): Promise<void>;
}

const PING_TIMEOUT_MS = 1_000;

/** /readyz: Redis answers PING within a second (also the redis_up gauge), and config loaded. */
async function startHttp(a: Adapters, host: string | undefined): Promise<RunningHttpServer> {
  const { redis, metrics } = a;
  return startHttpServer(a.env.PORT, host, {
    log: a.log,
    metrics,
    readiness: [
      {
        name: 'redis',
        check: async () => {
          try {
            await pingWithin(redis, PING_TIMEOUT_MS);
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
}

async function pingWithin(redis: RedisConnection, ms: number): Promise<void> {
  const pong = await Promise.race([
    redis.ping(),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`PING timed out after ${ms / 1000} s`)), ms).unref(),
    ),
  ]);
  if (pong !== 'PONG') throw new Error(`unexpected PING answer ${pong}`);
}

export async function startBot({
  host,
  overrides = {},
  ...base
}: StartBotOptions): Promise<RunningBot> {
  const a = await buildAdapters(base, overrides);
  const { env, log } = a;
  let http: RunningHttpServer | undefined;
  const stop = async () => {
    await http?.close();
    await a.closeables.closeAll();
  };
  try {
    http = await startHttp(a, host);
    const services = buildServices(a, overrides);
    if (env.ROLE !== 'worker') await startWebRole(a, services, http, overrides);
    if (env.ROLE !== 'web') await startWorkerRole(a, services, overrides);
    log.info(
      { port: http.port, role: env.ROLE, slack: env.SLACK_APP_TOKEN ? 'socket-mode' : 'http' },
      'rollback-bot is listening',
    );
    let stopping: Promise<void> | undefined;
    return {
      port: http.port,
      metrics: a.metrics,
      http,
      services,
      stop: () => {
        stopping ??= stop();
        return stopping;
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
