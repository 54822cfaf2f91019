// Redis connections. BullMQ needs two kinds of connection: blocking workers
// (maxRetriesPerRequest: null) and request-path producers that fail fast. Either is a client of
// one node or of a Redis Cluster (ElastiCache cluster mode included), as REDIS_MODE says.
import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { RedisHealth } from './redis-health.js';
import { clusterParts, type RedisTopology } from './redis-topology.js';

export { checkRedisSuitable, RedisUnsuitableError } from './redis-suitable.js';

export type ConnectionRole = 'worker' | 'request';

/**
 * A connection to Redis, as the rest of the bot holds one: created here, handed to the stores
 * and to BullMQ (src/jobs). A client of one node or of a cluster; both follow the same commands
 * (a cluster client routes each by its key's slot). Only src/store imports ioredis.
 */
export type RedisConnection = Redis | Cluster;

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
  /** ioredis options over the role's (a cluster's node connections get them too). */
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

/** How long a cluster client may sit closed, unasked and with nobody reconnecting it (ms). */
const STUCK_CLOSED_MS = 1_000;

/**
 * A cluster client whose copies (BullMQ's blocking connections) are watched by the same health,
 * if it has one. Cluster.duplicate reads startup nodes it keeps private: this class keeps its own.
 *
 * It also reconnects itself when left closed. ioredis 5 reconnects a cluster only from the
 * 'close' listener its last connect() armed; a node connection that ends late (after a
 * disconnect) empties the pool again and sets the status to 'close' with no listener left, and a
 * connect() that sees that status mid-way gives up ("Connection is aborted"). BullMQ's blocking
 * connection does exactly that after a killed primary (its bzpopmin recovery: disconnect, then
 * connect at once): the client stayed 'close' for good, the worker's fetch waited for 'ready'
 * forever, and Worker.close() waited for that fetch.
 */
class WatchedCluster extends Cluster {
  health?: RedisHealth;
  label!: string;
  /** quit() or disconnect() without reconnect was called since the last connect(). */
  private closedOnPurpose?: boolean;
  private repair?: NodeJS.Timeout;
  constructor(
    readonly seeds: ClusterNode[],
    options: ClusterOptions,
  ) {
    super(seeds, options);
    this.on('close', () => this.repairIfStuck());
    this.on('end', () => this.repairIfStuck());
  }
  override connect(): Promise<void> {
    this.closedOnPurpose = false;
    return super.connect();
  }
  override disconnect(reconnect = false): void {
    if (!reconnect) this.closedOnPurpose = true;
    super.disconnect(reconnect);
  }
  override quit(callback?: Parameters<Cluster['quit']>[0]): Promise<'OK'> {
    this.closedOnPurpose = true;
    return super.quit(callback);
  }
  /** Connects again if, a moment after a close nobody asked for, nothing else has. */
  private repairIfStuck(): void {
    if (this.closedOnPurpose || this.repair) return;
    this.repair = setTimeout(() => {
      this.repair = undefined;
      if (this.closedOnPurpose || (this.status !== 'close' && this.status !== 'end')) return;
      // A failure here goes the usual way: 'error' events and ioredis's clusterRetryStrategy.
      this.connect().catch(() => undefined);
    }, STUCK_CLOSED_MS);
    this.repair.unref();
  }
  override duplicate(overrideSeeds?: ClusterNode[], override: Partial<ClusterOptions> = {}) {
    const seeds = overrideSeeds?.length ? overrideSeeds : this.seeds;
    const copy = new WatchedCluster(seeds, { ...this.options, ...override });
    return this.health ? watched(copy, this.health, this.label) : copy;
  }
}

function watched<C extends WatchedRedis | WatchedCluster>(
  redis: C,
  health: RedisHealth,
  label: string,
): C {
  redis.health = health;
  redis.label = label;
  health.watch(redis, label);
  return redis;
}

const RECONNECT = (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2_000);

/**
 * worker:  retries forever while Redis is away (BullMQ requires maxRetriesPerRequest: null).
 * request: enableOfflineQueue false, so a command fails at once and visibly when Redis is down,
 *          instead of hanging a Slack ack or an AWS event answer.
 */
function roleOptions(role: ConnectionRole): RedisOptions {
  return role === 'worker'
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
}

/**
 * A connection of `role` to `target`: a URL (one node) or a topology (REDIS_MODE and REDIS_URL's
 * seeds). For a cluster, the role's offline queue and pipelining apply to the cluster client,
 * the rest to each node's connection.
 */
export function createRedis(target: string, role: ConnectionRole, opts?: CreateRedisOptions): Redis;
export function createRedis(
  target: RedisTopology,
  role: ConnectionRole,
  opts?: CreateRedisOptions,
): RedisConnection;
export function createRedis(
  target: string | RedisTopology,
  role: ConnectionRole,
  opts: CreateRedisOptions = {},
): RedisConnection {
  const label = opts.label ?? role;
  const byRole = roleOptions(role);
  if (typeof target === 'string' || target.mode === 'single') {
    const url = typeof target === 'string' ? target : target.urls[0]!;
    const options: RedisOptions = {
      lazyConnect: false,
      connectionName: `rollback-bot:${role}`,
      retryStrategy: RECONNECT,
      ...byRole,
      ...opts.redis,
    };
    if (!opts.health) return new Redis(url, options);
    return watched(new WatchedRedis(url, options), opts.health, label);
  }
  // No auto-pipelining on a cluster: ioredis groups a batch by node and handles MOVED for the
  // whole batch, so a failover fails commands a plain client would have redirected (ioredis
  // issue 2075), and it picks a script's slot from its first argument, not its first key (2109).
  const { enableOfflineQueue, enableAutoPipelining: _, ...perNode } = byRole;
  const parts = clusterParts(target.urls);
  const options: ClusterOptions = {
    ...parts.options,
    lazyConnect: false,
    enableOfflineQueue: enableOfflineQueue ?? true,
    clusterRetryStrategy: RECONNECT,
    // A failover moves slots: a command answered MOVED/CLUSTERDOWN/TRYAGAIN is sent again after
    // these delays (ms) while the cluster elects and the slot map is read again.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    maxRedirections: 32,
    slotsRefreshTimeout: 2_000,
    redisOptions: {
      connectionName: `rollback-bot:${role}`,
      ...parts.redisOptions,
      ...perNode,
      ...opts.redis,
    },
  };
  if (!opts.health) return new WatchedCluster(parts.seeds, options);
  return watched(new WatchedCluster(parts.seeds, options), opts.health, label);
}
