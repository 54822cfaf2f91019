// Paces the bot's own messages per channel, before Slack has to say no. Slack allows about one
// chat.postMessage a second per channel, with short bursts; ten incidents in one channel at once
// used to mean ten posts, nine 429s, nine delayed jobs retrying together after a second, eight
// 429s, and so on: most calls refused, each costing a request and a job re-run.
//
// Each post takes a slot in its channel's line (GCRA in Redis, so every replica shares one line),
// and a slot is kept under the post's key: a job delayed until its slot finds the same slot when
// it runs again, never a new one further back. A 429 can still happen (someone else posting with
// the same token); callers keep handling it as before.
import type { Redis } from 'ioredis';

export interface PaceOptions {
  /** Time between two messages in one channel. Default 1050 ms (Slack's 1/s, with a margin). */
  intervalMs?: number;
  /** Messages that may go at once into a quiet channel. Default 3. */
  burst?: number;
}

export interface ChannelPacer {
  /**
   * Reserves (or finds, for the same key) this post's slot in the channel; resolves to the ms to
   * wait before posting (0: post now).
   */
  slot(channel: string, key: string): Promise<number>;
}

// KEYS: the channel's theoretical arrival time, this post's slot.
// ARGV: now, interval, burst, how long a kept slot lives after its time.
const SLOT = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local keep = tonumber(ARGV[4])
local kept = redis.call('GET', KEYS[2])
if kept then
  local wait = tonumber(kept) - now
  if wait < 0 then wait = 0 end
  return wait
end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local at = tat - (burst - 1) * interval
if at < now then at = now end
tat = tat + interval
redis.call('SET', KEYS[1], tat, 'PX', math.ceil(tat - now) + burst * interval)
redis.call('SET', KEYS[2], at, 'PX', math.ceil(at - now) + keep)
return at - now
`;

/** A kept slot outlives its time this long (a job late to run still finds it). */
const KEEP_MS = 10 * 60_000;

interface PacerRedis extends Redis {
  rbSlackSlot(
    line: string,
    slot: string,
    now: number,
    intervalMs: number,
    burst: number,
    keepMs: number,
  ): Promise<number>;
}

export function createChannelPacer(
  redis: Redis,
  prefix: string,
  opts: PaceOptions = {},
  now: () => number = Date.now,
): ChannelPacer {
  const intervalMs = opts.intervalMs ?? 1050;
  const burst = Math.max(1, opts.burst ?? 3);
  const r = redis as PacerRedis;
  if (typeof r.rbSlackSlot !== 'function') {
    redis.defineCommand('rbSlackSlot', { numberOfKeys: 2, lua: SLOT });
  }
  return {
    async slot(channel, key) {
      const wait = await r.rbSlackSlot(
        `${prefix}:slack:line:${channel}`,
        `${prefix}:slack:slot:${channel}:${key}`,
        now(),
        intervalMs,
        burst,
        KEEP_MS,
      );
      return Math.max(0, Number(wait));
    },
  };
}
