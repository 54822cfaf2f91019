// The `group-rollback` BullMQ queue: one `step` job per member (and per re-check while that
// member's request runs, delayed: nothing sleeps holding a lock), the approval's `expire`, and
// `render` (the group message and approval post, retried while Slack rate-limits).
// Job ids derive from the group id, so adding a step twice is a no-op while the job exists.
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { WORKER_DEFAULTS } from '../jobs/worker-options.js';
import type { Logger } from '../log.js';
import { reportRedisErrors } from '../store/redis-health.js';

export const GROUP_QUEUE = 'group-rollback';

export type GroupJob =
  | { kind: 'step'; groupId: string; member: number; check: number }
  | { kind: 'expire'; groupId: string }
  | { kind: 'render'; groupId: string };

const common = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

export function createGroupQueue(connection: Redis, prefix: string) {
  const queue = new Queue<GroupJob>(GROUP_QUEUE, { connection, prefix });
  reportRedisErrors(queue, connection, 'group-queue');
  return {
    async step(groupId: string, member: number, check: number, delayMs = 0): Promise<void> {
      await queue.add(
        'step',
        { kind: 'step', groupId, member, check },
        { ...common, jobId: `grp-${groupId}-m${member}-c${check}`, delay: delayMs },
      );
    },
    /**
     * Post or update the group's messages soon. One job id per group: bursts coalesce, and the
     * job renders again if the group changed while it rendered (see startGroupWorker).
     */
    async render(groupId: string): Promise<void> {
      await queue.add(
        'render',
        { kind: 'render', groupId },
        {
          jobId: `grp-${groupId}-render`,
          delay: 200,
          attempts: 10,
          backoff: { type: 'exponential', delay: 500 },
          removeOnComplete: true,
          // A render that gave up must not block later ones (same job id).
          removeOnFail: true,
        },
      );
    },
    async expireAt(groupId: string, at: number, now: number): Promise<void> {
      await queue.add(
        'expire',
        { kind: 'expire', groupId },
        { ...common, jobId: `grp-${groupId}-expire`, delay: Math.max(0, at - now) },
      );
    },
    close: () => queue.close(),
  };
}
export type GroupQueue = ReturnType<typeof createGroupQueue>;

export interface GroupJobHandlers {
  step(groupId: string, member: number, check: number): Promise<void>;
  expire(groupId: string): Promise<void>;
  /** Renders; returns a version that changes whenever the group does. */
  render(groupId: string): Promise<void>;
  version(groupId: string): Promise<string>;
}

export function startGroupWorker(deps: {
  connection: Redis;
  prefix: string;
  handlers: GroupJobHandlers;
  log: Logger;
}) {
  const worker = new Worker<GroupJob>(
    GROUP_QUEUE,
    async (job: Job<GroupJob>, token?: string) => {
      const d = job.data;
      if (d.kind === 'step') await deps.handlers.step(d.groupId, d.member, d.check);
      else if (d.kind === 'expire') await deps.handlers.expire(d.groupId);
      else {
        const before = await deps.handlers.version(d.groupId);
        await deps.handlers.render(d.groupId);
        // Changed while rendering (a render added then was coalesced into this job): again.
        if ((await deps.handlers.version(d.groupId)) !== before) {
          await job.moveToDelayed(Date.now() + 200, token);
          throw new DelayedError();
        }
      }
    },
    { ...WORKER_DEFAULTS, connection: deps.connection, prefix: deps.prefix, concurrency: 8 },
  );
  worker.on('failed', (job, err) => {
    // Retries (a Slack rate limit, a Redis blip) are expected; say so only when it gives up.
    if (err instanceof DelayedError || (job && job.attemptsMade < (job.opts.attempts ?? 1))) return;
    deps.log.warn(
      { job: job?.name, data: job?.data, err: { message: err.message } },
      'group job failed',
    );
  });
  reportRedisErrors(worker, deps.connection, 'group-worker', (err) =>
    deps.log.error({ err: { message: err.message } }, 'group worker error'),
  );
  return worker;
}
