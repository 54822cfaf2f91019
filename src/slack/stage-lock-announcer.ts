// Posts what the stage-lock passes have to say (src/services/guardrails/lock-announcer.ts) in the
// environment's channel: a change of what holds, a release waiting at a held stage (with Unlock),
// and that message brought up to date once the release went on. A post Slack cannot take now
// throws (poster.ts); the pass says it again next time.
import { lockSignature } from '../domain/stage-locks/index.js';
import type { LockAnnouncer } from '../services/guardrails/lock-announcer.js';
import {
  lockChangeMessage,
  waitingReleaseMessage,
  waitingSettledMessage,
} from './blocks/stage-lock-messages.js';
import type { SlackPoster } from './poster.js';

export function createStageLockAnnouncer(
  poster: SlackPoster,
  now: () => number = Date.now,
): LockAnnouncer {
  return {
    async changed(view) {
      const m = lockChangeMessage({ ...view, now: new Date(now()) });
      // One message per change: the same change asked again keeps its place in line.
      const slot = `lock|${view.env.name}|${lockSignature(view.stages)}`;
      await poster.post({ channel: view.env.channel, slot }, m);
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
      return { ts: await poster.post({ channel: env.channel, slot: `waiting|${w.notice.id}` }, m) };
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
      await poster.update({ channel: notice.channel, ts: notice.ts }, m);
    },
  };
}
