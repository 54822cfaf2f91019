// A stage's own lock lifted for one rollback: while it lasts, the deploy-block reconciler does not
// disable that inbound transition again, so a rollback the transition held (or RollbackStage
// refused) can enter the stage; the rollback job puts the lock back once it has.
//
//   <prefix>:guard:lock-lift:<region>|<pipeline>|<stage>           the request id, PX ttl
//   <prefix>:guard:lock-lift:<region>|<pipeline>|<stage>|<request> the reason to put back, PX ttl
//
// A lift always ends: the job ends it once the rollback is in the stage, and the TTL ends it if
// the job never comes back (the reconciler then disables the transition as usual). Ending is a
// compare-and-delete on the request id (locks.ts's release), so a lift only ends its own.
import type { RedisConnection } from './redis.js';
import { scriptsOf } from './scripts.js';
import type { StagePlace } from './stage-lock-store.js';

export interface LockLift {
  requestId: string;
  /** The bot's own transition reason that held the stage, to disable it with again. */
  reason: string;
}

export interface LockLiftStore {
  /** The lift in force on `place`, if any. */
  get(place: StagePlace): Promise<LockLift | undefined>;
  /** Lifts for `lift.requestId` for at most `ttlMs`; false when another request's lift holds. */
  begin(place: StagePlace, lift: LockLift, ttlMs: number): Promise<boolean>;
  /** Ends `requestId`'s lift; false when it had none (ended already, or lapsed). */
  end(place: StagePlace, requestId: string): Promise<boolean>;
}

export function createLockLiftStore(redis: RedisConnection, prefix: string): LockLiftStore {
  const key = (p: StagePlace) => `${prefix}:guard:lock-lift:${p.region}|${p.pipeline}|${p.stage}`;
  const reasonKey = (p: StagePlace, requestId: string) => `${key(p)}|${requestId}`;
  const scripts = scriptsOf(redis);
  return {
    async get(place) {
      const requestId = await redis.get(key(place));
      if (!requestId) return undefined;
      const reason = await redis.get(reasonKey(place, requestId));
      return reason === null ? undefined : { requestId, reason };
    },
    async begin(place, lift, ttlMs) {
      // The reason first: a lift is never in force without the reason it must put back.
      await redis.set(reasonKey(place, lift.requestId), lift.reason, 'PX', ttlMs);
      const taken = await redis.set(key(place), lift.requestId, 'PX', ttlMs, 'NX');
      if (taken === 'OK') return true;
      // Already ours (a retried job): extend it; another request's: leave it.
      if ((await redis.get(key(place))) !== lift.requestId) return false;
      await redis.pexpire(key(place), ttlMs);
      return true;
    },
    async end(place, requestId) {
      const ended = await scripts.releaseLock(key(place), requestId);
      await redis.del(reasonKey(place, requestId));
      return ended;
    },
  };
}
