// The AWS events' dedupe on a real Redis: ids are claimed all or none, once; a commit makes them
// duplicates for good, a release lets AWS's retry through, and a lapsed claim is taken again.
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisDedupe } from '../../../src/store/event-dedupe-store.js';
import type { RedisConnection } from '../../../src/store/redis.js';
import { testRedis } from '../../support/redis-cluster.js';

let redis: RedisConnection;
beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());

const dedupe = () => createRedisDedupe(redis, { prefix: `{t-${ulid()}}` });

describe('event dedupe store', () => {
  it('lets one of many concurrent deliveries claim an event', async () => {
    const d = dedupe();
    const claims = await Promise.all(Array.from({ length: 10 }, () => d.claim(['eb:1', 'sns:1'])));
    expect(claims.filter((c) => c.status === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.status === 'pending')).toHaveLength(9);
  });

  it('answers done once committed, for every id of the event', async () => {
    const d = dedupe();
    const claim = await d.claim(['eb:2', 'sns:2']);
    if (claim.status !== 'claimed') throw new Error(`not claimed: ${claim.status}`);
    await d.commit(['eb:2', 'sns:2'], claim.token);
    expect(await d.claim(['sns:2'])).toEqual({ status: 'done' });
    expect(await d.claim(['eb:2', 'sns:other'])).toEqual({ status: 'done' });
  });

  it('claims none of the ids when one is taken', async () => {
    const d = dedupe();
    expect((await d.claim(['eb:3'])).status).toBe('claimed');
    expect(await d.claim(['eb:3', 'sns:3'])).toEqual({ status: 'pending' });
    expect((await d.claim(['sns:3'])).status).toBe('claimed');
  });

  it('takes the event again after a release, and leaves another claim alone', async () => {
    const d = dedupe();
    const first = await d.claim(['eb:4']);
    if (first.status !== 'claimed') throw new Error('not claimed');
    await d.release(['eb:4'], first.token);
    const second = await d.claim(['eb:4']);
    expect(second.status).toBe('claimed');
    // The first request's late release or commit does not touch the second's claim.
    await d.release(['eb:4'], first.token);
    expect(await d.claim(['eb:4'])).toEqual({ status: 'pending' });
  });

  it('takes the event again once an abandoned claim lapsed', async () => {
    const prefix = `{t-${ulid()}}`;
    const d = createRedisDedupe(redis, { prefix });
    expect((await d.claim(['eb:5'])).status).toBe('claimed');
    // The claim's TTL running out, as after a crash between claim and enqueue.
    await redis.del(`${prefix}:aws-events:seen:eb:5`);
    expect((await d.claim(['eb:5'])).status).toBe('claimed');
  });
});
