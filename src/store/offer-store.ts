// Offers: what a button on a Slack message proposes, stored server-side so the button carries
// only an opaque id. A failure notification's "Roll back" offer, or the confirmation a user sees
// before a manual rollback. Every click loads the offer and checks permission again.

import { ulid } from 'ulid';
import type { RedisConnection } from './redis.js';

export interface Offer {
  id: string;
  /** failure: a notification's; manual: a review's; propagate: another env; release: the feed's. */
  kind: 'failure' | 'manual' | 'propagate' | 'release';
  env: string;
  /** Pipeline stage, when the environment guards stages. */
  stage?: string;
  /** The release being rolled back, when known (a failing execution or deployment). */
  currentId?: string;
  /** The proposed target (execution id or sha prefix); absent = the default target. */
  to?: string;
  reason?: string;
  /** Who created it: a user id, or 'bot'. */
  createdBy: string;
  createdAt: number;
  channel?: string;
  /** The message the offer's buttons live on, and its thread. */
  messageTs?: string;
  threadTs?: string;
  /** Set once the offer led to a request, or was dismissed: later clicks are stale. */
  usedBy?: {
    requestId?: string;
    dismissedBy?: string;
    /** Claimed by this click: the request is being made (no id yet). */
    startingBy?: string;
    at: number;
  };
}

const DAY = 86_400;

export function createOfferStore(redis: RedisConnection, prefix: string, ttlSeconds = 7 * DAY) {
  const key = (id: string) => `${prefix}:offer:${id}`;
  return {
    async create(offer: Omit<Offer, 'id' | 'createdAt'>, now: number): Promise<Offer> {
      const full: Offer = { ...offer, id: ulid(now), createdAt: now };
      await redis.set(key(full.id), JSON.stringify(full), 'EX', ttlSeconds);
      return full;
    },
    async get(id: string): Promise<Offer | undefined> {
      if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id)) return undefined;
      const raw = await redis.get(key(id));
      return raw ? (JSON.parse(raw) as Offer) : undefined;
    },
    async update(id: string, patch: Partial<Offer>): Promise<void> {
      const raw = await redis.get(key(id));
      if (!raw) return;
      await redis.set(key(id), JSON.stringify({ ...JSON.parse(raw), ...patch }), 'KEEPTTL');
    },
    /**
     * Marks the offer used, atomically: only the first caller gets true, so a double click
     * starts one rollback.
     */
    async claim(id: string, usedBy: NonNullable<Offer['usedBy']>): Promise<boolean> {
      const claimed = await redis.set(
        `${key(id)}:claim`,
        JSON.stringify(usedBy),
        'EX',
        ttlSeconds,
        'NX',
      );
      if (claimed !== 'OK') return false;
      await this.update(id, { usedBy });
      return true;
    },
    /** Who claimed the offer (the first click), even before the offer itself says so. */
    async claimedBy(id: string): Promise<Offer['usedBy'] | undefined> {
      const raw = await redis.get(`${key(id)}:claim`);
      return raw ? (JSON.parse(raw) as NonNullable<Offer['usedBy']>) : undefined;
    },
    /** Undoes a claim whose request was not made: the offer may be used again. */
    async release(id: string): Promise<void> {
      await redis.del(`${key(id)}:claim`);
      const raw = await redis.get(key(id));
      if (!raw) return;
      const { usedBy: _released, ...offer } = JSON.parse(raw) as Offer;
      await redis.set(key(id), JSON.stringify(offer), 'KEEPTTL');
    },
  };
}

export type OfferStore = ReturnType<typeof createOfferStore>;
