// The poller's ticks as jobs: a job scheduler adds a `poll` job every `everyMs` (one scheduler per
// prefix, however many replicas upsert it) and a worker runs them one at a time. What a tick does
// is events/poller/poller.ts's.
import type { RedisConnection } from '../store/redis.js';
import { openQueue } from './open-queue.js';
import { JOB_OPTIONS, SCHEDULERS } from './queues.js';
import { startWorker, type WorkerSetup } from './worker.js';

export interface PollScheduleOptions extends WorkerSetup {
  /** Request-path connection, for the scheduler. */
  requestConnection: RedisConnection;
  everyMs: number;
  tick: () => Promise<void>;
}

export async function startPollSchedule(
  opts: PollScheduleOptions,
): Promise<{ close(): Promise<void> }> {
  const queue = openQueue<Record<string, never>>('poller', {
    connection: opts.requestConnection,
    prefix: opts.prefix,
  });
  await queue.upsertJobScheduler(
    SCHEDULERS.poll,
    { every: opts.everyMs },
    { name: 'poll', data: {}, opts: JOB_OPTIONS.scheduled },
  );
  const worker = startWorker('poller', () => opts.tick(), opts);
  return {
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
