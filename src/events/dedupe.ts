// "Have we taken this event already?" in Redis, in two steps so nothing is lost:
// claim (pending, short TTL) → enqueue → commit (done, long TTL); a failed enqueue releases
// the claim so AWS's retry gets through. A crash between claim and enqueue costs one pending
// TTL, after which a retry is taken again. Each step is one Lua script, so two deliveries of
// one event can never both claim it.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

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

const DONE = 'done';

const CLAIM = `
local state = 'claimed'
for _, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  if v == '${DONE}' then return '${DONE}' end
  if v then state = 'pending' end
end
if state == 'pending' then return state end
for _, k in ipairs(KEYS) do redis.call('SET', k, ARGV[1], 'PX', ARGV[2]) end
return state`;

const COMMIT = `
for _, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  if v == false or v == ARGV[1] then redis.call('SET', k, '${DONE}', 'PX', ARGV[2]) end
end
return 1`;

const RELEASE = `
for _, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[1] then redis.call('DEL', k) end
end
return 1`;

export function createRedisDedupe(redis: Redis, opts: RedisDedupeOptions): DedupeStore {
  const ttlMs = opts.ttlMs ?? 48 * 3600_000;
  const pendingTtlMs = opts.pendingTtlMs ?? 60_000;
  const keys = (ids: string[]) => ids.map((id) => `${opts.prefix}:aws-events:seen:${id}`);
  const pending = (token: string) => `pending:${token}`;
  return {
    async claim(ids) {
      const token = randomUUID();
      const ks = keys(ids);
      const state = await redis.eval(CLAIM, ks.length, ...ks, pending(token), pendingTtlMs);
      if (state === 'claimed') return { status: 'claimed', token };
      return { status: state === DONE ? 'done' : 'pending' };
    },
    async commit(ids, token) {
      const ks = keys(ids);
      await redis.eval(COMMIT, ks.length, ...ks, pending(token), ttlMs);
    },
    async release(ids, token) {
      const ks = keys(ids);
      await redis.eval(RELEASE, ks.length, ...ks, pending(token));
    },
  };
}
