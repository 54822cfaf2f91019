// The events queue's producer: the durable hand-off of the intake and the poller, one job per
// domain event, job id = event id (so a second add of the same event is a no-op while the job is
// kept). Generic over the event type, so this folder needs no more of an event than its id and type.
import { type JobQueue, openQueue, type QueueSetup } from './open-queue.js';
import { eventJobId, JOB_OPTIONS, type QueuedEvent } from './queues.js';

export interface EventQueue<E extends QueuedEvent> {
  readonly queue: JobQueue<E>;
  /** Resolves once Redis has the job. */
  enqueue(event: E): Promise<void>;
  close(): Promise<void>;
}

/** `setup.connection`: a request connection, so a Redis outage fails the intake's answer fast. */
export function createEventQueue<E extends QueuedEvent>(setup: QueueSetup): EventQueue<E> {
  const queue = openQueue<E>('events', setup);
  return {
    queue,
    async enqueue(event) {
      await queue.add(event.type, event, { ...JOB_OPTIONS.events, jobId: eventJobId(event) });
    },
    close: () => queue.close(),
  };
}
