// The one lock helper: a short lease on a Redis key, held under a token of its own, released by
// compare-and-delete. A plain DEL on release could delete a lock that had lapsed and been taken
// by another job meanwhile; this release only ever deletes its own.
import { randomUUID } from 'node:crypto';
import type { RedisConnection } from './redis.js';
import { scriptsOf } from './scripts.js';

/** Gives the lock back; resolves true when it was still ours. */
export type Release = () => Promise<boolean>;

/** Takes `key` for `ms`, or answers undefined when someone holds it. */
export async function acquireLock(
  redis: RedisConnection,
  key: string,
  ms: number,
): Promise<Release | undefined> {
  const token = randomUUID();
  if ((await redis.set(key, token, 'PX', ms, 'NX')) !== 'OK') return undefined;
  const scripts = scriptsOf(redis);
  return () => scripts.releaseLock(key, token);
}

/** What withLock answers: `run`'s value, or that someone else held the lock. */
export type Locked<T> = { ran: true; value: T } | { ran: false };

/** Runs `run` holding `key`; `{ ran: false }` (and `run` not called) when someone else holds it. */
export async function withLock<T>(
  redis: RedisConnection,
  key: string,
  ms: number,
  run: () => Promise<T>,
): Promise<Locked<T>> {
  const release = await acquireLock(redis, key, ms);
  if (!release) return { ran: false };
  try {
    return { ran: true, value: await run() };
  } finally {
    await release();
  }
}
