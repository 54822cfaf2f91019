// Live status: the status updater, the processor of the coalescing `slack-status` queue
// (src/jobs/status-queue.ts), so Slack's rate limits delay an update without ever losing the
// final state. Where each request's message lives is src/store/status-message-store.ts.
// Slack is the one home of "which message is this request's" (message metadata); the ts kept in
// Redis is a cache that a crash can lose, so a first post looks in Slack first when it may have.
import type { RollbackRequest } from '../domain/rollback-request.js';
import { type Processor, RetryLater } from '../jobs/processor.js';
import type { StatusJobData } from '../jobs/queues.js';
import type { Logger } from '../log.js';
import { afterUrgent } from '../runtime/urgency.js';
import type { RedisConnection } from '../store/redis.js';
import type { MessageRef, StatusMessages } from '../store/status-message-store.js';
import { requestStatusMessage } from './blocks/request-status.js';
import { statusLinkMessage } from './blocks/status-link.js';
import type { OutgoingMessage, SlackPoster } from './poster.js';
import { SlackRateLimited, slackAnswered } from './slack-errors.js';
import {
  type ConversationReader,
  statusMetadata,
  watchRedisOutages,
} from './status-message-search.js';
import { createStatusRecovery } from './status-recovery.js';

/** The status updater: renders the request's latest state and posts or updates its message. */
export function createStatusProcessor(deps: {
  /** The worker's connection: its outages say when writes may have been lost. */
  connection: RedisConnection;
  /** Posts (paced in its channel, as `status|<request id>`) and updates the status message. */
  poster: SlackPoster;
  /** The reads that find a status message Redis lost. */
  conversations: ConversationReader;
  messages: StatusMessages;
  load: (id: string) => Promise<RollbackRequest | undefined>;
  log: Logger;
  now?: () => number;
  /**
   * When this process last saw Redis go away (writes before then may be lost). Default: watches
   * `connection`'s close and ready events. This process's start counts as one too.
   */
  lastOutageAt?: () => number | undefined;
}): Processor<StatusJobData, void> {
  const now = deps.now ?? Date.now;
  const recover = createStatusRecovery({
    conversations: deps.conversations,
    poster: deps.poster,
    messages: deps.messages,
    log: deps.log,
    now,
    lastOutageAt: deps.lastOutageAt ?? watchRedisOutages(deps.connection, now),
  });

  /** Posts the status message, marking the attempt so a crash before its ts is stored is seen. */
  async function post(id: string, ref: MessageRef, msg: OutgoingMessage): Promise<MessageRef> {
    const { postingSince: _old, ...base } = ref;
    await deps.messages.set(id, { ...base, postingSince: now() });
    let ts: string;
    try {
      ts = await deps.poster.post(
        {
          channel: ref.channel,
          slot: `status|${id}`,
          ...(ref.threadTs ? { threadTs: ref.threadTs } : {}),
        },
        msg,
      );
    } catch (err) {
      // Slack answered (or the poster never asked), so nothing was posted: no search is needed.
      if (slackAnswered(err)) await deps.messages.set(id, base);
      throw err;
    }
    // Its link, for the history, Home and the thread it was asked from: best effort.
    const permalink = await deps.poster
      .permalink({ channel: ref.channel, ts })
      .catch(() => undefined);
    const posted = { ...base, ts, ...(permalink ? { permalink } : {}) };
    await deps.messages.set(id, posted);
    return posted;
  }

  /** Asked for from another channel's thread: tell that thread where the status is, once. */
  async function linkBack(id: string, ref: MessageRef, request: RollbackRequest) {
    if (!ref.origin || ref.originLinked) return;
    await deps.poster.post(
      { channel: ref.origin.channel, threadTs: ref.origin.threadTs, slot: `status-link|${id}` },
      statusLinkMessage(request, ref),
    );
    await deps.messages.set(id, { ...ref, originLinked: true });
  }

  return async (data) => {
    // Reporting waits while a rollback is being started (src/runtime/urgency.ts).
    await afterUrgent();
    const id = data.requestId;
    const release = await deps.messages.lock(id, 15_000);
    // Another job is rendering this request; look again shortly.
    if (!release) throw new RetryLater(200, 'another job is rendering this status');
    try {
      // Render until what we showed is the latest: a transition during the call is not lost.
      for (let round = 0; round < 5; round++) {
        const request = await deps.load(id);
        const stored = await deps.messages.get(id);
        if (!request || !stored) return;
        const ref = stored.ts ? stored : await recover(id, stored, request.createdAt);
        const msg = {
          ...requestStatusMessage(request, new Date(now())),
          metadata: statusMetadata(id),
        };
        const shown = ref.ts ? ref : await post(id, ref, msg);
        if (ref.ts) await deps.poster.update({ channel: ref.channel, ts: ref.ts }, msg);
        await linkBack(id, shown, request);
        const latest = await deps.load(id);
        if (!latest || latest.updatedAt === request.updatedAt) return;
      }
    } catch (err) {
      // Not its turn in the channel yet, or a 429: the job comes back then (a RetryLater).
      if (err instanceof SlackRateLimited) {
        deps.log.info(
          { requestId: id, wait: err.delayMs },
          'Slack rate limit: status update delayed',
        );
      }
      throw err;
    } finally {
      await release();
    }
  };
}
