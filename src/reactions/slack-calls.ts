// Posting and editing from jobs. A 429 becomes SlackRateLimited, which the worker turns into a
// delayed job (never a lost message, never a repeated rollback: steps already done are recorded).
// Posts are paced per channel first (src/slack/channel-pacer.ts): a post whose slot is more than
// a moment away delays its job until then, rather than asking Slack and being refused.
import type { SlackMessage } from '../slack/blocks/help-message.js';
import type { ChannelPacer } from '../slack/channel-pacer.js';
import { slackRetryAfterMs } from '../slack/slack-errors.js';

/** The part of the WebClient the reactions use. */
export interface SlackChat {
  chat: {
    postMessage(args: {
      channel: string;
      text: string;
      blocks: SlackMessage['blocks'];
      thread_ts?: string;
    }): Promise<{ ts?: string }>;
    update(args: {
      channel: string;
      ts: string;
      text: string;
      blocks: SlackMessage['blocks'];
    }): Promise<unknown>;
  };
}

export class SlackRateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`Slack rate limit: retry in ${retryAfterMs} ms`);
  }
}

function rethrow(err: unknown): never {
  const wait = slackRetryAfterMs(err);
  throw wait === undefined ? err : new SlackRateLimited(wait);
}

export interface PostOptions {
  /** Reply in this thread. */
  threadTs?: string;
  /**
   * Names this post for its channel slot: the same key finds the same slot when the job runs
   * again. Stable across re-runs and unique per message, e.g. `incident|<key>|notification`.
   */
  key: string;
}

/** Waits up to this long in the job for a slot; longer, and the job is delayed instead. */
const INLINE_WAIT_MS = 300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createSlackCalls(client: SlackChat, pacer?: ChannelPacer) {
  return {
    async post(channel: string, msg: SlackMessage, opts: PostOptions): Promise<string> {
      const { threadTs } = opts;
      const wait = pacer ? await pacer.slot(channel, opts.key) : 0;
      if (wait > INLINE_WAIT_MS) throw new SlackRateLimited(wait);
      if (wait > 0) await sleep(wait);
      try {
        const res = await client.chat.postMessage({
          channel,
          text: msg.text,
          blocks: msg.blocks,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        });
        if (!res.ts) throw new Error('chat.postMessage returned no ts');
        return res.ts;
      } catch (err) {
        rethrow(err);
      }
    },
    async update(channel: string, ts: string, msg: SlackMessage): Promise<void> {
      try {
        await client.chat.update({ channel, ts, text: msg.text, blocks: msg.blocks });
      } catch (err) {
        rethrow(err);
      }
    },
  };
}

export type SlackCalls = ReturnType<typeof createSlackCalls>;
