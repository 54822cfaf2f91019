// Redis connections and the start-up guard. BullMQ needs two kinds of connection:
// blocking workers (maxRetriesPerRequest: null) and request-path producers that fail fast.
import { Redis, type RedisOptions } from 'ioredis';
import { CodedError } from '../domain/errors.js';
import type { RedisHealth } from './redis-health.js';

export type ConnectionRole = 'worker' | 'request';

/**
 * A connection to Redis, as the rest of the bot holds one: created here, handed to the stores
 * and to BullMQ (src/jobs). Only src/store imports ioredis.
 */
export type RedisConnection = Redis;

/** A hash or stream entry from the flat field, value, field, value… list Redis answers with. */
export function fieldsOf(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

export interface CreateRedisOptions {
  /**
   * Watches the connection and every copy made of it (BullMQ copies each connection a Worker
   * is given): errors go to the log, rate-limited, as outages (redis-health.ts). The process
   * passes one for every connection; without it the caller must listen for 'error' itself, or
   * ioredis prints "[ioredis] Unhandled error event" as plain text.
   */
  health?: RedisHealth;
  /** Names the connection in the health's bookkeeping. Default the role. */
  label?: string;
  /** ioredis options over the role's. */
  redis?: RedisOptions;
}

/** A connection whose copies are watched by the same health. */
class WatchedRedis extends Redis {
  health!: RedisHealth;
  label!: string;
  override duplicate(override?: Partial<RedisOptions>): Redis {
    return watched(new WatchedRedis({ ...this.options, ...override }), this.health, this.label);
  }
}

function watched(redis: WatchedRedis, health: RedisHealth, label: string): WatchedRedis {
  redis.health = health;
  redis.label = label;
  health.watch(redis, label);
  return redis;
}

/**
 * worker:  retries forever while Redis is away (BullMQ requires maxRetriesPerRequest: null).
 * request: enableOfflineQueue false, so a command fails at once and visibly when Redis is down,
 *          instead of hanging a Slack ack or an AWS event answer.
 */
export function createRedis(
  url: string,
  role: ConnectionRole,
  opts: CreateRedisOptions = {},
): Redis {
  const base: RedisOptions = {
    lazyConnect: false,
    connectionName: `rollback-bot:${role}`,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
  };
  const byRole: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableOfflineQueue: true }
      : {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 2_000,
          // Commands issued in one turn of the event loop go out in one write: under load (many
          // events or clicks in flight) far fewer socket writes. Not on worker connections:
          // their blocking commands must not wait behind a batch.
          enableAutoPipelining: true,
        };
  const options = { ...base, ...byRole, ...opts.redis };
  if (!opts.health) return new Redis(url, options);
  return watched(new WatchedRedis(url, options), opts.health, opts.label ?? role);
}

export class RedisUnsuitableError extends CodedError {
  constructor(readonly problems: string[]) {
    super(
      'REDIS_UNSUITABLE',
      `Redis is not suitable for rollback-bot:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    this.name = 'RedisUnsuitableError';
  }
}

function parseVersion(v: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = v.split('.').map((n) => Number.parseInt(n, 10) || 0);
  return [a, b, c];
}

/**
 * Refuses a Redis that would lose jobs: older than 6.2, or evicting keys under memory pressure.
 * Managed Redis may forbid CONFIG GET; then INFO's maxmemory_policy is used.
 */
export async function checkRedisSuitable(
  redis: Redis,
): Promise<{ version: string; policy: string }> {
  const info = await redis.info();
  const field = (name: string) => info.match(new RegExp(`^${name}:(.*)$`, 'm'))?.[1]?.trim();
  const version = field('redis_version') ?? field('valkey_version') ?? '0.0.0';
  let policy = field('maxmemory_policy');
  if (!policy) {
    try {
      const res = (await redis.config('GET', 'maxmemory-policy')) as string[];
      policy = res[1];
    } catch {
      policy = undefined;
    }
  }
  const problems: string[] = [];
  const [maj, min] = parseVersion(version);
  if (maj < 6 || (maj === 6 && min < 2)) {
    problems.push(`version ${version} is too old: Redis 6.2 or newer is required (BullMQ).`);
  }
  if (policy !== 'noeviction') {
    problems.push(
      `maxmemory-policy is ${policy ?? 'unknown'}: set it to noeviction (redis.conf "maxmemory-policy noeviction", or the ElastiCache parameter group), otherwise Redis may evict queued rollback jobs.`,
    );
  }
  if (problems.length > 0) throw new RedisUnsuitableError(problems);
  return { version, policy: policy ?? 'noeviction' };
}
