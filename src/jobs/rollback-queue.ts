// The rollback queue: job kinds, job ids and how jobs are added. Job ids derive from the
// request id, so adding the same request twice is a no-op while the job exists.
import { type ConnectionOptions, Queue } from 'bullmq';
import { DEFAULT_PREFIX } from '../store/redis.js';
import { reportRedisErrors } from '../store/redis-health.js';

export const ROLLBACK_QUEUE = 'rollback';

export type RollbackJobName = 'execute' | 'follow';

export interface ExecuteJobData {
  requestId: string;
}
export interface FollowJobData {
  requestId: string;
  /** Re-checks so far; part of the job id so each delayed re-check is its own job. */
  check: number;
}
export type RollbackJobData = ExecuteJobData | FollowJobData;

/** BullMQ ids may not contain ':' nor be all digits; ULIDs are neither, and `rb-` marks ours. */
export function executeJobId(requestId: string): string {
  return `rb-${requestId}`;
}
export function followJobId(requestId: string, check: number): string {
  return `rb-${requestId}-follow-${check}`;
}

export interface RollbackQueueOptions {
  /** BullMQ key prefix; a `{hash-tag}` keeps a queue in one Redis Cluster slot. Default `{rollback}` (DEFAULT_PREFIX), as every store. */
  prefix?: string;
  /** Queue name. Default `rollback`. */
  name?: string;
}

const KEEP = {
  // Completed jobs are kept a day for inspection; the request record is the durable history.
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export function createRollbackQueue(
  connection: ConnectionOptions,
  options: RollbackQueueOptions = {},
) {
  const queue = new Queue<RollbackJobData, unknown, RollbackJobName>(
    options.name ?? ROLLBACK_QUEUE,
    {
      connection,
      prefix: options.prefix ?? DEFAULT_PREFIX,
    },
  );
  reportRedisErrors(queue, connection, 'rollback-queue');
  return {
    queue,
    /** `delayMs` (default 0): an automatic rollback's grace period, during which it may be cancelled. */
    async addExecute(requestId: string, opts: { delayMs?: number } = {}): Promise<void> {
      await queue.add(
        'execute',
        { requestId },
        {
          jobId: executeJobId(requestId),
          ...(opts.delayMs && opts.delayMs > 0 ? { delay: opts.delayMs } : {}),
          // Unexpected errors (Redis blips, bugs) retry a few times; AWS errors are handled in
          // the processor, where each retry is recorded on the request.
          attempts: 5,
          backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
          ...KEEP,
        },
      );
    },
    async addFollow(requestId: string, check: number, delayMs: number): Promise<void> {
      await queue.add(
        'follow',
        { requestId, check },
        {
          jobId: followJobId(requestId, check),
          delay: delayMs,
          attempts: 5,
          backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
          ...KEEP,
        },
      );
    },
    close: () => queue.close(),
  };
}

export type RollbackQueue = ReturnType<typeof createRollbackQueue>;
