// Follows the audit stream with a consumer group and schedules a Slack status update for every
// request transition, wherever it happened (web process, any worker replica). Durable: entries
// missed while the process was down are read when it comes back.
import type { RequestState } from '../domain/request-state.js';
import type { Logger } from '../log.js';
import type { AuditConsumer } from '../store/audit-stream.js';

/** The follower's consumer group on the audit stream. */
export const STATUS_FOLLOWER_GROUP = 'slack-status';

export function startStatusFollower(deps: {
  /** Its own consumer (store/audit-stream.ts followAudit), in STATUS_FOLLOWER_GROUP. */
  audit: AuditConsumer;
  schedule: (r: { id: string; state: RequestState }) => Promise<void>;
  log: Logger;
}) {
  const { audit } = deps;
  let stopping = false;
  const done = (async () => {
    await audit.join('$');
    // First our own pending entries (after a crash), then new ones.
    let cursor: '0' | '>' = '0';
    while (!stopping) {
      let entries: Awaited<ReturnType<AuditConsumer['read']>>;
      try {
        entries = await audit.read(cursor);
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
      for (const { entry, request } of entries) {
        if (request) {
          try {
            await deps.schedule(request);
          } catch (err) {
            deps.log.warn(
              { err: { message: (err as Error).message }, requestId: request.id },
              'status follower: schedule failed',
            );
            continue; // not acked: read again after a restart
          }
        }
        await audit.ack(entry);
      }
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
