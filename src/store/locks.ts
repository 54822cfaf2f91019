// The one lock helper: a short lease on a Redis key, held under a token of its own, released by
// compare-and-delete. A plain DEL on release could delete a lock that had lapsed and been taken
// by another job meanwhile; this release only ever deletes its own.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * KEYS[1] the lock key; ARGV[1] the holder's token.
 * Returns 1 when the lock was ours and is gone, 0 when it had lapsed or belongs to another.
 */
const RELEASE_IF_OURS =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** Gives the lock back; resolves true when it was still ours. */
export type Release = () => Promise<boolean>;

/** Takes `key` for `ms`, or answers undefined when someone holds it. */
export async function acquireLock(
  redis: Redis,
  key: string,
  ms: number,
): Promise<Release | undefined> {
  const token = randomUUID();
  if ((await redis.set(key, token, 'PX', ms, 'NX')) !== 'OK') return undefined;
  return async () => (await redis.eval(RELEASE_IF_OURS, 1, key, token)) === 1;
}

/** Runs `run` holding `key`; undefined (and `run` not called) when someone else holds it. */
export async function withLock<T>(
  redis: Redis,
  key: string,
  ms: number,
  run: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const release = await acquireLock(redis, key, ms);
  if (!release) return { ran: false };
  try {
    return { ran: true, value: await run() };
  } finally {
    await release();
  }
}
