// Where each request's live status message lives in Slack (`<prefix>:slackmsg:<request id>`,
// kept 30 days), and a short per-request lock so two update jobs never post twice. Slack is the
// one home of "which message is this request's" (message metadata); this ts is a cache a crash can
// lose, which src/slack/status-recovery.ts finds again.
import { acquireLock, type Release } from './locks.js';
import type { RedisConnection } from './redis.js';

export interface MessageRef {
  channel: string;
  /** Our status message, once posted. */
  ts?: string;
  /** Post it in this thread (a failure notification's), when set. */
  threadTs?: string;
  /** A notification to update with a one-line outcome, when set. */
  originalTs?: string;
  /**
   * The thread in another channel where this rollback was asked for (a propagation offer): once
   * the status is posted, a link to it is posted there, and `originLinked` set.
   */
  origin?: { channel: string; threadTs: string };
  originLinked?: boolean;
  /** Slack's permalink of the status message, once posted (chat.getPermalink). */
  permalink?: string;
  /**
   * Set just before the first post and dropped with its ts: found set without a ts, a post may
   * have reached Slack before its process died, so Slack is searched before posting again.
   */
  postingSince?: number;
  /** When Slack was last searched for this request's message. */
  searchedAt?: number;
}

export function createStatusMessages(redis: RedisConnection, prefix: string) {
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
