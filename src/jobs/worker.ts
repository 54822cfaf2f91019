// The one place a BullMQ Worker is made: startWorker runs a queue's jobs with a plain processor
// (processor.ts), the queue's concurrency (queues.ts) and the options every worker shares
// (worker-options.ts). Here, and only here, a processor's RetryLater and GiveUp become BullMQ's
// "delayed, not an attempt" and "failed, no more attempts".
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from '../log.js';
import { settledWithin } from '../runtime/deadline.js';
import type { RedisConnection } from '../store/redis.js';
import { reportRedisErrors } from '../store/redis-health.js';
import { GiveUp, type Processor, RetryLater } from './processor.js';
import { type JobData, QUEUES, type QueueKind } from './queues.js';
import { WORKER_CLOSE_TIMEOUT_MS, WORKER_DEFAULTS } from './worker-options.js';

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
  /** How long close() waits for the active jobs before leaving them. Default 5 s. */
  closeTimeoutMs?: number;
}

export type RunningWorker = Pick<Worker, 'close' | 'waitUntilReady' | 'on' | 'once'>;

export function startWorker<K extends QueueKind, Data extends JobData[K]>(
  kind: K,
  process: Processor<Data>,
  setup: WorkerSetup,
  options: StartWorkerOptions = {},
): RunningWorker {
  const queue = options.name ?? QUEUES[kind].name;
  const closeTimeoutMs = options.closeTimeoutMs ?? WORKER_CLOSE_TIMEOUT_MS;
  const active: ActiveJobs = new Map();
  const bound = { log: setup.log, queue, timeoutMs: closeTimeoutMs, active };
  const processor = (job: Job<Data>, token?: string) =>
    tracked(active, job, () => run(process, job, token));
  const worker = new BoundedWorker<Data>(bound, queue, processor, {
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

/** The jobs whose processor is running: id → name and start. */
type ActiveJobs = Map<string, { name: string; since: number }>;

interface CloseBound {
  log: Logger;
  queue: string;
  timeoutMs: number;
  active: ActiveJobs;
}

async function tracked<T>(active: ActiveJobs, job: Job, work: () => Promise<T>): Promise<T> {
  const id = job.id ?? '';
  active.set(id, { name: job.name, since: Date.now() });
  try {
    return await work();
  } finally {
    active.delete(id);
  }
}

/**
 * A Worker whose close() ends within a bound. BullMQ's close waits for every active job and
 * for the fetch in flight, with no limit: a job stuck on Redis (or a fetch stuck on a blocking
 * connection) would hold the process's stop forever. After `timeoutMs` the close is left to
 * finish on its own, with a warning naming what it left, and the locks of the jobs left are no
 * longer renewed: they become BullMQ stalled jobs, run again by the next worker.
 */
class BoundedWorker<Data> extends Worker<Data> {
  constructor(
    private readonly bound: CloseBound,
    ...args: ConstructorParameters<typeof Worker<Data>>
  ) {
    super(...args);
  }

  override async close(force = false): Promise<void> {
    const closed = super.close(force);
    if (await settledWithin(closed, this.bound.timeoutMs)) return;
    closed.catch(() => undefined);
    // BullMQ stops renewing locks only after the jobs end: stop now, so the locks of the jobs
    // left lapse and the stalled-job check hands them to the next worker.
    await this.lockManager.close();
    const now = Date.now();
    const abandoned = [...this.bound.active].map(([id, job]) => ({
      jobId: id,
      job: job.name,
      runningMs: now - job.since,
    }));
    this.bound.log.warn(
      { queue: this.bound.queue, waitedMs: this.bound.timeoutMs, abandoned },
      abandoned.length
        ? 'worker did not close in time: left its active jobs, they run again once their lock lapses'
        : 'worker did not close in time: left its wait for the next job',
    );
  }
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
