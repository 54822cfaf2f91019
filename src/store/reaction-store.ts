// Redis state of the reactions. Every reaction is idempotent: a progress record per occurrence
// (what was already done: rollback requested, message posted…) so a re-run after a crash, a
// Slack 429 or a duplicate event resumes instead of repeating; a short lock so two deliveries of
// one occurrence never run side by side.
//
//   <prefix>:reactions:rec:<kind>:<key>      hash: progress of one reaction to one occurrence
//   <prefix>:reactions:once:<kind>:<key>     first caller wins (SET NX)
//   <prefix>:reactions:lock:<kind>:<key>     the lease (locks.ts)
//   <prefix>:reactions:thread:<env>:<id>     JSON ThreadRef: where a release's story is told
//   <prefix>:reactions:bake:<env>:<stage|->  hash: the target's bake window (lua/*-bake-window-1.lua)
//   <prefix>:reactions:recovering:<env>      set of rollback ids whose recovery is watched
//
// Kept a week (a bake window a week past its end).
import type { BakeWindow } from '../domain/reactions/bake-window.js';
import { acquireLock, type Release } from './locks.js';
import type { RedisConnection } from './redis.js';
import { scriptsOf } from './scripts.js';

const WEEK_S = 7 * 86_400;

export interface ThreadRef {
  channel: string;
  ts: string;
}

export function createReactionStore(redis: RedisConnection, prefix: string) {
  const k = (...parts: string[]) => `${prefix}:reactions:${parts.join(':')}`;
  const scripts = scriptsOf(redis);

  return {
    /** Progress of one reaction to one occurrence, e.g. ('failure', 'prod|<execution>|Deploy|1'). */
    async progress(kind: string, key: string): Promise<Record<string, string>> {
      return redis.hgetall(k('rec', kind, key));
    },
    /** The fields and the week's TTL in one round trip (a pipeline: 2 commands; MULTI/EXEC made it 4). */
    async record(kind: string, key: string, fields: Record<string, string>): Promise<void> {
      const id = k('rec', kind, key);
      await redis.pipeline().hset(id, fields).expire(id, WEEK_S).exec();
    },
    /** First caller wins; later callers (duplicates) get false. */
    async once(kind: string, key: string, ttlS = WEEK_S): Promise<boolean> {
      return (await redis.set(k('once', kind, key), '1', 'EX', ttlS, 'NX')) === 'OK';
    },
    /** A short lease (store/locks.ts): the release, or undefined when another job holds it. */
    lock: (kind: string, key: string, ms: number): Promise<Release | undefined> =>
      acquireLock(redis, k('lock', kind, key), ms),

    /** The thread a release's story is told in (its failure or alarm notification). */
    async setThread(env: string, id: string, ref: ThreadRef): Promise<void> {
      await redis.set(k('thread', env, id), JSON.stringify(ref), 'EX', WEEK_S);
    },
    async thread(env: string, ids: readonly string[]): Promise<ThreadRef | undefined> {
      for (const id of ids) {
        const raw = await redis.get(k('thread', env, id));
        if (raw) return JSON.parse(raw) as ThreadRef;
      }
      return undefined;
    },

    async bakeWindow(env: string, stage: string | undefined): Promise<BakeWindow | undefined> {
      const [json, state] = await redis.hmget(k('bake', env, stage ?? '-'), 'json', 'state');
      return json
        ? { ...(JSON.parse(json) as BakeWindow), state: state as BakeWindow['state'] }
        : undefined;
    },
    /**
     * Opens the window unless this release's or a newer release's is already there (atomic in
     * Lua: lua/open-bake-window-1.lua).
     */
    async openBakeWindow(w: BakeWindow): Promise<boolean> {
      const ttl = Math.ceil(w.bakeMs / 1000) + WEEK_S;
      return scripts.openBakeWindow(k('bake', w.env, w.stage ?? '-'), [
        JSON.stringify(w),
        w.releaseId,
        w.startedAt,
        w.state,
        ttl,
      ]);
    },
    /** Moves an open window of this release to `state`; false if it was not open (or replaced). */
    async closeBakeWindow(
      env: string,
      stage: string | undefined,
      releaseId: string,
      state: 'tripped' | 'passed',
    ): Promise<boolean> {
      return scripts.closeBakeWindow(k('bake', env, stage ?? '-'), [releaseId, state]);
    },

    /** Active recovery watches per environment, so an AlarmCleared event can check at once. */
    async addRecoveryWatch(env: string, rollbackId: string): Promise<void> {
      const id = k('recovering', env);
      await redis.pipeline().sadd(id, rollbackId).expire(id, WEEK_S).exec();
    },
    async recoveryWatches(env: string): Promise<string[]> {
      return redis.smembers(k('recovering', env));
    },
    async endRecoveryWatch(env: string, rollbackId: string): Promise<void> {
      await redis.srem(k('recovering', env), rollbackId);
    },
  };
}

export type ReactionStore = ReturnType<typeof createReactionStore>;
