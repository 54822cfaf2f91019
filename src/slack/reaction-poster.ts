// The reactions' port to Slack (src/services/reactions/reaction-notices.ts), on the one poster:
// each notice is worded by src/slack/blocks/reaction-messages.ts and posted in its slot.
import type { ReactionPoster } from '../services/reactions/reaction-notices.js';
import { reactionMessage } from './blocks/reaction-messages.js';
import type { SlackPoster } from './poster.js';

export function createReactionPoster(poster: SlackPoster): ReactionPoster {
  return {
    post: (channel, notice, opts) =>
      poster.post(
        { channel, slot: opts.key, ...(opts.threadTs ? { threadTs: opts.threadTs } : {}) },
        reactionMessage(notice),
      ),
    update: (channel, ts, notice) => poster.update({ channel, ts }, reactionMessage(notice)),
  };
}
