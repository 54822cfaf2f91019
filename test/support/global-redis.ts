// Vitest global set-up: one private redis-server for the whole run unless REDIS_URL is given.
// Tests that must stop or break Redis start their own with startRedisServer().
import type { TestProject } from 'vitest/node';
import { startRedisServer } from '../../scripts/lib/redis-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return;
  }
  const redis = await startRedisServer({ appendonly: false });
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.stop();
  };
}
