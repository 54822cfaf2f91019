// The poller's memory in Redis: the last seen state of each polled thing (JSON, one key each),
// a lock so one tick runs at a time across replicas, and a tick counter that rotates the order
// (so a capped tick does not always starve the same things).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const WEEK_S = 7 * 86_400;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function createPollState(redis: Redis, prefix: string) {
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
    async lock(ms: number): Promise<(() => Promise<void>) | undefined> {
      const token = randomUUID();
      const ok = await redis.set(k('lock'), token, 'PX', ms, 'NX');
      if (ok !== 'OK') return undefined;
      return async () => void (await redis.eval(RELEASE, 1, k('lock'), token));
    },
    async nextTick(): Promise<number> {
      return redis.incr(k('ticks'));
    },
  };
}

export type PollState = ReturnType<typeof createPollState>;
