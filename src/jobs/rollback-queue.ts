// The rollback queue's producer: `execute` a request once, `follow` it with delayed re-checks.
// Names, payloads, job ids and options are in queues.ts.
import type { RedisConnection } from '../store/redis.js';
import { openQueue, type QueueSetup } from './open-queue.js';
import {
  executeJobId,
  followJobId,
  JOB_OPTIONS,
  type RollbackJobData,
  type RollbackJobName,
} from './queues.js';

/** The queue's key prefix (required: the configured REDIS_PREFIX) and name (tests use their own). */
export type RollbackQueueOptions = Omit<QueueSetup, 'connection'>;

export function createRollbackQueue(connection: RedisConnection, options: RollbackQueueOptions) {
  const queue = openQueue<RollbackJobData, RollbackJobName>('rollback', { connection, ...options });
  return {
    queue,
    /** `delayMs` (default 0): an automatic rollback's grace period, during which it may be cancelled. */
    async addExecute(requestId: string, opts: { delayMs?: number } = {}): Promise<void> {
      await queue.add(
        'execute',
        { requestId },
        {
          ...JOB_OPTIONS.rollback,
          jobId: executeJobId(requestId),
          ...(opts.delayMs && opts.delayMs > 0 ? { delay: opts.delayMs } : {}),
        },
      );
    },
    async addFollow(requestId: string, check: number, delayMs: number): Promise<void> {
      await queue.add(
        'follow',
        { requestId, check },
        { ...JOB_OPTIONS.rollback, jobId: followJobId(requestId, check), delay: delayMs },
      );
    },
    close: () => queue.close(),
  };
}

export type RollbackQueue = ReturnType<typeof createRollbackQueue>;
