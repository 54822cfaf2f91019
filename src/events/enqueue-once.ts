// Claim the event's ids, enqueue it, then mark it done; undo the claim if the enqueue fails.
import type { Logger } from '../log.js';
import { DeadlineExceeded, within } from '../runtime/deadline.js';
import type { DedupeStore } from '../store/event-dedupe-store.js';
import type { DomainEvent } from './domain-event.js';
import { type Outcome, outcome } from './intake-outcome.js';
import { OccurrenceInProgress } from './occurrence-dedupe.js';

export interface EnqueueOnceDeps {
  dedupe: DedupeStore;
  /** Resolves 'duplicate' when the same occurrence was already enqueued (e.g. by the poller). */
  enqueue: (event: DomainEvent) => Promise<unknown>;
  log: Logger;
  /** Time allowed for claim + enqueue together, so the answer stays inside AWS's 5 s. */
  timeoutMs: number;
}

/** Dedupe ids of an event: its EventBridge id, and the SNS MessageId it came in. */
export function dedupeIds(event: DomainEvent, snsMessageId?: string): string[] {
  const ids = [`eb:${event.sourceEventId}`];
  if (snsMessageId) ids.push(`sns:${snsMessageId}`);
  return ids;
}

export async function enqueueOnce(
  deps: EnqueueOnceDeps,
  event: DomainEvent,
  ids: string[],
): Promise<Outcome> {
  const about = { eventId: event.sourceEventId };
  const deadline = performance.now() + deps.timeoutMs;
  const left = () => deadline - performance.now();
  let claim: Awaited<ReturnType<DedupeStore['claim']>>;
  try {
    claim = await within(deps.dedupe.claim(ids), left());
  } catch (err) {
    return outcome(err instanceof DeadlineExceeded ? 'timeout' : 'store_unavailable', about);
  }
  if (claim.status === 'done') return outcome('duplicate', about);
  if (claim.status === 'pending') return outcome('in_progress', about);
  let result: unknown;
  try {
    result = await within(deps.enqueue(event), left());
  } catch (err) {
    await deps.dedupe.release(ids, claim.token).catch((releaseErr: Error) => {
      // The claim lapses on its own (pending TTL); until then retries hear "in progress".
      deps.log.warn({ err: { message: releaseErr.message }, ...about }, 'dedupe release failed');
    });
    const late = err instanceof DeadlineExceeded;
    const reason = late ? 'enqueue timed out' : (err as Error).message;
    // The same occurrence is being enqueued by another path (the poller): AWS retries later.
    if (err instanceof OccurrenceInProgress) return outcome('in_progress', about);
    return outcome(late ? 'timeout' : 'store_unavailable', { ...about, reason });
  }
  await deps.dedupe.commit(ids, claim.token).catch((err: Error) => {
    // The job is in Redis; a retry after the claim lapses is absorbed by the job id.
    deps.log.warn({ err: { message: err.message }, ...about }, 'dedupe commit failed');
  });
  return outcome(result === 'duplicate' ? 'duplicate' : 'enqueued', about);
}
