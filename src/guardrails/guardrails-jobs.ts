// The guardrails' BullMQ queue: the deploy-block reconcile (a job scheduler every ~30 s, plus
// one right away on a freeze, an unfreeze, an alarm and at start-up), the approval post
// (render, coalesced per request) and the approval expiry (delayed to expiresAt).
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { WORKER_DEFAULTS } from '../jobs/worker-options.js';
import type { Logger } from '../log.js';
import { reportRedisErrors } from '../store/redis-health.js';

export const GUARDRAILS_QUEUE = 'guardrails';
/** How often the deploy block is reconciled with AWS. */
export const RECONCILE_EVERY_MS = 30_000;

type GuardJob =
  /** `envs`: only these environments (a release reached one of their pipelines' stages). */
  | { kind: 'reconcile'; why: string; envs?: string[] }
  | { kind: 'approval-render'; requestId: string }
  | { kind: 'approval-expire'; requestId: string };

export function createGuardrailsQueue(connection: Redis, prefix: string) {
  const queue = new Queue<GuardJob>(GUARDRAILS_QUEUE, { connection, prefix });
  reportRedisErrors(queue, connection, 'guardrails-queue');
  const common = { removeOnComplete: true, removeOnFail: 1000, attempts: 5 } as const;
  return {
    /**
     * Reconcile soon; never coalesced with one already running, so no change is missed. With
     * `envs`, only those environments, after `delayMs` (default 0).
     */
    async reconcileNow(why: string, only?: { envs: string[]; delayMs?: number }): Promise<void> {
      await queue.add(
        'reconcile',
        { kind: 'reconcile', why, ...(only ? { envs: only.envs } : {}) },
        {
          ...common,
          ...(only?.delayMs ? { delay: only.delayMs } : {}),
          backoff: { type: 'exponential', delay: 1_000 },
        },
      );
    },
    /** The periodic reconcile; idempotent (one scheduler per prefix, whatever the replicas). */
    async startScheduler(everyMs = RECONCILE_EVERY_MS): Promise<void> {
      await queue.upsertJobScheduler(
        'guardrails-reconcile',
        { every: everyMs },
        {
          name: 'reconcile',
          data: { kind: 'reconcile', why: 'periodic' },
          opts: { removeOnComplete: true, removeOnFail: 100 },
        },
      );
    },
    async render(requestId: string, delayMs = 100): Promise<void> {
      await queue.add(
        'approval-render',
        { kind: 'approval-render', requestId },
        {
          ...common,
          delay: delayMs,
          backoff: { type: 'exponential', delay: 500 },
        },
      );
    },
    async expireAt(requestId: string, at: number): Promise<void> {
      await queue.add(
        'approval-expire',
        { kind: 'approval-expire', requestId },
        {
          ...common,
          jobId: `appr-expire-${requestId}`,
          delay: Math.max(0, at - Date.now()),
          backoff: { type: 'exponential', delay: 1_000 },
        },
      );
    },
    queue,
    close: () => queue.close(),
  };
}
export type GuardrailsQueue = ReturnType<typeof createGuardrailsQueue>;

/** What a handler may ask for instead of finishing: look again later (not a failed attempt). */
export interface RetryLater {
  retryInMs: number;
}

export interface GuardrailsHandlers {
  reconcile(why: string, envs?: string[]): Promise<undefined | RetryLater>;
  render(requestId: string, firstTriedAt: number): Promise<undefined | RetryLater>;
  expire(requestId: string): Promise<void>;
}

export function startGuardrailsWorker(deps: {
  connection: Redis;
  prefix: string;
  handlers: GuardrailsHandlers;
  log: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const worker = new Worker<GuardJob>(
    GUARDRAILS_QUEUE,
    async (job: Job<GuardJob>, token?: string) => {
      const d = job.data;
      let out: undefined | RetryLater;
      if (d.kind === 'reconcile') out = await deps.handlers.reconcile(d.why, d.envs);
      else if (d.kind === 'approval-render')
        out = await deps.handlers.render(d.requestId, job.timestamp);
      else await deps.handlers.expire(d.requestId);
      if (out && 'retryInMs' in out) {
        await job.moveToDelayed(now() + out.retryInMs, token);
        throw new DelayedError();
      }
    },
    { ...WORKER_DEFAULTS, connection: deps.connection, prefix: deps.prefix, concurrency: 4 },
  );
  worker.on('failed', (job, err) =>
    deps.log.warn(
      { job: job?.name, data: job?.data, err: { message: err.message } },
      'guardrails job failed',
    ),
  );
  reportRedisErrors(worker, deps.connection, 'guardrails-worker', (err) =>
    deps.log.error({ err: { message: err.message } }, 'guardrails worker error'),
  );
  return worker;
}
