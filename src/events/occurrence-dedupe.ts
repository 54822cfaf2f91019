// Dedupe by occurrence, across transports: the poller and the intake claim the same
// `occ:<key>` id in the intake's dedupe store (src/store/event-dedupe-store.ts), so an
// occurrence seen both pushed (EventBridge / SNS) and polled is enqueued once, whichever comes
// first.
import { createHash } from 'node:crypto';
import type { DedupeStore } from '../store/event-dedupe-store.js';
import type { DomainEvent } from './domain-event.js';

/**
 * The dedupe id of what happened. Alarm times are cut to whole seconds: the pushed event carries
 * milliseconds, DescribeAlarms may not, and both name the same state change.
 */
export function occurrenceDedupeId(event: DomainEvent): string {
  let key = event.occurrenceKey;
  if ('alarmName' in event) {
    const at = Date.parse(event.stateTime ?? event.time);
    const seconds = Number.isNaN(at) ? (event.stateTime ?? event.time) : Math.floor(at / 1000);
    key = ['alarm', event.region, event.alarmName, event.state, seconds].join('|');
  }
  // Keys hold outside names (pipelines, alarms); a digest keeps them short and uniform.
  return `occ:${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/** The occurrence is being enqueued by another path right now; retry later. */
export class OccurrenceInProgress extends Error {
  constructor() {
    super('the same occurrence is being enqueued by another path');
    this.name = 'OccurrenceInProgress';
  }
}

/**
 * Wraps the intake's enqueue: an occurrence the poller already enqueued is taken without a
 * second job; one the poller is enqueueing right now fails (the intake answers 5xx, AWS retries).
 */
export function enqueueUnlessOccurred(
  dedupe: DedupeStore,
  enqueue: (event: DomainEvent) => Promise<void>,
): (event: DomainEvent) => Promise<'duplicate' | undefined> {
  return async (event) => {
    const ids = [occurrenceDedupeId(event)];
    const claim = await dedupe.claim(ids);
    if (claim.status === 'done') return 'duplicate';
    if (claim.status === 'pending') throw new OccurrenceInProgress();
    try {
      await enqueue(event);
    } catch (err) {
      // A lapsed claim frees itself (pending TTL); releasing is only faster.
      await dedupe.release(ids, claim.token).catch(() => undefined);
      throw err;
    }
    // A lost commit leaves the claim to lapse (its pending TTL); reactions are idempotent.
    await dedupe.commit(ids, claim.token).catch(() => undefined);
    return undefined;
  };
}
