// Follows the audit stream with a consumer group and schedules a Slack status update for every
// request transition, wherever it happened (web process, any worker replica). Durable: entries
// missed while the process was down are read when it comes back.
import type { Redis } from 'ioredis';
import type { RequestState } from '../domain/request-state.js';
import type { Logger } from '../log.js';
import { fieldsOf } from '../store/redis.js';

const GROUP = 'slack-status';

export function startStatusFollower(deps: {
  /** A dedicated connection: XREADGROUP BLOCK holds it. */
  connection: Redis;
  prefix: string;
  schedule: (r: { id: string; state: RequestState }) => Promise<void>;
  log: Logger;
  consumer?: string;
}) {
  const key = `${deps.prefix}:audit`;
  const consumer = deps.consumer ?? `c-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let stopping = false;
  const done = (async () => {
    try {
      await deps.connection.xgroup('CREATE', key, GROUP, '$', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
    // First our own pending entries (after a crash), then new ones.
    let cursor: '0' | '>' = '0';
    while (!stopping) {
      let res: Array<[string, Array<[string, string[]]>]> | null;
      try {
        res = (await deps.connection.xreadgroup(
          'GROUP',
          GROUP,
          consumer,
          'COUNT',
          100,
          'BLOCK',
          2_000,
          'STREAMS',
          key,
          cursor,
        )) as typeof res;
      } catch (err) {
        if (stopping) break;
        deps.log.warn(
          { err: { message: (err as Error).message } },
          'status follower: read failed, retrying',
        );
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      const entries = res?.[0]?.[1] ?? [];
      // One pass over what was pending for us, then only new entries.
      cursor = '>';
      for (const [id, flat] of entries) {
        const f = fieldsOf(flat);
        if (f.request && f.to) {
          try {
            await deps.schedule({ id: f.request, state: f.to as RequestState });
          } catch (err) {
            deps.log.warn(
              { err: { message: (err as Error).message }, requestId: f.request },
              'status follower: schedule failed',
            );
            continue; // not acked: read again after a restart
          }
        }
        await deps.connection.xack(key, GROUP, id);
      }
    }
  })();
  return {
    async close() {
      stopping = true;
      deps.connection.disconnect();
      await done.catch(() => undefined);
    },
  };
}
