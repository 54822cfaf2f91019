// The status follower on a real Redis: when the audit stream and its consumer group are gone (a
// Redis that came back without its data), it makes the group again and schedules what is written
// afterwards, instead of failing its read every second for ever.
import { ulid } from 'ulid';
import { afterEach, expect, inject, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { STATUS_FOLLOWER_GROUP, startStatusFollower } from '../../../src/slack/status-follower.js';
import { followAudit } from '../../../src/store/audit-stream.js';
import { createRedis } from '../../../src/store/redis.js';
import { waitForRedisReady } from '../../../src/store/redis-wait.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Resolves with the request id the follower schedules for `id`, or fails after `ms`. */
function scheduledSoon(seen: Map<string, () => void>, id: string, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${id} was not scheduled within ${ms} ms`)),
      ms,
    );
    seen.set(id, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

it('makes its consumer group again when Redis lost it, and goes on following', async () => {
  const prefix = `{t-${ulid()}}`;
  const key = `${prefix}:audit`;
  const redis = createRedis(inject('redisUrl'), 'request');
  cleanups.push(() => redis.disconnect());
  await waitForRedisReady(redis, 5_000, 'the test Redis');
  const seen = new Map<string, () => void>();
  const follower = startStatusFollower({
    audit: followAudit(createRedis(inject('redisUrl'), 'worker'), prefix, {
      group: STATUS_FOLLOWER_GROUP,
    }),
    schedule: async (r) => seen.get(r.id)?.(),
    log: createLogger('silent'),
  });
  cleanups.push(() => follower.close());

  const first = scheduledSoon(seen, 'req-1');
  // The follower made the group and reads: an entry written now is scheduled.
  for (let i = 0; i < 200 && (await redis.exists(key)) === 0; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  await redis.xadd(key, '*', 'request', 'req-1', 'to', 'running');
  await first;

  // Redis "comes back empty": the stream and its group are gone; new writes arrive.
  await redis.del(key);
  const second = scheduledSoon(seen, 'req-2');
  await redis.xadd(key, '*', 'request', 'req-2', 'to', 'succeeded');
  await second;
  expect(await redis.xpending(key, 'slack-status')).toEqual([0, null, null, null]);
});

it('takes over what a killed replica read and never acknowledged, once it has been idle', async () => {
  const prefix = `{t-${ulid()}}`;
  const key = `${prefix}:audit`;
  const redis = createRedis(inject('redisUrl'), 'request');
  cleanups.push(() => redis.disconnect());
  await waitForRedisReady(redis, 5_000, 'the test Redis');
  // A replica that read two transitions and died before it acknowledged them.
  const dead = followAudit(createRedis(inject('redisUrl'), 'worker'), prefix, {
    group: STATUS_FOLLOWER_GROUP,
    consumer: 'c-dead',
  });
  await dead.join('$');
  await redis.xadd(key, '*', 'request', 'req-a', 'to', 'running');
  await redis.xadd(key, '*', 'request', 'req-a', 'to', 'succeeded');
  expect((await dead.read('>')) as unknown[]).toHaveLength(2);
  dead.close();

  const scheduled: string[] = [];
  const follower = startStatusFollower({
    audit: followAudit(createRedis(inject('redisUrl'), 'worker'), prefix, {
      group: STATUS_FOLLOWER_GROUP,
    }),
    schedule: async (r) => {
      scheduled.push(`${r.id} ${r.state}`);
    },
    log: createLogger('silent'),
    staleAfterMs: 300,
    claimEveryMs: 100,
  });
  cleanups.push(() => follower.close());
  for (let i = 0; i < 200 && scheduled.length < 2; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  expect(scheduled).toEqual(['req-a running', 'req-a succeeded']);
  expect((await redis.xpending(key, STATUS_FOLLOWER_GROUP))[0]).toBe(0);
});
