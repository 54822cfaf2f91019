// "Have we taken this Slack command or interaction already?" Slack redelivers a Socket Mode
// envelope whose ack came late (retry_attempt 1, 2, 3) with the same payload, so the same
// trigger_id. Two steps, as event-dedupe-store.ts: claim (pending, short TTL) while the listener
// runs → commit (done) when it has finished, or release when it failed (its ack may not have gone
// out), so the next redelivery is taken. Same Lua scripts (lua/claim-events.lua and friends).
//
//   <prefix>:slack:delivered:<trigger_id>   pending:<token> while claimed, then `done`
import { randomUUID } from 'node:crypto';
import type { ClaimResult } from './event-dedupe-store.js';
import type { RedisConnection } from './redis.js';
import { scriptsOf } from './scripts.js';

export interface SlackDeliveries {
  /** Claims a delivery by its trigger_id (or event_id): claimed, done (taken), or pending (being taken). */
  claim(id: string): Promise<ClaimResult>;
  commit(id: string, token: string): Promise<void>;
  release(id: string, token: string): Promise<void>;
}

export interface SlackDeliveryOptions {
  /** How long a taken delivery is remembered. Default 10 min (Slack redelivers within about a minute). */
  ttlMs?: number;
  /** How long a claim lasts without a commit or release. Default 60 s (a listener's whole run). */
  pendingTtlMs?: number;
}

export function createSlackDeliveries(
  redis: RedisConnection,
  prefix: string,
  opts: SlackDeliveryOptions = {},
): SlackDeliveries {
  const ttlMs = opts.ttlMs ?? 10 * 60_000;
  const pendingTtlMs = opts.pendingTtlMs ?? 60_000;
  const scripts = scriptsOf(redis);
  const key = (id: string) => [`${prefix}:slack:delivered:${id}`];
  const pending = (token: string) => `pending:${token}`;
  return {
    async claim(id) {
      const token = randomUUID();
      const state = await scripts.claimEvents(key(id), pending(token), pendingTtlMs);
      return state === 'claimed' ? { status: 'claimed', token } : { status: state };
    },
    commit: (id, token) => scripts.commitEvents(key(id), pending(token), ttlMs),
    release: (id, token) => scripts.releaseEvents(key(id), pending(token)),
  };
}
