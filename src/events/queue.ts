// The durable hand-off: BullMQ queue `events`, one job per domain event, job id = event id
// (so a second add of the same event is a no-op while the job is kept).
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { reportRedisErrors } from '../store/redis-health.js';
import type { DomainEvent } from './domain-event.js';

export const EVENTS_QUEUE = 'events';

export interface EventQueueOptions {
  /** A 'request' connection (enableOfflineQueue false), so a Redis outage fails fast. */
  connection: Redis;
  /** BullMQ key prefix, e.g. the configured `{rollback}` (one Redis Cluster slot). */
  prefix: string;
  /** Queue name. Default `events`; tests use their own. */
  name?: string;
}

export interface EventQueue {
  readonly queue: Queue<DomainEvent>;
  /** Resolves once Redis has the job. */
  enqueue(event: DomainEvent): Promise<void>;
  close(): Promise<void>;
}

const DAY_S = 24 * 3600;

export function createEventQueue(opts: EventQueueOptions): EventQueue {
  const queue = new Queue<DomainEvent>(opts.name ?? EVENTS_QUEUE, {
    connection: opts.connection,
    prefix: opts.prefix,
    defaultJobOptions: {
      // Reactions are retried on failure; they must be idempotent (delivery is at least once).
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      // Kept a day after completion so a late duplicate add stays a no-op; failures a week.
      removeOnComplete: { age: DAY_S, count: 50_000 },
      removeOnFail: { age: 7 * DAY_S },
    },
  });
  reportRedisErrors(queue, opts.connection, 'events-queue');
  return {
    queue,
    async enqueue(event) {
      await queue.add(event.type, event, { jobId: event.id });
    },
    close: () => queue.close(),
  };
}
