// What the App Home keeps in Redis, against a real Redis: who opened it lately (most recent first,
// within the TTL, never more than the cap), the answer to a click for a while, and the group
// store's list of recent groups the "waiting for my approval" reads.
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroupStore } from '../../../src/store/group-store.js';
import { createHomeTabStore } from '../../../src/store/home-tab-store.js';
import type { RedisConnection } from '../../../src/store/redis.js';
import { testRedis } from '../../support/redis-cluster.js';

let redis: RedisConnection;
beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());

describe('home tab store', () => {
  it('names who opened the Home tab within the TTL, most recent first, at most the cap', async () => {
    const store = createHomeTabStore(redis, `{t-${ulid()}}`, { ttlMs: 60_000, maxViewers: 3 });
    const t = 1_000_000;
    await store.opened('U1', t);
    await store.opened('U2', t + 10);
    await store.opened('U3', t + 20);
    expect(await store.recent(t + 30)).toEqual(['U3', 'U2', 'U1']);
    // Opening again moves them up; a fourth person pushes the oldest out.
    await store.opened('U1', t + 40);
    await store.opened('U4', t + 50);
    expect(await store.recent(t + 60)).toEqual(['U4', 'U1', 'U3']);
    // Past the TTL they are no longer republished for.
    expect(await store.recent(t + 20 + 60_001)).toEqual(['U4', 'U1']);
    expect(await store.isViewer('U3', t + 20 + 60_001)).toBe(false);
    expect(await store.isViewer('U4', t + 20 + 60_001)).toBe(true);
    expect(await store.isViewer('U9', t)).toBe(false);
  });

  it('keeps the answer to a click for a while, until cleared', async () => {
    const prefix = `{t-${ulid()}}`;
    const store = createHomeTabStore(redis, prefix, { answerTtlMs: 50_000 });
    expect(await store.answer('U1')).toBeUndefined();
    await store.setAnswer('U1', { text: ':white_check_mark: Approved', at: 5 });
    expect(await store.answer('U1')).toEqual({ text: ':white_check_mark: Approved', at: 5 });
    const ttl = await redis.pttl(`${prefix}:home:answer:U1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(50_000);
    await store.clearAnswer('U1');
    expect(await store.answer('U1')).toBeUndefined();
    expect(await redis.pttl(`${prefix}:home:viewers`)).toBe(-2);
  });
});

describe('group store: recent groups', () => {
  it('lists the most recent groups, newest first', async () => {
    const store = createGroupStore(redis, `{t-${ulid()}}`);
    const plan = {
      group: 'prod',
      onMemberFailure: 'halt' as const,
      members: [{ env: 'prod-us', current: 'a', target: 'b' }],
      requesterId: 'U0ONCALL',
      channel: 'C1',
    };
    const a = await store.create(plan, 1_000);
    const b = await store.create(plan, 2_000);
    await store.moveGroup(b.id, ['proposed'], 'awaiting_approval');
    const recent = await store.recent();
    expect(recent.map((g) => [g.plan.id, g.state])).toEqual([
      [b.id, 'awaiting_approval'],
      [a.id, 'proposed'],
    ]);
    expect((await store.recent(1)).map((g) => g.plan.id)).toEqual([b.id]);
  });
});
