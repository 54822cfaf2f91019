// Options every BullMQ Worker of the bot shares (applied by startWorker, worker.ts).

/**
 * How long a Worker waits before fetching again after a failed fetch (Redis away). BullMQ's
 * default of 15 s left every worker idle that long after Redis came back, with a failure that
 * arrived meanwhile waiting for it; the outage log (store/redis-health.ts) folds the extra errors.
 */
export const WORKER_DEFAULTS = { runRetryDelay: 2_000 } as const;
