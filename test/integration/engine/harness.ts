// Real Redis, the local AWS endpoint and the real SDK clients, wired like src/main.ts does.
import type { Redis } from 'ioredis';
import { ulid } from 'ulid';
import { inject } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../src/aws/aws-clients.js';
import type { Config } from '../../../src/config/config.js';
import { type RollbackWorkers, startRollbackWorkers } from '../../../src/jobs/rollback-workers.js';
import { createLogger } from '../../../src/log.js';
import { type AwsSandbox, startAwsSandbox } from '../../../src/sandbox/aws/index.js';
import {
  createRollbackService,
  type RollbackService,
} from '../../../src/services/rollback-service.js';
import { createRedis } from '../../../src/store/redis.js';
import { waitForRedisReady } from '../../../src/store/redis-wait.js';
import { CREDENTIALS, engineConfig, FAST } from './engine-config.js';
import { engineWorld } from './world.js';

export interface Engine {
  sandbox: AwsSandbox;
  aws: AwsClients;
  config: Config;
  service: RollbackService;
  names: { prefix: string; queue: string; queuePrefix: string };
  redisUrl: string;
  request: Redis;
  startWorker(extra?: {
    lockDurationMs?: number;
    stalledIntervalMs?: number;
  }): Promise<RollbackWorkers>;
  close(): Promise<void>;
}

export async function startEngine(
  opts: { redisUrl?: string; lockAfterRollback?: boolean } = {},
): Promise<Engine> {
  const redisUrl = opts.redisUrl ?? inject('redisUrl');
  const sandbox = await startAwsSandbox({
    port: 0,
    world: engineWorld(),
    time: { mode: 'manual' },
  });
  const aws = createAwsClients({ endpoint: sandbox.url, credentials: CREDENTIALS });
  const config = engineConfig(opts.lockAfterRollback);
  const id = ulid();
  const names = { prefix: `{t-${id}}`, queue: `rb-${id}`, queuePrefix: `{q-${id}}` };
  const request = createRedis(redisUrl, 'request');
  // A request connection fails commands fast while it connects (no offline queue): wait for it.
  await waitForRedisReady(request, 10_000, 'test redis');
  const service = createRollbackService({
    config,
    connection: request,
    aws,
    queue: { name: names.queue, prefix: names.queuePrefix },
    store: { prefix: names.prefix },
  });
  const workers: Array<{ w: RollbackWorkers; c: Redis }> = [];
  return {
    sandbox,
    aws,
    config,
    service,
    names,
    redisUrl,
    request,
    async startWorker(extra = {}) {
      const c = createRedis(redisUrl, 'worker');
      const w = await startRollbackWorkers({
        connection: c,
        config,
        aws,
        queue: { name: names.queue, prefix: names.queuePrefix },
        store: { prefix: names.prefix },
        log: createLogger('silent'),
        ...FAST,
        ...extra,
      });
      workers.push({ w, c });
      return w;
    },
    async close() {
      for (const { w, c } of workers) {
        await w.close();
        c.disconnect();
      }
      await service.close();
      const keys = [
        ...(await request.keys(`${names.prefix}*`)),
        ...(await request.keys(`${names.queuePrefix}*`)),
      ];
      if (keys.length > 0) await request.del(...keys);
      request.disconnect();
      aws.destroy();
      await sandbox.close();
    },
  };
}

/** Polls `check` until it returns a value (not undefined/false) or the deadline passes. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
