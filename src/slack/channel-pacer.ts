// Paces the bot's own messages per channel, before Slack has to say no. Slack allows about one
// chat.postMessage a second per channel, with short bursts; ten incidents in one channel at once
// used to mean ten posts, nine 429s, nine delayed jobs retrying together after a second, eight
// 429s, and so on: most calls refused, each costing a request and a job re-run.
//
// Each post takes a slot in its channel's line (GCRA in Redis, so every replica shares one line),
// and a slot is kept under the post's key: a job delayed until its slot finds the same slot when
// it runs again, never a new one further back. A 429 can still happen (someone else posting with
// the same token); callers keep handling it as before.
import type { ChannelLineStore } from '../store/channel-line-store.js';

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

/** A kept slot outlives its time this long (a job late to run still finds it). */
const KEEP_MS = 10 * 60_000;

/** `lines`: the channels' lines in Redis (store/channel-line-store.ts). */
export function createChannelPacer(
  lines: ChannelLineStore,
  opts: PaceOptions = {},
  now: () => number = Date.now,
): ChannelPacer {
  const pace = {
    intervalMs: opts.intervalMs ?? 1050,
    burst: Math.max(1, opts.burst ?? 3),
    keepMs: KEEP_MS,
  };
  return {
    slot: (channel, key) => lines.slot(channel, key, now(), pace),
  };
}
