// The process's one Slack Web API client, made here and handed out only as what it is for: the
// poster (every message the bot sends), the principals (who is in a user group, cached), the
// conversation reads that find a status message Redis lost, and the App Home's views.publish
// (home-tab.ts). Nothing outside src/slack holds a
// WebClient. Bolt's own client answers interactions (ack, respond, views) in app.ts.
import { WebClient } from '@slack/web-api';
import type { Env } from '../config/env.js';
import { httpFetchFor } from '../runtime/http-fetch.js';
import type { ProxyEnv } from '../runtime/proxy-settings.js';
import type { PrincipalResolver } from '../services/principals.js';
import type { HomeView } from './blocks/home-view.js';
import type { ChannelPacer } from './channel-pacer.js';
import { createSlackPoster, type SlackPoster } from './poster.js';
import { createPrincipalResolver } from './principals.js';
import type { ConversationReader } from './status-message-search.js';

export interface SlackWeb {
  poster: SlackPoster;
  principals: PrincipalResolver;
  conversations: ConversationReader;
  /** views.publish: someone's App Home tab (a 429 throws, as `rejectRateLimitedCalls` says). */
  publishHome(user: string, view: HomeView): Promise<void>;
}

export function createSlackWeb(
  env: Pick<Env, 'SLACK_BOT_TOKEN' | 'SLACK_API_URL'> & ProxyEnv,
  /** One line per channel for every post, shared by all replicas (channel-pacer.ts). */
  pacer: ChannelPacer,
): SlackWeb {
  const client = new WebClient(env.SLACK_BOT_TOKEN, {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    // A 429 is the poster's to handle (a job runs again at its slot), never a paused client.
    rejectRateLimitedCalls: true,
    // Bounded retries: a job or listener must not hang for Slack's default ~30 minutes.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    // Calls take turns with incoming requests (src/runtime/turns.ts), through the proxy when
    // HTTPS_PROXY/HTTP_PROXY is set (src/runtime/proxy.ts).
    fetch: httpFetchFor(env),
  });
  return {
    poster: createSlackPoster(client, pacer),
    principals: createPrincipalResolver(client),
    conversations: client,
    async publishHome(user, view) {
      await client.views.publish({ user_id: user, view });
    },
  };
}
