// Runs the rollback workers (ROLE=worker|all). On start it re-adds jobs for requests left
// queued or running, so a lost job (Redis restored from an older AOF, a crash between the
// transition and the add) cannot strand a request.
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AwsClients } from '../aws/aws-clients.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import { DEFAULT_PREFIX } from '../store/redis.js';
import { reportRedisErrors } from '../store/redis-health.js';
import { createRequestStore, type RequestStoreOptions } from '../store/request-store.js';
import { createStageLockStore } from '../store/stage-lock-store.js';
import { createStandingStore } from '../store/standing-store.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { createRollbackProcessor } from './rollback-processor.js';
import {
  createRollbackQueue,
  ROLLBACK_QUEUE,
  type RollbackJobData,
  type RollbackJobName,
  type RollbackQueueOptions,
} from './rollback-queue.js';
import { WORKER_DEFAULTS } from './worker-options.js';

export interface RollbackWorkersOptions {
  /** A worker connection (createRedis(url, 'worker')): maxRetriesPerRequest null. */
  connection: Redis;
  config: Config;
  aws: AwsClients;
  queue?: RollbackQueueOptions;
  store?: RequestStoreOptions;
  /** Parallel jobs per worker. Default 4. */
  concurrency?: number;
  /** Delay between re-checks of a running rollback. Default 5 s. */
  followDelayMs?: number;
  /** Give up following after this long. Default 6 h. */
  followTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  /**
   * BullMQ lock duration; a crashed worker's job runs again once its lock lapses and the stall
   * check sees it. Default BullMQ's 30 s.
   */
  lockDurationMs?: number;
  /** How often BullMQ looks for stalled jobs. Default BullMQ's 30 s. */
  stalledIntervalMs?: number;
  /** Clock, for tests. Default Date.now. */
  now?: () => number;
}

export interface RollbackWorkers {
  worker: Worker<RollbackJobData, unknown, RollbackJobName>;
  close(): Promise<void>;
}

export async function startRollbackWorkers(opts: RollbackWorkersOptions): Promise<RollbackWorkers> {
  const store = createRequestStore(opts.connection, opts.store);
  const queue = createRollbackQueue(opts.connection, opts.queue);
  const followDelayMs = opts.followDelayMs ?? 5_000;
  const processor = createRollbackProcessor({
    store,
    standing: createStandingStore(opts.connection, opts.store?.prefix ?? DEFAULT_PREFIX),
    locks: createStageLockStore(opts.connection, opts.store?.prefix ?? DEFAULT_PREFIX),
    queue,
    aws: opts.aws,
    config: opts.config,
    retry: { ...DEFAULT_RETRY_POLICY, ...opts.retry },
    followDelayMs,
    followTimeoutMs: opts.followTimeoutMs ?? 6 * 3600_000,
    now: opts.now ?? Date.now,
    random: Math.random,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const worker = new Worker<RollbackJobData, unknown, RollbackJobName>(
    opts.queue?.name ?? ROLLBACK_QUEUE,
    processor,
    {
      ...WORKER_DEFAULTS,
      connection: opts.connection,
      prefix: opts.queue?.prefix ?? DEFAULT_PREFIX,
      concurrency: opts.concurrency ?? 4,
      ...(opts.lockDurationMs ? { lockDuration: opts.lockDurationMs } : {}),
      ...(opts.stalledIntervalMs ? { stalledInterval: opts.stalledIntervalMs } : {}),
    },
  );
  worker.on('failed', (job, err) =>
    opts.logger?.warn({ jobId: job?.id, err }, 'rollback job failed'),
  );
  reportRedisErrors(worker, opts.connection, 'rollback-worker', (err) =>
    opts.logger?.error({ err }, 'rollback worker error'),
  );

  for (const env of Object.keys(opts.config.environments)) {
    for (const req of await store.listByEnv(env, 50)) {
      if (
        req.state === 'queued' ||
        (req.state === 'running' && !req.awsExecutionId && !req.stoppedDeploymentId)
      ) {
        await queue.addExecute(req.id);
      } else if (req.state === 'running') {
        await queue.addFollow(req.id, Date.now(), followDelayMs);
      }
    }
  }

  return {
    worker,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
