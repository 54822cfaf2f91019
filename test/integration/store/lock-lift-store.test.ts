// The bot's own lock lifted for one rollback, on a real Redis: one request's lift at a time per
// stage, with the reason to put back; it lapses on its own; only its request ends it.
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLockLiftStore } from '../../../src/store/lock-lift-store.js';
import type { RedisConnection } from '../../../src/store/redis.js';
import { testRedis } from '../../support/redis-cluster.js';

let redis: RedisConnection;
beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());

const place = { region: 'us-east-1', pipeline: 'web-app', stage: 'Deploy' };
const other = { ...place, stage: 'Deploy-Staging' };
const REASON = 'rollback-bot block (freeze by U0RELEASE until 2026-12-24 17.00 UTC - Holiday)';

describe('lock lift store', () => {
  it('holds one request’s lift per stage, with its reason; only that request ends it', async () => {
    const lifts = createLockLiftStore(redis, `{t-${ulid()}}`);
    expect(await lifts.get(place)).toBeUndefined();
    expect(await lifts.begin(place, { requestId: 'r1', reason: REASON }, 10_000)).toBe(true);
    expect(await lifts.get(place)).toEqual({ requestId: 'r1', reason: REASON });
    expect(await lifts.get(other)).toBeUndefined();
    // Another request cannot take it; the same one may again (a retried job).
    expect(await lifts.begin(place, { requestId: 'r2', reason: 'x' }, 10_000)).toBe(false);
    expect(await lifts.begin(place, { requestId: 'r1', reason: REASON }, 10_000)).toBe(true);
    expect(await lifts.end(place, 'r2')).toBe(false);
    expect(await lifts.get(place)).toEqual({ requestId: 'r1', reason: REASON });
    expect(await lifts.end(place, 'r1')).toBe(true);
    expect(await lifts.get(place)).toBeUndefined();
    expect(await lifts.end(place, 'r1')).toBe(false);
  });

  it('lapses after its TTL', async () => {
    const lifts = createLockLiftStore(redis, `{t-${ulid()}}`);
    await lifts.begin(place, { requestId: 'r1', reason: REASON }, 50);
    const deadline = Date.now() + 2_000;
    while ((await lifts.get(place)) !== undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await lifts.get(place)).toBeUndefined();
  });
});
