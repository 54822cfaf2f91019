// What deploy-block passes remember, on a real Redis: the touched mark, the announced signature
// (swapped, and put back when the announcement did not go out), one periodic sweep per interval,
// and one pass at a time, per environment and in full.
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReconcileStore } from '../../../src/store/reconcile-store.js';
import type { RedisConnection } from '../../../src/store/redis.js';
import { testRedis } from '../../support/redis-cluster.js';

let redis: RedisConnection;
beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());

describe('reconcile store', () => {
  it('keeps the touched mark and the announced signature per environment', async () => {
    const passes = createReconcileStore(redis, `{t-${ulid()}}`);
    expect(await passes.marks('prod')).toEqual({ touched: false, announced: undefined });
    await passes.markTouched('prod');
    expect(await passes.swapAnnounced('prod', 'locked:Deploy')).toBeUndefined();
    expect(await passes.marks('prod')).toEqual({ touched: true, announced: 'locked:Deploy' });
    expect(await passes.marks('staging')).toEqual({ touched: false, announced: undefined });

    expect(await passes.swapAnnounced('prod', 'clear')).toBe('locked:Deploy');
    await passes.restoreAnnounced('prod', 'locked:Deploy');
    await passes.clearTouched('prod');
    expect(await passes.marks('prod')).toEqual({ touched: false, announced: 'locked:Deploy' });
    await passes.restoreAnnounced('prod', undefined);
    expect((await passes.marks('prod')).announced).toBeUndefined();
  });

  it('marks one sweep per interval', async () => {
    const passes = createReconcileStore(redis, `{t-${ulid()}}`);
    const marks = await Promise.all(Array.from({ length: 5 }, () => passes.markSweep(60_000)));
    expect(marks.filter(Boolean)).toHaveLength(1);
  });

  it('runs one pass at a time, and one per environment', async () => {
    const passes = createReconcileStore(redis, `{t-${ulid()}}`);
    const inner = await passes.withPassLock(10_000, () =>
      passes.withPassLock(10_000, async () => 1),
    );
    expect(inner).toEqual({ ran: true, value: { ran: false } });
    const prod = await passes.lockEnv('prod', 10_000);
    expect(prod).toBeDefined();
    expect(await passes.lockEnv('prod', 10_000)).toBeUndefined();
    const staging = await passes.lockEnv('staging', 10_000);
    expect(staging).toBeDefined();
    expect(await prod!()).toBe(true);
    expect(await staging!()).toBe(true);
    expect(await passes.lockEnv('prod', 10_000)).toBeDefined();
  });
});
