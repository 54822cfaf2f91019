// Live status: where each request's status message lives, and a coalescing updater that runs as
// a BullMQ job so Slack's rate limits delay an update without ever losing the final state.
// Slack is the one home of "which message is this request's" (message metadata); the ts kept in
// Redis is a cache that a crash can lose, so a first post looks in Slack first when it may have.
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { isTerminal } from '../domain/request-state.js';
import type { RollbackRequest } from '../domain/rollback-request.js';
import { WORKER_DEFAULTS } from '../jobs/worker-options.js';
import type { Logger } from '../log.js';
import { afterUrgent } from '../runtime/urgency.js';
import { acquireLock, type Release } from '../store/locks.js';
import { requestStatusMessage } from './blocks/request-status.js';
import type { ChannelPacer } from './channel-pacer.js';
import { slackAnswered, slackRetryAfterMs } from './slack-errors.js';
import {
  type ConversationReader,
  statusMetadata,
  watchRedisOutages,
} from './status-message-search.js';
import { createStatusRecovery } from './status-recovery.js';

export interface MessageRef {
  channel: string;
  /** Our status message, once posted. */
  ts?: string;
  /** Post it in this thread (a failure notification's), when set. */
  threadTs?: string;
  /** A notification to update with a one-line outcome, when set. */
  originalTs?: string;
  /**
   * Set just before the first post and dropped with its ts: found set without a ts, a post may
   * have reached Slack before its process died, so Slack is searched before posting again.
   */
  postingSince?: number;
  /** When Slack was last searched for this request's message. */
  searchedAt?: number;
}

export const STATUS_QUEUE = 'slack-status';

/** Slack message metadata: how an app marks what a message is about. */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface SlackPoster {
  chat: {
    postMessage(args: {
      channel: string;
      text: string;
      blocks: unknown[];
      thread_ts?: string;
      metadata?: MessageMetadata;
    }): Promise<{ ts?: string }>;
    update(args: {
      channel: string;
      ts: string;
      text: string;
      blocks: unknown[];
      metadata?: MessageMetadata;
    }): Promise<unknown>;
  };
}

/** The status worker's Slack: posts and updates, and the reads that find a post Redis lost. */
export interface StatusSlack extends ConversationReader {
  chat: SlackPoster['chat'] & { delete(args: { channel: string; ts: string }): Promise<unknown> };
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
    lock: (requestId: string, ms: number): Promise<Release | undefined> =>
      acquireLock(redis, `${key(requestId)}:lock`, ms),
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
  client: StatusSlack;
  /** Paces the first post (the status message itself) in its channel; updates are not paced. */
  pacer?: ChannelPacer;
  messages: StatusMessages;
  load: (id: string) => Promise<RollbackRequest | undefined>;
  log: Logger;
  now?: () => number;
  /**
   * When this process last saw Redis go away (writes before then may be lost). Default: watches
   * `connection`'s close and ready events. This process's start counts as one too.
   */
  lastOutageAt?: () => number | undefined;
}) {
  const now = deps.now ?? Date.now;
  const recover = createStatusRecovery({
    client: deps.client,
    messages: deps.messages,
    log: deps.log,
    now,
    lastOutageAt: deps.lastOutageAt ?? watchRedisOutages(deps.connection, now),
  });

  /** Posts the status message, marking the attempt so a crash before its ts is stored is seen. */
  async function post(id: string, ref: MessageRef, msg: { text: string; blocks: unknown[] }) {
    const { postingSince: _old, ...base } = ref;
    await deps.messages.set(id, { ...base, postingSince: now() });
    let res: { ts?: string };
    try {
      res = await deps.client.chat.postMessage({
        channel: ref.channel,
        text: msg.text,
        blocks: msg.blocks,
        ...(ref.threadTs ? { thread_ts: ref.threadTs } : {}),
        metadata: statusMetadata(id),
      });
    } catch (err) {
      // Slack answered, so nothing was posted: no search is needed for this attempt.
      if (slackAnswered(err)) await deps.messages.set(id, base);
      throw err;
    }
    await deps.messages.set(id, res.ts ? { ...base, ts: res.ts } : base);
  }

  const worker = new Worker(
    STATUS_QUEUE,
    async (job: Job<{ requestId: string }>, token?: string) => {
      // Reporting waits while a rollback is being started (src/runtime/urgency.ts).
      await afterUrgent();
      const id = job.data.requestId;
      const release = await deps.messages.lock(id, 15_000);
      if (!release) {
        // Another job is rendering this request; look again shortly (not an attempt).
        await job.moveToDelayed(now() + 200, token);
        throw new DelayedError();
      }
      try {
        // Render until what we showed is the latest: a transition during the call is not lost.
        for (let round = 0; round < 5; round++) {
          const request = await deps.load(id);
          const stored = await deps.messages.get(id);
          if (!request || !stored) return;
          const ref = stored.ts ? stored : await recover(id, stored, request.createdAt);
          const msg = requestStatusMessage(request, new Date(now()));
          if (!ref.ts) {
            const wait = deps.pacer ? await deps.pacer.slot(ref.channel, `status|${id}`) : 0;
            if (wait > 0) {
              // Not this request's turn in the channel yet: come back at its slot.
              await job.moveToDelayed(now() + wait, token);
              throw new DelayedError();
            }
            await post(id, ref, msg);
          } else {
            await deps.client.chat.update({
              channel: ref.channel,
              ts: ref.ts,
              text: msg.text,
              blocks: msg.blocks,
              metadata: statusMetadata(id),
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
        await release();
      }
    },
    { ...WORKER_DEFAULTS, connection: deps.connection, prefix: deps.prefix, concurrency: 4 },
  );
  worker.on('failed', (job, err) =>
    deps.log.warn(
      { requestId: job?.data.requestId, err: { message: err.message } },
      'status update failed',
    ),
  );
  return worker;
}
