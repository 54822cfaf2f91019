// "Have we taken this event already?" in Redis, in two steps so nothing is lost:
// claim (pending, short TTL) → enqueue → commit (done, long TTL); a failed enqueue releases
// the claim so AWS's retry gets through. A crash between claim and enqueue costs one pending
// TTL, after which a retry is taken again. Each step is one Lua script (lua/claim-events.lua,
// commit-events.lua, release-events.lua), so two deliveries of one event can never both claim it.
//
//   <prefix>:aws-events:seen:<id>   pending:<token> while claimed, then `done`
import { randomUUID } from 'node:crypto';
import type { RedisConnection } from './redis.js';
import { scriptsOf } from './scripts.js';

export type ClaimResult =
  | { status: 'claimed'; token: string }
  /** Already enqueued: answer 2xx, do nothing. */
  | { status: 'done' }
  /** Another request is enqueueing it right now: answer 5xx so AWS retries later. */
  | { status: 'pending' };

export interface DedupeStore {
  /** Claims every id at once, or none. Ids look like `eb:<event id>` or `sns:<message id>`. */
  claim(ids: string[]): Promise<ClaimResult>;
  /** Marks the ids done for the dedupe TTL, if the claim is still ours (or has lapsed). */
  commit(ids: string[], token: string): Promise<void>;
  /** Drops our claim, so a retry is not mistaken for a duplicate. */
  release(ids: string[], token: string): Promise<void>;
}

export interface RedisDedupeOptions {
  /** Key prefix, e.g. the configured `{rollback}`; keys are `<prefix>:aws-events:seen:<id>`. */
  prefix: string;
  /** How long a received id is remembered. Default 48 h (EventBridge retries for 24 h). */
  ttlMs?: number;
  /** How long a claim lasts without a commit or release. Default 60 s (answers take ≤ 5 s). */
  pendingTtlMs?: number;
}

export function createRedisDedupe(redis: RedisConnection, opts: RedisDedupeOptions): DedupeStore {
  const ttlMs = opts.ttlMs ?? 48 * 3600_000;
  const pendingTtlMs = opts.pendingTtlMs ?? 60_000;
  const scripts = scriptsOf(redis);
  const keys = (ids: string[]) => ids.map((id) => `${opts.prefix}:aws-events:seen:${id}`);
  const pending = (token: string) => `pending:${token}`;
  return {
    async claim(ids) {
      const token = randomUUID();
      const state = await scripts.claimEvents(keys(ids), pending(token), pendingTtlMs);
      return state === 'claimed' ? { status: 'claimed', token } : { status: state };
    },
    commit: (ids, token) => scripts.commitEvents(keys(ids), pending(token), ttlMs),
    release: (ids, token) => scripts.releaseEvents(keys(ids), pending(token)),
  };
}
