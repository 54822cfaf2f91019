// The post-rollback lock of each stage: which rollback locked it, or that a person lifted it.
//
//   <prefix>:guard:stage-lock:<region>|<pipeline>|<stage>  →  JSON RecordedLock
//
// AWS keeps the lock too (the transition's reason names the request), so losing this key loses
// no lock that holds. The `lifted` record is what stops that reason counting once a person
// unlocked; it is kept 30 days, far longer than a reason outlives its rewrite.

import type { Requester } from '../domain/rollback-request.js';
import type { PostRollbackLock, RecordedLock } from '../domain/stage-locks/index.js';
import type { RedisConnection } from './redis.js';
import { scriptsOf } from './scripts.js';

export interface StagePlace {
  region: string;
  pipeline: string;
  stage: string;
}

/** A lock as the store keeps it: also who asked for the rollback, for the unlock permission. */
export type StoredLock = RecordedLock & { requester?: Requester };

const LIFTED_TTL_SECONDS = 30 * 86_400;

export interface StageLockStore {
  get(place: StagePlace): Promise<StoredLock | undefined>;
  /** The stage is locked after this rollback (replaces whatever was there). */
  lock(place: StagePlace, lock: PostRollbackLock, at: number, requester?: Requester): Promise<void>;
  /** A person lifted the lock of `requestId`; false when another rollback's lock holds now. */
  lift(place: StagePlace, requestId: string, by: string, at: number): Promise<boolean>;
}

export function createStageLockStore(redis: RedisConnection, prefix: string): StageLockStore {
  const key = (p: StagePlace) => `${prefix}:guard:stage-lock:${p.region}|${p.pipeline}|${p.stage}`;
  const scripts = scriptsOf(redis);
  return {
    async get(place) {
      const raw = await redis.get(key(place));
      if (!raw) return undefined;
      try {
        return JSON.parse(raw) as StoredLock;
      } catch {
        return undefined;
      }
    },
    async lock(place, lock, at, requester) {
      const record: StoredLock = { state: 'locked', lock, at, ...(requester ? { requester } : {}) };
      await redis.set(key(place), JSON.stringify(record));
    },
    async lift(place, requestId, by, at) {
      const record: StoredLock = { state: 'lifted', requestId, by, at };
      // Not over a newer rollback's lock (lua/lift-stage-lock-1.lua).
      return scripts.liftStageLock(key(place), [
        requestId,
        JSON.stringify(record),
        LIFTED_TTL_SECONDS,
      ]);
    },
  };
}
