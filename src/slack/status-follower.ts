// Follows the audit stream with a consumer group and schedules a Slack status update for every
// request transition, wherever it happened (web process, any worker replica). Durable: entries
// missed while the process was down are read when it comes back.
import type { Redis } from 'ioredis';
import type { RequestState } from '../domain/request-state.js';
import type { Logger } from '../log.js';
import { fieldsOf } from '../store/redis.js';
import { healthOf } from '../store/redis-health.js';

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
  const createGroup = async (from: '$' | '0') => {
    try {
      await deps.connection.xgroup('CREATE', key, GROUP, from, 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  };
  const done = (async () => {
    await createGroup('$');
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
        const message = (err as Error).message;
        if (message.startsWith('NOGROUP')) {
          // Redis came back without its data (a restart without persistence): without the group
          // this loop would fail every second for ever. From '0': whatever the stream holds was
          // written since the loss, and no one has read it.
          deps.log.warn(
            { stream: key, group: GROUP },
            'status follower: consumer group gone, made again',
          );
          await createGroup('0').catch(() => new Promise((r) => setTimeout(r, 1_000)));
          cursor = '0';
          continue;
        }
        // A lost connection is already in the outage lines (store/redis-health.ts).
        if (!healthOf(deps.connection)?.fold(err)) {
          deps.log.warn({ err: { message } }, 'status follower: read failed, retrying');
        }
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
