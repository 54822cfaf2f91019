// The one way the bot's messages reach Slack: every post, edit, private answer and delete, from
// jobs and listeners alike (reactions, status, approvals, groups, announcements).
//
// A post takes a slot in its channel's line first (channel-pacer.ts: Slack allows about one
// message a second per channel). A slot a moment away is waited for here; one further away, and
// a 429 from Slack (someone else may post with the token), throw SlackRateLimited: a RetryLater
// (src/jobs/processor.ts), so a job runs again at its slot without counting an attempt, and a
// pass that catches it says it again next time. The slot is kept under the post's name, so the
// job finds the same place in line when it runs again.
import type { WebClient } from '@slack/web-api';
import type { MessageMetadata, SlackMessage } from './blocks/block-kit.js';
import type { ChannelPacer } from './channel-pacer.js';
import { SlackRateLimited, slackRetryAfterMs } from './slack-errors.js';

export interface OutgoingMessage extends SlackMessage {
  metadata?: MessageMetadata;
}

/** A message that exists: its channel and ts. */
export interface MessageAt {
  channel: string;
  ts: string;
}

export interface PostAt {
  channel: string;
  /** Reply in this thread. */
  threadTs?: string;
  /**
   * This post's name in its channel's line: stable across re-runs, unique per message (e.g.
   * `status|<request id>`, `incident|<key>|notification`).
   */
  slot: string;
}

export interface SlackPoster {
  /** Posts; resolves to the new message's ts. */
  post(at: PostAt, msg: OutgoingMessage): Promise<string>;
  /** Replaces the message at `at` with `msg`. */
  update(at: MessageAt, msg: OutgoingMessage): Promise<void>;
  /** A message only `user` sees (no blocks: the text alone). */
  whisper(
    at: { channel: string; user: string; threadTs?: string },
    msg: SlackMessage | { text: string },
  ): Promise<void>;
  delete(at: MessageAt): Promise<void>;
  /** Slack's link to a message (chat.getPermalink), opening it in the reader's workspace. */
  permalink(at: MessageAt): Promise<string>;
}

/** Waits up to this long for a slot; longer, and the caller is asked to come back. */
const INLINE_WAIT_MS = 300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The calls the poster makes: the chat methods of the process's one WebClient. */
export type ChatClient = Pick<WebClient, 'chat'>;

export function createSlackPoster(client: ChatClient, pacer?: ChannelPacer): SlackPoster {
  /** Runs a Web API call; a 429 becomes SlackRateLimited, anything else is thrown as it is. */
  async function call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const wait = slackRetryAfterMs(err);
      throw wait === undefined ? err : new SlackRateLimited(wait);
    }
  }
  return {
    async post(at, msg) {
      const wait = pacer ? await pacer.slot(at.channel, at.slot) : 0;
      if (wait > INLINE_WAIT_MS) throw new SlackRateLimited(wait);
      if (wait > 0) await sleep(wait);
      const res = await call(() =>
        client.chat.postMessage({
          channel: at.channel,
          text: msg.text,
          blocks: msg.blocks,
          ...(at.threadTs ? { thread_ts: at.threadTs } : {}),
          ...(msg.metadata ? { metadata: msg.metadata } : {}),
        }),
      );
      if (!res.ts) throw new Error('chat.postMessage returned no ts');
      return res.ts;
    },
    async update(at, msg) {
      await call(() =>
        client.chat.update({
          channel: at.channel,
          ts: at.ts,
          text: msg.text,
          blocks: msg.blocks,
          ...(msg.metadata ? { metadata: msg.metadata } : {}),
        }),
      );
    },
    async whisper(at, msg) {
      await call(() =>
        client.chat.postEphemeral({
          channel: at.channel,
          user: at.user,
          text: msg.text,
          ...('blocks' in msg ? { blocks: msg.blocks } : {}),
          ...(at.threadTs ? { thread_ts: at.threadTs } : {}),
        }),
      );
    },
    async delete(at) {
      await call(() => client.chat.delete({ channel: at.channel, ts: at.ts }));
    },
    async permalink(at) {
      const res = await call(() =>
        client.chat.getPermalink({ channel: at.channel, message_ts: at.ts }),
      );
      if (!res.permalink) throw new Error('chat.getPermalink returned no permalink');
      return res.permalink;
    },
  };
}
