// The slack-status queue's producer: schedule a request's status update. Intermediate states
// coalesce (one waiting job per request); the final one never does (statusJobId, queues.ts).
import { isTerminal } from '../domain/request-state.js';
import type { RollbackRequest } from '../domain/rollback-request.js';
import type { RedisConnection } from '../store/redis.js';
import { openQueue } from './open-queue.js';
import { JOB_OPTIONS, type StatusJobData, statusJobId } from './queues.js';

/** `delayMs` (default 250): how long an intermediate state waits for the next to coalesce. */
export function createStatusScheduler(connection: RedisConnection, prefix: string, delayMs = 250) {
  const queue = openQueue<StatusJobData>('status', { connection, prefix });
  return {
    queue,
    async schedule(request: Pick<RollbackRequest, 'id' | 'state'>): Promise<void> {
      const final = isTerminal(request.state);
      await queue.add(
        'update',
        { requestId: request.id },
        {
          ...JOB_OPTIONS.status,
          jobId: statusJobId(request.id, final),
          delay: final ? 0 : delayMs,
        },
      );
    },
    close: () => queue.close(),
  };
}

export type StatusScheduler = ReturnType<typeof createStatusScheduler>;
