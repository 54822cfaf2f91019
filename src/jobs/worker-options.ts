// Options every BullMQ Worker of the bot shares (applied by startWorker, worker.ts).

/**
 * How long a Worker waits before fetching again after a failed fetch (Redis away). BullMQ's
 * default of 15 s left every worker idle that long after Redis came back, with a failure that
 * arrived meanwhile waiting for it; the outage log (store/redis-health.ts) folds the extra errors.
 */
export const WORKER_DEFAULTS = { runRetryDelay: 2_000 } as const;

/**
 * How long closing a Worker waits for its active jobs before it leaves them (ms). A job left
 * running at stop is not lost: its lock lapses and BullMQ's stalled-job check (this process's
 * next start, or another replica) runs it again. main.ts gives the whole stop 9 s.
 *
 * Not a BullMQ option: BullMQ's own block timeouts are not the cause of the pause after an
 * UNBLOCKED / connection error. After a failed blocking fetch, Worker.waitForJob returns
 * Infinity as "next delayed job due", so the next BZPOPMIN blocks for the backend's
 * maximumBlockTimeout (10 s, fixed in bullmq 6.7's RedisQueueBackend, no option) unless a new
 * job's marker wakes it. drainDelay (default 5 s) only applies when no delayed job is known.
 */
export const WORKER_CLOSE_TIMEOUT_MS = 5_000;
