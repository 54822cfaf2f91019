// Runs the rollback workers (ROLE=worker|all). On start it re-adds jobs for requests left
// queued or running, so a lost job (Redis restored from an older AOF, a crash between the
// transition and the add) cannot strand a request.
import type { AwsClients } from '../aws/aws-clients.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import { createLockLiftStore } from '../store/lock-lift-store.js';
import { createReconcileStore } from '../store/reconcile-store.js';
import type { RedisConnection } from '../store/redis.js';
import { createRequestStore, type RequestStoreOptions } from '../store/request-store.js';
import { createStageLockStore } from '../store/stage-lock-store.js';
import { createStandingStore } from '../store/standing-store.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { createRollbackProcessor } from './rollback-processor.js';
import { createRollbackQueue, type RollbackQueueOptions } from './rollback-queue.js';
import { type RunningWorker, type StartWorkerOptions, startWorker } from './worker.js';

export interface RollbackWorkersOptions
  extends Pick<StartWorkerOptions, 'lockDurationMs' | 'stalledIntervalMs'> {
  /** A worker connection (createRedis(url, 'worker')): maxRetriesPerRequest null. */
  connection: RedisConnection;
  config: Config;
  aws: AwsClients;
  /** The queue's prefix (the configured REDIS_PREFIX) and name. */
  queue: RollbackQueueOptions;
  /** The stores' prefix (the configured REDIS_PREFIX). */
  store: RequestStoreOptions & { prefix: string };
  /** Parallel jobs per worker. Default 4 (queues.ts). */
  concurrency?: number;
  /** Delay between re-checks of a running rollback. Default 5 s. */
  followDelayMs?: number;
  /** Give up following after this long. Default 6 h. */
  followTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  log: Logger;
  /** Clock, for tests. Default Date.now. */
  now?: () => number;
}

export interface RollbackWorkers {
  worker: RunningWorker;
  close(): Promise<void>;
}

export async function startRollbackWorkers(opts: RollbackWorkersOptions): Promise<RollbackWorkers> {
  const store = createRequestStore(opts.connection, opts.store);
  const queue = createRollbackQueue(opts.connection, opts.queue);
  const followDelayMs = opts.followDelayMs ?? 5_000;
  const processor = createRollbackProcessor({
    store,
    standing: createStandingStore(opts.connection, opts.store.prefix),
    locks: createStageLockStore(opts.connection, opts.store.prefix),
    lifts: createLockLiftStore(opts.connection, opts.store.prefix),
    passes: createReconcileStore(opts.connection, opts.store.prefix),
    queue,
    aws: opts.aws,
    config: opts.config,
    retry: { ...DEFAULT_RETRY_POLICY, ...opts.retry },
    followDelayMs,
    followTimeoutMs: opts.followTimeoutMs ?? 6 * 3600_000,
    now: opts.now ?? Date.now,
    random: Math.random,
    log: opts.log,
  });
  const worker = startWorker(
    'rollback',
    processor,
    { connection: opts.connection, prefix: opts.queue.prefix, log: opts.log },
    {
      name: opts.queue.name,
      concurrency: opts.concurrency,
      lockDurationMs: opts.lockDurationMs,
      stalledIntervalMs: opts.stalledIntervalMs,
    },
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
