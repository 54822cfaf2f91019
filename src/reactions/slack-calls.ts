// Posting and editing from jobs. A 429 becomes SlackRateLimited, which the worker turns into a
// delayed job (never a lost message, never a repeated rollback: steps already done are recorded).
import type { SlackMessage } from '../slack/blocks/help-message.js';

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
  const e = err as { code?: string; retryAfter?: number };
  if (e?.code === 'slack_webapi_rate_limited_error') {
    throw new SlackRateLimited(Math.max(1, e.retryAfter ?? 1) * 1000);
  }
  throw err;
}

export function createSlackCalls(client: SlackChat) {
  return {
    async post(channel: string, msg: SlackMessage, threadTs?: string): Promise<string> {
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
