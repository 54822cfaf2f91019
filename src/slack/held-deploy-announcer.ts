// Posts what src/services/guardrails/held-deploys.ts has to say in the environment's channel.
import type { HeldDeployAnnouncer } from '../services/guardrails/held-deploys.js';
import { heldDeployMessage } from './blocks/held-deploy-messages.js';
import type { SlackPoster } from './poster.js';

export function createHeldDeployAnnouncer(
  poster: SlackPoster,
  now: () => number = Date.now,
): HeldDeployAnnouncer {
  return {
    async held(env, held, causes) {
      const m = heldDeployMessage({ env, held, causes, now: new Date(now()) });
      const ts = await poster.post({ channel: env.channel, slot: `held|${held.id}` }, m);
      return { channel: env.channel, ts };
    },
  };
}
