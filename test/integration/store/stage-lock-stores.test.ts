// The stage-lock records against a real Redis: a lift never erases a newer rollback's lock, and a
// waiting release is claimed (announced) once however many passes race for it.
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisConnection } from '../../../src/store/redis.js';
import { createStageLockStore } from '../../../src/store/stage-lock-store.js';
import { createWaitingReleaseStore } from '../../../src/store/waiting-release-store.js';
import { testRedis } from '../../support/redis-cluster.js';

let redis: RedisConnection;
beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());

const place = { region: 'us-east-1', pipeline: 'web-app', stage: 'Deploy' };

describe('stage lock store', () => {
  it('records a lock with its requester, and a lift of that lock', async () => {
    const prefix = `{t-${ulid()}}`;
    const store = createStageLockStore(redis, prefix);
    const key = `${prefix}:guard:stage-lock:us-east-1|web-app|Deploy`;
    expect(await store.get(place)).toBeUndefined();
    await store.lock(place, { requestId: 'R1', by: 'U0ONCALL' }, 1, {
      kind: 'user',
      id: 'U0ONCALL',
    });
    expect(await store.get(place)).toEqual({
      state: 'locked',
      lock: { requestId: 'R1', by: 'U0ONCALL' },
      at: 1,
      requester: { kind: 'user', id: 'U0ONCALL' },
    });
    expect(await redis.ttl(key)).toBe(-1);
    expect(await store.lift(place, 'R1', 'user:U0ONCALL', 2)).toBe(true);
    expect(await store.get(place)).toEqual({
      state: 'lifted',
      requestId: 'R1',
      by: 'user:U0ONCALL',
      at: 2,
    });
    // A lock is kept until lifted; the record of a lift expires.
    expect(await redis.ttl(key)).toBeGreaterThan(0);
  });

  it('a lift of an older lock leaves a newer rollback’s lock in place', async () => {
    const store = createStageLockStore(redis, `{t-${ulid()}}`);
    await store.lock(place, { requestId: 'R2' }, 1);
    expect(await store.lift(place, 'R1', 'user:U0', 2)).toBe(false);
    expect(await store.get(place)).toMatchObject({ state: 'locked', lock: { requestId: 'R2' } });
    // A lock known only from AWS's reason (no record) can be lifted too.
    const other = { ...place, stage: 'Deploy-EU' };
    expect(await store.lift(other, 'R9', 'user:U0', 3)).toBe(true);
    expect(await store.get(other)).toMatchObject({ state: 'lifted', requestId: 'R9' });
  });
});

describe('waiting release store', () => {
  it('claims each release at each stage once, even when passes race', async () => {
    const store = createWaitingReleaseStore(redis, `{t-${ulid()}}`);
    const n = { env: 'prod-us', ...place, executionId: 'E1', at: 1 };
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claim(n)));
    const won = claims.filter((c) => c !== undefined);
    expect(won).toHaveLength(1);
    const notice = won[0]!;
    expect(await store.claim({ ...n, executionId: 'E2' })).toBeDefined();
    expect(await store.open(place)).toEqual([]);
    const posted = await store.posted(notice, { channel: 'C1', ts: '1.2', revision: 'c0ffee5' });
    expect(await store.get(notice.id)).toEqual(posted);
    expect((await store.open(place)).map((x) => x.executionId)).toEqual(['E1']);
    await store.settle(posted);
    expect(await store.open(place)).toEqual([]);
    // Forgotten (its post failed): the next pass may claim it again.
    await store.forget(posted);
    expect(await store.claim(n)).toBeDefined();
  });
});
