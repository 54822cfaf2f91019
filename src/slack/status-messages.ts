// Live status: where each request's status message lives, and a coalescing updater that runs as
// a BullMQ job so Slack's rate limits delay an update without ever losing the final state.
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { isTerminal } from '../domain/request-state.js';
import type { RollbackRequest } from '../domain/rollback-request.js';
import type { Logger } from '../log.js';
import { afterUrgent } from '../runtime/urgency.js';
import { requestStatusMessage } from './blocks/request-status.js';
import type { ChannelPacer } from './channel-pacer.js';
import { slackRetryAfterMs } from './slack-errors.js';

export interface MessageRef {
  channel: string;
  /** Our status message, once posted. */
  ts?: string;
  /** Post it in this thread (a failure notification's), when set. */
  threadTs?: string;
  /** A notification to update with a one-line outcome, when set. */
  originalTs?: string;
}

export const STATUS_QUEUE = 'slack-status';

export interface SlackPoster {
  chat: {
    postMessage(args: {
      channel: string;
      text: string;
      blocks: unknown[];
      thread_ts?: string;
    }): Promise<{ ts?: string }>;
    update(args: {
      channel: string;
      ts: string;
      text: string;
      blocks: unknown[];
    }): Promise<unknown>;
  };
}

export function createStatusMessages(redis: Redis, prefix: string) {
  const key = (id: string) => `${prefix}:slackmsg:${id}`;
  const TTL = 30 * 86_400;
  return {
    async set(requestId: string, ref: MessageRef): Promise<void> {
      await redis.set(key(requestId), JSON.stringify(ref), 'EX', TTL);
    },
    async get(requestId: string): Promise<MessageRef | undefined> {
      const raw = await redis.get(key(requestId));
      return raw ? (JSON.parse(raw) as MessageRef) : undefined;
    },
    /** Takes a short per-request lock so two update jobs never post twice. */
    async lock(requestId: string, ms: number): Promise<boolean> {
      return (await redis.set(`${key(requestId)}:lock`, '1', 'PX', ms, 'NX')) === 'OK';
    },
    async unlock(requestId: string): Promise<void> {
      await redis.del(`${key(requestId)}:lock`);
    },
  };
}
export type StatusMessages = ReturnType<typeof createStatusMessages>;

/** Producer side: schedule an update; intermediate states coalesce, the final one never does. */
export function createStatusScheduler(connection: Redis, prefix: string, delayMs = 250) {
  const queue = new Queue(STATUS_QUEUE, { connection, prefix });
  return {
    queue,
    async schedule(request: Pick<RollbackRequest, 'id' | 'state'>): Promise<void> {
      const final = isTerminal(request.state);
      await queue.add(
        'update',
        { requestId: request.id },
        {
          // Same id while one is waiting = coalesced; a final state gets its own id.
          jobId: final ? `st-${request.id}-final` : `st-${request.id}`,
          delay: final ? 0 : delayMs,
          attempts: 8,
          backoff: { type: 'exponential', delay: 500 },
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      );
    },
    close: () => queue.close(),
  };
}

/** Worker side: renders the request's latest state and posts or updates its message. */
export function startStatusWorker(deps: {
  connection: Redis;
  prefix: string;
  client: SlackPoster;
  /** Paces the first post (the status message itself) in its channel; updates are not paced. */
  pacer?: ChannelPacer;
  messages: StatusMessages;
  load: (id: string) => Promise<RollbackRequest | undefined>;
  log: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const worker = new Worker(
    STATUS_QUEUE,
    async (job: Job<{ requestId: string }>, token?: string) => {
      // Reporting waits while a rollback is being started (src/runtime/urgency.ts).
      await afterUrgent();
      const id = job.data.requestId;
      if (!(await deps.messages.lock(id, 15_000))) {
        // Another job is rendering this request; look again shortly (not an attempt).
        await job.moveToDelayed(now() + 200, token);
        throw new DelayedError();
      }
      try {
        // Render until what we showed is the latest: a transition during the call is not lost.
        for (let round = 0; round < 5; round++) {
          const request = await deps.load(id);
          const ref = await deps.messages.get(id);
          if (!request || !ref) return;
          const msg = requestStatusMessage(request, new Date(now()));
          if (!ref.ts) {
            const wait = deps.pacer ? await deps.pacer.slot(ref.channel, `status|${id}`) : 0;
            if (wait > 0) {
              // Not this request's turn in the channel yet: come back at its slot.
              await job.moveToDelayed(now() + wait, token);
              throw new DelayedError();
            }
            const res = await deps.client.chat.postMessage({
              channel: ref.channel,
              text: msg.text,
              blocks: msg.blocks,
              ...(ref.threadTs ? { thread_ts: ref.threadTs } : {}),
            });
            if (res.ts) await deps.messages.set(id, { ...ref, ts: res.ts });
          } else {
            await deps.client.chat.update({
              channel: ref.channel,
              ts: ref.ts,
              text: msg.text,
              blocks: msg.blocks,
            });
          }
          const latest = await deps.load(id);
          if (!latest || latest.updatedAt === request.updatedAt) return;
        }
      } catch (err) {
        const wait = slackRetryAfterMs(err);
        if (wait !== undefined) {
          deps.log.info({ requestId: id, wait }, 'Slack rate limit: status update delayed');
          await job.moveToDelayed(now() + wait, token);
          throw new DelayedError();
        }
        throw err;
      } finally {
        await deps.messages.unlock(id);
      }
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 4 },
  );
  worker.on('failed', (job, err) =>
    deps.log.warn(
      { requestId: job?.data.requestId, err: { message: err.message } },
      'status update failed',
    ),
  );
  return worker;
}
