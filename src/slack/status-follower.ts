// Follows the audit stream with a consumer group and schedules a Slack status update for every
// request transition, wherever it happened (web process, any worker replica). Durable: entries
// missed while the process was down are read when it comes back, and entries a replica read but
// never acknowledged (it was killed) are taken over by another once they have been idle a while:
// each process reads under a name of its own, so nobody else would ever read them again.
import type { RequestState } from '../domain/request-state.js';
import type { Logger } from '../log.js';
import type { AuditConsumer, AuditTransition } from '../store/audit-stream.js';

/** The follower's consumer group on the audit stream. */
export const STATUS_FOLLOWER_GROUP = 'slack-status';
/** An entry read but not acknowledged this long is another consumer's that died. */
export const STALE_AFTER_MS = 30_000;
/** How often the follower looks for such entries. */
export const CLAIM_EVERY_MS = 10_000;

export function startStatusFollower(deps: {
  /** Its own consumer (store/audit-stream.ts followAudit), in STATUS_FOLLOWER_GROUP. */
  audit: AuditConsumer;
  schedule: (r: { id: string; state: RequestState }) => Promise<void>;
  log: Logger;
  /** Default STALE_AFTER_MS (longer than a schedule can take). */
  staleAfterMs?: number;
  /** Default CLAIM_EVERY_MS. */
  claimEveryMs?: number;
}) {
  const { audit } = deps;
  const staleAfterMs = deps.staleAfterMs ?? STALE_AFTER_MS;
  const claimEveryMs = deps.claimEveryMs ?? CLAIM_EVERY_MS;
  let stopping = false;
  let claimedAt = Date.now();
  /** Schedules each transition, then acknowledges it; a failed one stays pending. */
  const handle = async (entries: AuditTransition[]) => {
    for (const { entry, request } of entries) {
      if (request) {
        try {
          await deps.schedule(request);
        } catch (err) {
          deps.log.warn(
            { err: { message: (err as Error).message }, requestId: request.id },
            'status follower: schedule failed',
          );
          continue; // not acked: read again after a restart, or claimed by another replica
        }
      }
      await audit.ack(entry);
    }
  };
  const done = (async () => {
    await audit.join('$');
    // First our own pending entries (after a crash), then new ones.
    let cursor: '0' | '>' = '0';
    while (!stopping) {
      let entries: Awaited<ReturnType<AuditConsumer['read']>>;
      try {
        const claim = Date.now() - claimedAt >= claimEveryMs;
        if (claim) claimedAt = Date.now();
        entries = claim ? await audit.claimStale(staleAfterMs) : await audit.read(cursor);
      } catch (err) {
        if (stopping) break;
        // A lost connection is already in the outage lines (store/redis-health.ts).
        if (!audit.inOutage(err)) {
          deps.log.warn(
            { err: { message: (err as Error).message } },
            'status follower: read failed, retrying',
          );
        }
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      if (entries === 'group-gone') {
        if (stopping) break;
        // Redis came back without its data (a restart without persistence): without the group
        // this loop would fail every second for ever. From '0': whatever the stream holds was
        // written since the loss, and no one has read it.
        deps.log.warn(
          { group: STATUS_FOLLOWER_GROUP },
          'status follower: consumer group gone, made again',
        );
        await audit.join('0').catch(() => new Promise((r) => setTimeout(r, 1_000)));
        cursor = '0';
        continue;
      }
      // One pass over what was pending for us, then only new entries.
      cursor = '>';
      await handle(entries);
    }
  })();
  return {
    async close() {
      stopping = true;
      audit.close();
      await done.catch(() => undefined);
    },
  };
}
