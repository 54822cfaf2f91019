// Vitest global set-up for vitest.cluster.config.ts: one private Redis Cluster (3 primaries, one
// replica each) for the whole run, given to the tests as redisUrl (every node, comma-separated)
// with redisMode 'cluster'; the harness then starts the bot with REDIS_MODE=cluster.
import type { TestProject } from 'vitest/node';
import { startRedisCluster } from '../../scripts/lib/redis-cluster.mjs';
import type { RedisMode } from '../../src/store/redis-topology.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** 'cluster' when the run's redisUrl lists a cluster's seed nodes; default single. */
    redisMode: RedisMode;
  }
}

export default async function setup(project: TestProject) {
  const cluster = await startRedisCluster();
  project.provide('redisUrl', cluster.urls.join(','));
  project.provide('redisMode', 'cluster');
  return async () => {
    await cluster.stop();
  };
}
