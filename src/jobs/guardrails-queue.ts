// The guardrails queue: the deploy-block reconcile (a job scheduler every ~30 s, plus one right
// away on a freeze, an unfreeze, an alarm, a release's arrival and at start-up), the approval
// post (render) and the approval expiry (delayed to expiresAt); and how its jobs reach their
// handlers (services/guardrails/, slack/approval-post.ts and services/approvals.ts, wired by
// src/app/).
import type { RedisConnection } from '../store/redis.js';
import { openQueue } from './open-queue.js';
import type { Processor } from './processor.js';
import { approvalExpiryJobId, type GuardrailsJobData, JOB_OPTIONS, SCHEDULERS } from './queues.js';

/** How often the deploy block is reconciled with AWS. */
export const RECONCILE_EVERY_MS = 30_000;

export function createGuardrailsQueue(connection: RedisConnection, prefix: string) {
  const queue = openQueue<GuardrailsJobData>('guardrails', { connection, prefix });
  return {
    /**
     * Reconcile soon; never coalesced with one already running, so no change is missed. With
     * `envs`, only those environments, after `delayMs` (default 0).
     */
    async reconcileNow(why: string, only?: { envs: string[]; delayMs?: number }): Promise<void> {
      await queue.add(
        'reconcile',
        { kind: 'reconcile', why, ...(only ? { envs: only.envs } : {}) },
        { ...JOB_OPTIONS.guardrails, ...(only?.delayMs ? { delay: only.delayMs } : {}) },
      );
    },
    /** The periodic reconcile; idempotent (one scheduler per prefix, whatever the replicas). */
    async startScheduler(everyMs = RECONCILE_EVERY_MS): Promise<void> {
      await queue.upsertJobScheduler(
        SCHEDULERS.guardrailsReconcile,
        { every: everyMs },
        {
          name: 'reconcile',
          data: { kind: 'reconcile', why: 'periodic' },
          opts: JOB_OPTIONS.scheduled,
        },
      );
    },
    async render(requestId: string, delayMs = 100): Promise<void> {
      await queue.add(
        'approval-render',
        { kind: 'approval-render', requestId },
        { ...JOB_OPTIONS.approvalRender, delay: delayMs },
      );
    },
    async expireAt(requestId: string, at: number): Promise<void> {
      await queue.add(
        'approval-expire',
        { kind: 'approval-expire', requestId },
        {
          ...JOB_OPTIONS.guardrails,
          jobId: approvalExpiryJobId(requestId),
          delay: Math.max(0, at - Date.now()),
        },
      );
    },
    close: () => queue.close(),
  };
}
export type GuardrailsQueue = ReturnType<typeof createGuardrailsQueue>;

/** What the guardrails' jobs do; a handler throws RetryLater (processor.ts) to look again later. */
export interface GuardrailsHandlers {
  reconcile(why: string, envs?: string[]): Promise<void>;
  /** `firstTriedAt`: when the render was first asked for (it gives up waiting after a while). */
  render(requestId: string, firstTriedAt: number): Promise<void>;
  expire(requestId: string): Promise<void>;
}

export function guardrailsProcessor(handlers: GuardrailsHandlers): Processor<GuardrailsJobData> {
  return async (data, job) => {
    if (data.kind === 'reconcile') await handlers.reconcile(data.why, data.envs);
    else if (data.kind === 'approval-render') await handlers.render(data.requestId, job.addedAt);
    else await handlers.expire(data.requestId);
  };
}
