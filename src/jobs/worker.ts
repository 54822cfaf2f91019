// The one place a BullMQ Worker is made: startWorker runs a queue's jobs with a plain processor
// (processor.ts), the queue's concurrency (queues.ts) and the options every worker shares
// (worker-options.ts). Here, and only here, a processor's RetryLater and GiveUp become BullMQ's
// "delayed, not an attempt" and "failed, no more attempts".
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from '../log.js';
import type { RedisConnection } from '../store/redis.js';
import { reportRedisErrors } from '../store/redis-health.js';
import { GiveUp, type Processor, RetryLater } from './processor.js';
import { type JobData, QUEUES, type QueueKind } from './queues.js';
import { WORKER_DEFAULTS } from './worker-options.js';

/** What every worker of a process shares. */
export interface WorkerSetup {
  /** A worker connection (createRedis(url, 'worker'): maxRetriesPerRequest null). */
  connection: RedisConnection;
  /** BullMQ key prefix: the configured REDIS_PREFIX (a `{hash-tag}`: one Redis Cluster slot). */
  prefix: string;
  log: Logger;
}

export interface StartWorkerOptions {
  /** Jobs run in parallel. Default the queue's (queues.ts). */
  concurrency?: number;
  /** Queue name. Default the queue's; tests use their own. */
  name?: string;
  /**
   * BullMQ lock duration; a crashed worker's job runs again once its lock lapses and the stall
   * check sees it. Default BullMQ's 30 s.
   */
  lockDurationMs?: number;
  /** How often BullMQ looks for stalled jobs. Default BullMQ's 30 s. */
  stalledIntervalMs?: number;
}

export type RunningWorker = Pick<Worker, 'close' | 'waitUntilReady' | 'on' | 'once'>;

export function startWorker<K extends QueueKind, Data extends JobData[K]>(
  kind: K,
  process: Processor<Data>,
  setup: WorkerSetup,
  options: StartWorkerOptions = {},
): RunningWorker {
  const queue = options.name ?? QUEUES[kind].name;
  const worker = new Worker<Data>(queue, (job, token) => run(process, job, token), {
    ...WORKER_DEFAULTS,
    connection: setup.connection,
    prefix: setup.prefix,
    concurrency: options.concurrency ?? QUEUES[kind].concurrency,
    ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs } : {}),
    ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
  });
  worker.on('failed', (job, err) => {
    const retried = job !== undefined && job.attemptsMade < (job.opts.attempts ?? 1);
    const fields = {
      queue,
      job: job?.name,
      jobId: job?.id,
      attemptsMade: job?.attemptsMade,
      err: { message: err.message },
    };
    // A retried failure (a Slack rate limit on a render, a Redis blip) is expected: a warning
    // only when the job gives up.
    if (retried) setup.log.info(fields, 'job failed, will retry');
    else setup.log.warn(fields, 'job failed');
  });
  reportRedisErrors(worker, setup.connection, `${kind}-worker`, (err) =>
    setup.log.error({ queue, err: { message: err.message } }, 'worker error'),
  );
  return worker;
}

async function run<Data>(process: Processor<Data>, job: Job<Data>, token: string | undefined) {
  try {
    return await process(job.data, { id: job.id ?? '', name: job.name, addedAt: job.timestamp });
  } catch (err) {
    if (err instanceof RetryLater) return retryLater(job, token, err.delayMs);
    if (err instanceof GiveUp) throw new UnrecoverableError(err.message);
    throw err;
  }
}

/** The one "run it again later without counting an attempt". */
async function retryLater(job: Job, token: string | undefined, delayMs: number): Promise<never> {
  // BullMQ compares a delayed job's time with the wall clock, so this one is Date.now.
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}
