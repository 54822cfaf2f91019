// What the deploy-block reconciler (services/guardrails/deploy-block-reconciler.ts) remembers
// between passes, and the leases that keep two passes apart:
//
//   <prefix>:guard:announced:<env>        the last stage-lock signature announced in its channel
//   <prefix>:guard:touched:<env>          set while the bot may have disabled a transition there
//   <prefix>:guard:last-sweep             set for one sweep interval after a full sweep began
//   <prefix>:guard:reconcile-lock         a full pass (locks.ts)
//   <prefix>:guard:reconcile-lock:<env>   a pass over one environment (locks.ts)
import { acquireLock, type Locked, type Release, withLock } from './locks.js';
import type { RedisConnection } from './redis.js';

export interface ReconcileStore {
  /** Whether the bot may have disabled a transition in `env`, and what was last announced. */
  marks(env: string): Promise<{ touched: boolean; announced: string | undefined }>;
  /** Marked before a disable, so a crash after the call still leaves the mark to look again. */
  markTouched(env: string): Promise<void>;
  clearTouched(env: string): Promise<void>;
  /** Records `signature` as announced; answers what was recorded before (undefined: nothing). */
  swapAnnounced(env: string, signature: string): Promise<string | undefined>;
  /** Puts back what swapAnnounced answered, when the announcement did not go out. */
  restoreAnnounced(env: string, previous: string | undefined): Promise<void>;
  /** True for the first caller in each `everyMs`: that pass is the periodic full sweep. */
  markSweep(everyMs: number): Promise<boolean>;
  /** Runs `run` holding the lease of a full pass; `{ ran: false }` when another replica holds it. */
  withPassLock<T>(ms: number, run: () => Promise<T>): Promise<Locked<T>>;
  /** The lease of a pass over `env`, or undefined when another pass holds it. */
  lockEnv(env: string, ms: number): Promise<Release | undefined>;
}

export function createReconcileStore(redis: RedisConnection, prefix: string): ReconcileStore {
  const announced = (env: string) => `${prefix}:guard:announced:${env}`;
  const touched = (env: string) => `${prefix}:guard:touched:${env}`;
  const passLock = `${prefix}:guard:reconcile-lock`;
  return {
    async marks(env) {
      const [t, a] = await redis.mget(touched(env), announced(env));
      return { touched: t !== null, announced: a ?? undefined };
    },
    async markTouched(env) {
      await redis.set(touched(env), '1');
    },
    async clearTouched(env) {
      await redis.del(touched(env));
    },
    async swapAnnounced(env, signature) {
      return (await redis.set(announced(env), signature, 'GET')) ?? undefined;
    },
    async restoreAnnounced(env, previous) {
      if (previous === undefined) await redis.del(announced(env));
      else await redis.set(announced(env), previous);
    },
    async markSweep(everyMs) {
      return (await redis.set(`${prefix}:guard:last-sweep`, '1', 'PX', everyMs, 'NX')) === 'OK';
    },
    withPassLock: (ms, run) => withLock(redis, passLock, ms, run),
    lockEnv: (env, ms) => acquireLock(redis, `${passLock}:${env}`, ms),
  };
}
