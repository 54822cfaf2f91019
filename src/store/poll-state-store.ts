// The poller's memory in Redis: the last seen state of each polled thing (JSON, one key each),
// a lock so one tick runs at a time across replicas, and a tick counter that rotates the order
// (so a capped tick does not always starve the same things).
//
//   <prefix>:poller:seen:<thing>   JSON, kept a week
//   <prefix>:poller:lock           the tick lock (locks.ts)
//   <prefix>:poller:ticks          the tick counter
import { acquireLock, type Release } from './locks.js';
import type { RedisConnection } from './redis.js';

const WEEK_S = 7 * 86_400;

export function createPollState(redis: RedisConnection, prefix: string) {
  const k = (...parts: string[]) => `${prefix}:poller:${parts.join(':')}`;
  return {
    async get<T>(key: string): Promise<T | undefined> {
      const raw = await redis.get(k('seen', key));
      return raw ? (JSON.parse(raw) as T) : undefined;
    },
    async set(key: string, value: unknown): Promise<void> {
      await redis.set(k('seen', key), JSON.stringify(value), 'EX', WEEK_S);
    },
    /** A release function, or undefined when another tick holds the lock. */
    lock: (ms: number): Promise<Release | undefined> => acquireLock(redis, k('lock'), ms),
    async nextTick(): Promise<number> {
      return redis.incr(k('ticks'));
    },
  };
}

export type PollState = ReturnType<typeof createPollState>;
