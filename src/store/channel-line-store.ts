// Each Slack channel's line of the bot's own posts, shared by every replica (the pacing itself is
// slack/channel-pacer.ts): GCRA in Lua (lua/take-channel-slot-2.lua), and each post's slot kept
// under its key, so a job delayed until its slot finds the same slot when it runs again.
//
//   <prefix>:slack:line:<channel>              the channel's theoretical arrival time (ms)
//   <prefix>:slack:slot:<channel>:<post key>   when that post may go (ms)
import type { RedisConnection } from './redis.js';
import { scriptsOf } from './scripts.js';

export interface LinePace {
  /** Time between two posts in one channel (ms). */
  intervalMs: number;
  /** Posts that may go at once into a quiet channel. */
  burst: number;
  /** How long a kept slot outlives its time (ms), so a job late to run still finds it. */
  keepMs: number;
}

export interface ChannelLineStore {
  /** Takes (or finds, for the same key) the post's slot; the ms to wait from `now` (0: now). */
  slot(channel: string, key: string, now: number, pace: LinePace): Promise<number>;
}

export function createChannelLineStore(redis: RedisConnection, prefix: string): ChannelLineStore {
  const scripts = scriptsOf(redis);
  return {
    slot: (channel, key, now, pace) =>
      scripts.takeChannelSlot(
        [`${prefix}:slack:line:${channel}`, `${prefix}:slack:slot:${channel}:${key}`],
        [now, pace.intervalMs, pace.burst, pace.keepMs],
      ),
  };
}
