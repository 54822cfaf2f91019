// Posts what src/guardrails/held-deploys.ts has to say in the environment's channel.
import type { WebClient } from '@slack/web-api';
import type { HeldDeployAnnouncer } from '../guardrails/held-deploys.js';
import { heldDeployMessage } from './blocks/held-deploy-messages.js';

/** The part of the WebClient it uses. */
type Poster = Pick<WebClient, 'chat'>;

export function createHeldDeployAnnouncer(
  client: Poster,
  now: () => number = Date.now,
): HeldDeployAnnouncer {
  return {
    async held(env, held, causes) {
      const m = heldDeployMessage({ env, held, causes, now: new Date(now()) });
      const res = await client.chat.postMessage({
        channel: env.channel,
        text: m.text,
        blocks: m.blocks,
      });
      return { channel: env.channel, ...(res.ts ? { ts: res.ts } : {}) };
    },
  };
}
