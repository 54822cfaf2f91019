// Manual freezes in Redis: one record per environment (a group freeze is one per member), each
// with an end. Ended freezes are dropped lazily when listed.
//
//   <prefix>:guard:freezes   hash: freeze id → JSON { id, scope (the environment), reason, by, from, until }
import { randomUUID } from 'node:crypto';
import type { Freeze } from '../domain/stage-locks/index.js';
import type { RedisConnection } from './redis.js';

interface StoredFreeze {
  id: string;
  scope: string;
  reason: string;
  by: string;
  from: number;
  until: number;
}

const toFreeze = (s: StoredFreeze): Freeze => ({
  ...s,
  from: new Date(s.from),
  until: new Date(s.until),
});

export interface FreezeStore {
  /** Every freeze not yet ended at `now`, for every environment. */
  list(now: number): Promise<Freeze[]>;
  /** Adds one freeze per environment; returns them. */
  add(input: {
    envs: string[];
    reason: string;
    by: string;
    from: number;
    until: number;
  }): Promise<Freeze[]>;
  /** Ends every freeze of these environments in force at `now`; returns the ones removed. */
  remove(envs: string[], now: number): Promise<Freeze[]>;
}

export function createFreezeStore(redis: RedisConnection, prefix: string): FreezeStore {
  const key = `${prefix}:guard:freezes`;
  async function all(): Promise<StoredFreeze[]> {
    const raw = await redis.hgetall(key);
    return Object.values(raw).map((v) => JSON.parse(v) as StoredFreeze);
  }
  return {
    async list(now) {
      const stored = await all();
      const ended = stored.filter((f) => f.until <= now).map((f) => f.id);
      if (ended.length > 0) await redis.hdel(key, ...ended);
      return stored.filter((f) => f.until > now).map(toFreeze);
    },
    async add({ envs, reason, by, from, until }) {
      const records = envs.map((scope) => ({ id: randomUUID(), scope, reason, by, from, until }));
      if (records.length > 0) {
        await redis.hset(key, ...records.flatMap((r) => [r.id, JSON.stringify(r)]));
      }
      return records.map(toFreeze);
    },
    async remove(envs, now) {
      const doomed = (await all()).filter(
        (f) => envs.includes(f.scope) && f.from <= now && f.until > now,
      );
      if (doomed.length > 0) await redis.hdel(key, ...doomed.map((f) => f.id));
      return doomed.map(toFreeze);
    },
  };
}
