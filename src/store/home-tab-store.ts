// Who looked at the bot's App Home lately, so a change is republished only for them (cheap and
// bounded: views.publish per person, for at most `maxViewers` people seen in the last `ttlMs`),
// and the answer to a click made on someone's Home tab, shown there for a while (a Home tab has
// no thread and no ephemeral messages). Keys:
//
//   <prefix>:home:viewers          ZSET user id → when they last opened the Home tab (ms)
//   <prefix>:home:answer:<user>    STRING JSON { text, at }, expires after `answerTtlMs`
import type { RedisConnection } from './redis.js';

export interface HomeTabStoreOptions {
  /** How long after opening the Home tab someone's view is kept up to date. Default 2 h. */
  ttlMs?: number;
  /** At most this many people (the most recent) are republished for. Default 50. */
  maxViewers?: number;
  /** How long the answer to a click stays on the Home tab. Default 10 minutes. */
  answerTtlMs?: number;
}

export interface HomeAnswer {
  /** mrkdwn, as the bot words it. */
  text: string;
  at: number;
}

export const HOME_VIEWERS_TTL_MS = 2 * 3_600_000;
export const HOME_MAX_VIEWERS = 50;
export const HOME_ANSWER_TTL_MS = 10 * 60_000;

export function createHomeTabStore(
  redis: RedisConnection,
  prefix: string,
  opts: HomeTabStoreOptions = {},
) {
  const ttlMs = opts.ttlMs ?? HOME_VIEWERS_TTL_MS;
  const maxViewers = opts.maxViewers ?? HOME_MAX_VIEWERS;
  const answerTtlMs = opts.answerTtlMs ?? HOME_ANSWER_TTL_MS;
  const viewers = `${prefix}:home:viewers`;
  const answerKey = (user: string) => `${prefix}:home:answer:${user}`;
  return {
    /** `user` opened the Home tab at `at`: kept up to date for `ttlMs`. */
    async opened(user: string, at: number): Promise<void> {
      await redis
        .multi()
        .zadd(viewers, at, user)
        .zremrangebyscore(viewers, '-inf', `(${at - ttlMs}`)
        // The oldest beyond the cap go: the set never grows past it.
        .zremrangebyrank(viewers, 0, -(maxViewers + 1))
        .pexpire(viewers, ttlMs)
        .exec();
    },

    /** Whether `user` opened the Home tab within `ttlMs` of `at`. */
    async isViewer(user: string, at: number): Promise<boolean> {
      const score = await redis.zscore(viewers, user);
      return score !== null && Number(score) >= at - ttlMs;
    },

    /** Who opened the Home tab within `ttlMs` of `at`, most recent first, at most `maxViewers`. */
    async recent(at: number): Promise<string[]> {
      return redis.zrevrangebyscore(viewers, '+inf', at - ttlMs, 'LIMIT', 0, maxViewers);
    },

    async setAnswer(user: string, answer: HomeAnswer): Promise<void> {
      await redis.set(answerKey(user), JSON.stringify(answer), 'PX', answerTtlMs);
    },

    async clearAnswer(user: string): Promise<void> {
      await redis.del(answerKey(user));
    },

    async answer(user: string): Promise<HomeAnswer | undefined> {
      const raw = await redis.get(answerKey(user));
      return raw ? (JSON.parse(raw) as HomeAnswer) : undefined;
    },
  };
}

export type HomeTabStore = ReturnType<typeof createHomeTabStore>;
