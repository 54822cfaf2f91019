// A private Redis Cluster (3 primaries, one replica each: scripts/lib/redis-cluster.mjs) for the
// test file that calls useRedisCluster(): started once before its tests (~2 s), stopped after.
// And testRedis(): a connection to the run's Redis, a cluster client when the run is on one
// (vitest.cluster.config.ts provides redisMode 'cluster').
import { afterAll, beforeAll, inject } from 'vitest';
import {
  type RedisClusterHandle,
  type StartRedisClusterOptions,
  startRedisCluster,
} from '../../scripts/lib/redis-cluster.mjs';
import { createRedis, type RedisConnection } from '../../src/store/redis.js';
import { type RedisMode, redisTopology } from '../../src/store/redis-topology.js';

export interface TestCluster {
  handle: RedisClusterHandle;
  /** REDIS_URL for the bot: every node, comma-separated. */
  url: string;
}

/** Starts a cluster for this file; the getter is valid inside tests and hooks. */
export function useRedisCluster(opts: StartRedisClusterOptions = {}): () => TestCluster {
  let cluster: TestCluster | undefined;
  beforeAll(async () => {
    const handle = await startRedisCluster(opts);
    cluster = { handle, url: handle.urls.join(',') };
  }, 30_000);
  afterAll(async () => {
    await cluster?.handle.stop();
  });
  return () => {
    if (!cluster) throw new Error('useRedisCluster: the cluster is not started yet');
    return cluster;
  };
}

/** The run's Redis mode (single unless the run is on a cluster). */
export function testRedisMode(): RedisMode {
  return inject('redisMode') ?? 'single';
}

/**
 * A connection to the run's Redis (or to `url` in `mode`), like the bot's request connection but
 * with an offline queue, so a test may issue commands before it is ready. Close with disconnect().
 */
export function testRedis(url = inject('redisUrl'), mode = testRedisMode()): RedisConnection {
  return createRedis(redisTopology(url, mode), 'worker');
}

/** KEYS `pattern` on every primary (a cluster client sends KEYS to one node only). */
export async function keysEverywhere(redis: RedisConnection, pattern: string): Promise<string[]> {
  if (!('nodes' in redis)) return redis.keys(pattern);
  const all = await Promise.all(redis.nodes('master').map((n) => n.keys(pattern)));
  return all.flat();
}
