// The composition root below the process edge: config → adapters → services (once) → the HTTP
// server → the roles ROLE asks for (web, worker, or both with `all`). main.ts owns the process
// (exit codes, signals); this file owns the order things start and stop in. Tests start the bot
// here too, with overrides where they need shorter timings (src/app/README.md).
import { type RunningHttpServer, startHttpServer } from '../http/server.js';
import type { Metrics } from '../metrics.js';
import type { RedisConnection } from '../store/redis.js';
import { type AdapterOverrides, type Adapters, type BotBase, buildAdapters } from './adapters.js';
import { buildServices, type ServiceOverrides, type Services } from './services.js';
import { startWebRole, type WebRole, type WebRoleOverrides } from './web-role.js';
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
  /**
   * Settles when the bot cannot go on and the process should stop (main.ts exits 1): Slack
   * refused SLACK_APP_TOKEN while reconnecting. Never settles otherwise.
   */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

const PING_TIMEOUT_MS = 1_000;

/**
 * /readyz: Redis answers PING within a second (also the redis_up gauge), config loaded, and in
 * Socket Mode (web role) the connection to Slack is open (src/slack/README.md).
 */
async function startHttp(
  a: Adapters,
  host: string | undefined,
  web: WebRole,
): Promise<RunningHttpServer> {
  const { redis, metrics } = a;
  const socketMode = a.env.ROLE !== 'worker' && Boolean(a.env.SLACK_APP_TOKEN);
  const slack = {
    name: 'slack',
    check: async () => {
      if (!web.socket) throw new Error('Socket Mode not connected yet');
      web.socket.check();
    },
  };
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
      ...(socketMode ? [slack] : []),
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
  // Filled in once the web role is up; readiness reads it on each request.
  const web: WebRole = {};
  try {
    http = await startHttp(a, host, web);
    const services = buildServices(a, overrides);
    if (env.ROLE !== 'worker') Object.assign(web, await startWebRole(a, services, http, overrides));
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
      failed: web.socket?.failed ?? new Promise<Error>(() => undefined),
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
