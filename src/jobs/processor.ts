// What a job processor is, without BullMQ: a plain function of its job's data, and the two ways
// it says something other than "done" or "failed, try again". Processors live with their feature
// (services/reactions/, slack/, events/poller/, …) and import only this; jobs/worker.ts wires
// them to BullMQ Workers and translates these signals into BullMQ's own (DelayedError,
// UnrecoverableError).

/** What a processor may know of the job it runs. */
export interface JobInfo {
  /** The job id (see the id schemes in queues.ts). */
  id: string;
  /** The job's name: its kind within the queue (`execute`, `bake-end`, …). */
  name: string;
  /** When the job was first added (ms): unchanged by retries and by RetryLater. */
  addedAt: number;
}

/** Runs one job; resolving completes it, throwing fails the attempt (retried with backoff). */
export type Processor<Data, Result = unknown> = (data: Data, job: JobInfo) => Promise<Result>;

/**
 * Thrown by a processor: run this job again in `delayMs`, without counting an attempt. For waits
 * that are no failure: a Slack 429, a lock another job holds, a post that is not our turn yet,
 * AWS throttling the bot records on the request itself.
 */
export class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    why: string,
  ) {
    super(why);
    this.name = 'RetryLater';
  }
}

/** Thrown by a processor: the job fails now, with no further attempts. */
export class GiveUp extends Error {
  constructor(why: string) {
    super(why);
    this.name = 'GiveUp';
  }
}
