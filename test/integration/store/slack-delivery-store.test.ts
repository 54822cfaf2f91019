// Slack deliveries on a real Redis: a trigger_id is taken once; while it is being taken a
// redelivery is told 'pending', once taken 'done'; a release (the run failed before its ack went
// out) lets the next redelivery take it; a lapsed claim is taken again.
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisConnection } from '../../../src/store/redis.js';
import { createSlackDeliveries } from '../../../src/store/slack-delivery-store.js';
import { testRedis } from '../../support/redis-cluster.js';

let redis: RedisConnection;
beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());

const deliveries = (pendingTtlMs?: number) =>
  createSlackDeliveries(redis, `{t-${ulid()}}`, pendingTtlMs ? { pendingTtlMs } : {});

async function claimed(d: ReturnType<typeof deliveries>, id: string): Promise<string> {
  const claim = await d.claim(id);
  if (claim.status !== 'claimed') throw new Error(`not claimed: ${claim.status}`);
  return claim.token;
}

describe('slack delivery store', () => {
  it('one of many concurrent deliveries of a trigger_id takes it', async () => {
    const d = deliveries();
    const claims = await Promise.all(Array.from({ length: 5 }, () => d.claim('trig-1')));
    expect(claims.filter((c) => c.status === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.status === 'pending')).toHaveLength(4);
  });

  it('answers done once committed, and claims another trigger_id', async () => {
    const d = deliveries();
    await d.commit('trig-2', await claimed(d, 'trig-2'));
    expect(await d.claim('trig-2')).toEqual({ status: 'done' });
    expect((await d.claim('trig-3')).status).toBe('claimed');
  });

  it('a release lets the next delivery take it', async () => {
    const d = deliveries();
    await d.release('trig-4', await claimed(d, 'trig-4'));
    expect((await d.claim('trig-4')).status).toBe('claimed');
  });

  it('a lapsed claim is taken again', async () => {
    const d = deliveries(50);
    await claimed(d, 'trig-5');
    await expect.poll(async () => (await d.claim('trig-5')).status).toBe('claimed');
  });
});
