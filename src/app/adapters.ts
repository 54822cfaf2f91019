// The process's adapters, built once: the Redis connections (one health watching them all, and
// the start-up check that Redis is suitable), the AWS clients, the one Slack Web API client and
// the metrics. Each door's client is made here and nowhere else in the composition; services and
// roles get them from this object (src/app/README.md).
import { type AwsClients, createAwsClients } from '../aws/aws-clients.js';
import type { Config } from '../config/config.js';
import type { Env } from '../config/env.js';
import type { Logger } from '../log.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { proxySettingsOf, shownProxy, usesProxy } from '../runtime/proxy-settings.js';
import { createChannelPacer } from '../slack/channel-pacer.js';
import { createSlackWeb, type SlackWeb } from '../slack/slack-web.js';
import { createChannelLineStore } from '../store/channel-line-store.js';
import { checkRedisSuitable, createRedis, type RedisConnection } from '../store/redis.js';
import { createRedisHealth } from '../store/redis-health.js';
import { redisTopology, topologyMismatch } from '../store/redis-topology.js';
import { redactRedisUrl, waitForRedisReady } from '../store/redis-wait.js';
import { type Closeables, createCloseables } from './closeables.js';

/** What a process starts from: the validated environment and config, and its logger. */
export interface BotBase {
  env: Env;
  config: Config;
  log: Logger;
}

/** Parts a test may put in place of the real ones; everything else is built as in production. */
export interface AdapterOverrides {
  /** The clock every service and queue reads. Default Date.now. */
  clock?: () => number;
}

export interface Adapters extends BotBase {
  /** REDIS_PREFIX: every store's and queue's key prefix. */
  prefix: string;
  now: () => number;
  metrics: Metrics;
  /** Request-path connection: fails fast while Redis is down (readiness, stores, producers). */
  redis: RedisConnection;
  /** A new worker connection (BullMQ workers, blocking reads), watched and closed with the rest. */
  workerConnection(label?: string): RedisConnection;
  aws: AwsClients;
  /** The one Slack Web API client, as the poster, principals and conversation reads. */
  slack: SlackWeb;
  /** Everything the process opened; builders and roles add to it (closeables.ts). */
  closeables: Closeables;
}

const REDIS_START_TIMEOUT_MS = 15_000;

export async function buildAdapters(base: BotBase, o: AdapterOverrides = {}): Promise<Adapters> {
  const { env, config, log } = base;
  const metrics = createMetrics();
  metrics.environments.set(Object.keys(config.environments).length);
  const shownUrl = redactRedisUrl(env.REDIS_URL);
  const closeables = createCloseables(log);
  // Every connection is made with it: outages are logged once, not per reconnect attempt.
  const health = createRedisHealth({ log, target: shownUrl });
  // REDIS_MODE: one node, or a cluster client over REDIS_URL's seed nodes.
  const topology = redisTopology(env.REDIS_URL, env.REDIS_MODE);
  const redis = createRedis(topology, 'request', { health });
  closeables.add('redis', () => void redis.disconnect());
  try {
    await waitForRedisReady(redis, REDIS_START_TIMEOUT_MS, shownUrl, topology);
    const { version, policy, primaries } = await checkRedisSuitable(redis, topology.urls[0]);
    log.info(
      {
        redis: shownUrl,
        mode: topology.mode,
        primaries,
        version,
        policy,
        prefix: env.REDIS_PREFIX,
      },
      'Redis is suitable',
    );
  } catch (err) {
    redis.disconnect();
    // A MOVED or "cluster support disabled" answer: say which REDIS_MODE fits.
    throw topologyMismatch(err, topology) ?? err;
  }
  const prefix = env.REDIS_PREFIX;
  const now = o.clock ?? Date.now;
  // HTTPS_PROXY / HTTP_PROXY / NO_PROXY, read once (src/runtime/proxy-settings.ts).
  const proxy = proxySettingsOf(env);
  if (usesProxy(proxy)) {
    log.info(
      {
        https: shownProxy(proxy.https),
        http: shownProxy(proxy.http),
        noProxy: proxy.noProxy.length,
      },
      'Slack and AWS connections go through the proxy',
    );
  }
  const aws = createAwsClients({
    ...(env.AWS_ENDPOINT_URL ? { endpoint: env.AWS_ENDPOINT_URL } : {}),
    proxy,
  });
  closeables.add('aws', () => aws.destroy());
  return {
    ...base,
    prefix,
    now,
    metrics,
    redis,
    workerConnection(label) {
      const c = createRedis(topology, 'worker', { health, ...(label ? { label } : {}) });
      closeables.add(label ?? 'worker-redis', () => void c.disconnect());
      return c;
    },
    aws,
    // Every post takes a slot in its channel's line, one line per channel shared by all replicas
    // (src/slack/poster.ts, channel-pacer.ts).
    slack: createSlackWeb(env, createChannelPacer(createChannelLineStore(redis, prefix), {}, now)),
    closeables,
  };
}
