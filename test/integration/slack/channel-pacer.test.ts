// The per-channel pacer (src/slack/channel-pacer.ts, its lines in src/store/channel-line-store.ts)
// on a real Redis, with a hand-driven clock: a quiet channel takes a burst at once, then one post
// per interval in the order asked; a post asked again under its key keeps its slot; channels do
// not share a line.
import { ulid } from 'ulid';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { type ChannelPacer, createChannelPacer } from '../../../src/slack/channel-pacer.js';
import { createChannelLineStore } from '../../../src/store/channel-line-store.js';
import { createRedis } from '../../../src/store/redis.js';
import { waitForRedisReady } from '../../../src/store/redis-wait.js';

const redis = createRedis(inject('redisUrl'), 'request');
beforeAll(() => waitForRedisReady(redis, 10_000, 'test redis'));
afterAll(() => redis.disconnect());

let clock = 1_000_000;
let pacer: ChannelPacer;
beforeEach(() => {
  clock = 1_000_000;
  const lines = createChannelLineStore(redis, `{t-${ulid()}}`);
  pacer = createChannelPacer(lines, { intervalMs: 1000, burst: 3 }, () => clock);
});

describe('channel pacer', () => {
  it('lets a burst through, then gives one slot per interval, in order', async () => {
    const waits = [];
    for (let i = 0; i < 6; i++) waits.push(await pacer.slot('C1', `post-${i}`));
    expect(waits).toEqual([0, 0, 0, 1000, 2000, 3000]);
    // Time passes: the line moves on.
    clock += 2500;
    expect(await pacer.slot('C1', 'post-6')).toBe(1500);
  });

  it('keeps a post its slot when asked again under the same key', async () => {
    for (let i = 0; i < 4; i++) await pacer.slot('C1', `early-${i}`);
    expect(await pacer.slot('C1', 'mine')).toBe(2000);
    clock += 500;
    expect(await pacer.slot('C1', 'mine')).toBe(1500);
    clock += 1500;
    expect(await pacer.slot('C1', 'mine')).toBe(0);
    clock += 60_000;
    expect(await pacer.slot('C1', 'mine')).toBe(0);
    // Nobody else took a slot meanwhile: the line is quiet again.
    expect(await pacer.slot('C1', 'later')).toBe(0);
  });

  it('gives each channel its own line', async () => {
    for (let i = 0; i < 5; i++) await pacer.slot('C1', `c1-${i}`);
    expect(await pacer.slot('C2', 'c2-0')).toBe(0);
    expect(await pacer.slot('C1', 'c1-5')).toBe(3000);
  });
});
