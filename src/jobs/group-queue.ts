// The group-rollback queue: one `step` job per member (and per re-check while that member's
// request runs, delayed: nothing sleeps holding a lock), the approval's `expire`, and `render`
// (the group message and approval post, retried while Slack rate-limits); and how its jobs reach
// services/groups/group-rollbacks.ts. Job ids derive from the group id (queues.ts), so adding a
// step twice is a no-op while the job exists.
import type { RedisConnection } from '../store/redis.js';
import { openQueue } from './open-queue.js';
import { type Processor, RetryLater } from './processor.js';
import {
  type GroupJobData,
  groupExpiryJobId,
  groupRenderJobId,
  groupStepJobId,
  JOB_OPTIONS,
} from './queues.js';

export function createGroupQueue(connection: RedisConnection, prefix: string) {
  const queue = openQueue<GroupJobData>('groups', { connection, prefix });
  return {
    async step(groupId: string, member: number, check: number, delayMs = 0): Promise<void> {
      await queue.add(
        'step',
        { kind: 'step', groupId, member, check },
        { ...JOB_OPTIONS.groups, jobId: groupStepJobId(groupId, member, check), delay: delayMs },
      );
    },
    /**
     * Post or update the group's messages soon. One job id per group: bursts coalesce, and the
     * job renders again if the group changed while it rendered (see groupProcessor).
     */
    async render(groupId: string): Promise<void> {
      await queue.add(
        'render',
        { kind: 'render', groupId },
        { ...JOB_OPTIONS.groupRender, jobId: groupRenderJobId(groupId), delay: 200 },
      );
    },
    async expireAt(groupId: string, at: number, now: number): Promise<void> {
      await queue.add(
        'expire',
        { kind: 'expire', groupId },
        { ...JOB_OPTIONS.groups, jobId: groupExpiryJobId(groupId), delay: Math.max(0, at - now) },
      );
    },
    close: () => queue.close(),
  };
}
export type GroupQueue = ReturnType<typeof createGroupQueue>;

export interface GroupJobHandlers {
  step(groupId: string, member: number, check: number): Promise<void>;
  expire(groupId: string): Promise<void>;
  /** Renders the group's messages. */
  render(groupId: string): Promise<void>;
  /** A version that changes whenever the group does. */
  version(groupId: string): Promise<string>;
}

export function groupProcessor(handlers: GroupJobHandlers): Processor<GroupJobData> {
  return async (data) => {
    if (data.kind === 'step') await handlers.step(data.groupId, data.member, data.check);
    else if (data.kind === 'expire') await handlers.expire(data.groupId);
    else {
      const before = await handlers.version(data.groupId);
      await handlers.render(data.groupId);
      // Changed while rendering (a render added then was coalesced into this job): again.
      if ((await handlers.version(data.groupId)) !== before) {
        throw new RetryLater(200, 'the group changed while it rendered');
      }
    }
  };
}
