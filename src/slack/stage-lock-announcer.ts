// Posts what the stage-lock passes have to say (src/guardrails/lock-announcer.ts) in the
// environment's channel: a change of what holds, a release waiting at a held stage (with Unlock),
// and that message brought up to date once the release went on.
import type { WebClient } from '@slack/web-api';
import type { LockAnnouncer } from '../guardrails/lock-announcer.js';
import {
  lockChangeMessage,
  waitingReleaseMessage,
  waitingSettledMessage,
} from './blocks/stage-lock-messages.js';

/** The part of the WebClient it uses. */
type Poster = Pick<WebClient, 'chat'>;

export function createStageLockAnnouncer(
  client: Poster,
  now: () => number = Date.now,
): LockAnnouncer {
  return {
    async changed(view) {
      const m = lockChangeMessage({ ...view, now: new Date(now()) });
      await client.chat.postMessage({ channel: view.env.channel, text: m.text, blocks: m.blocks });
    },
    async waiting(env, w) {
      const m = waitingReleaseMessage({
        env,
        pipeline: w.notice.pipeline,
        stage: w.notice.stage,
        noticeId: w.notice.id,
        sourceRevisions: w.sourceRevisions,
        causes: w.stage.causes,
        now: new Date(now()),
      });
      const res = await client.chat.postMessage({
        channel: env.channel,
        text: m.text,
        blocks: m.blocks,
      });
      return res.ts ? { ts: res.ts } : {};
    },
    async settled(notice, how) {
      if (!notice.channel || !notice.ts) return;
      const m = waitingSettledMessage({
        envName: notice.env,
        pipeline: notice.pipeline,
        stage: notice.stage,
        ...(notice.revision ? { revision: notice.revision } : {}),
        how,
      });
      await client.chat.update({
        channel: notice.channel,
        ts: notice.ts,
        text: m.text,
        blocks: m.blocks,
      });
    },
  };
}
