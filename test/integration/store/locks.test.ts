// The one lock helper on a real Redis: a release never deletes a lock that lapsed and was taken
// by another job meanwhile. Checked through every store that leases with it.
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalStore } from '../../../src/store/approval-store.js';
import { acquireLock, withLock } from '../../../src/store/locks.js';
import { createReactionStore } from '../../../src/store/reaction-store.js';
import type { RedisConnection } from '../../../src/store/redis.js';
import { createStatusMessages } from '../../../src/store/status-message-store.js';
import { keysEverywhere, testRedis } from '../../support/redis-cluster.js';

let redis: RedisConnection;
const prefix = `{t-${ulid()}}`;
beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  const keys = await keysEverywhere(redis, `${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** Makes a held lock lapse now, as its lease running out would. */
async function lapse(pattern: string): Promise<void> {
  const keys = await keysEverywhere(redis, pattern);
  expect(keys).toHaveLength(1);
  await redis.pexpire(keys[0]!, 1);
  await redis.del(keys[0]!);
}

describe('leases', () => {
  it('one holder at a time; a late release leaves the next holder alone', async () => {
    const key = `${prefix}:lock:a`;
    const first = await acquireLock(redis, key, 30_000);
    expect(first).toBeDefined();
    expect(await acquireLock(redis, key, 30_000)).toBeUndefined();
    await lapse(key);
    const second = await acquireLock(redis, key, 30_000);
    expect(second).toBeDefined();
    expect(await first!()).toBe(false);
    expect(await redis.exists(key)).toBe(1);
    expect(await second!()).toBe(true);
    expect(await redis.exists(key)).toBe(0);
  });

  it('withLock runs once and always gives the lock back', async () => {
    const key = `${prefix}:lock:b`;
    await expect(withLock(redis, key, 30_000, async () => 'ran')).resolves.toEqual({
      ran: true,
      value: 'ran',
    });
    const held = await acquireLock(redis, key, 30_000);
    await expect(withLock(redis, key, 30_000, async () => 'again')).resolves.toEqual({
      ran: false,
    });
    await held!();
    await expect(
      withLock(redis, key, 30_000, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await redis.exists(key)).toBe(0);
  });

  it.each([
    [
      'reaction store',
      async () => {
        const s = createReactionStore(redis, prefix);
        return () => s.lock('incident', 'env|r1|failure', 30_000);
      },
      `${prefix}*lock*incident*`,
    ],
    [
      'approval posts',
      async () => {
        const s = createApprovalStore(redis, prefix);
        return () => s.lockPost('REQ1', 30_000);
      },
      `${prefix}*postlock*REQ1*`,
    ],
    [
      'status messages',
      async () => {
        const s = createStatusMessages(redis, prefix);
        return () => s.lock('REQ2', 30_000);
      },
      `${prefix}*slackmsg:REQ2:lock`,
    ],
  ] as const)(
    '%s: a release after the lease lapsed does not free the next holder',
    async (_n, make, pattern) => {
      const take = await make();
      const first = await take();
      expect(first).toBeDefined();
      await lapse(pattern);
      const second = await take();
      expect(second).toBeDefined();
      await first!();
      // Still held by the second job: a third one cannot take it.
      expect(await take()).toBeUndefined();
      await second!();
      expect(await take()).toBeDefined();
    },
  );
});
