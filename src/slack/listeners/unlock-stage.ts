// "Unlock" on a release waiting at a locked stage: lifts the post-rollback lock for those who may
// unlock the environment, through the same service call as /rollback unlock (which enables the
// transition only when nothing else holds). The message then ends in the truth.

import type { EnvironmentConfig } from '../../config/config.js';
import type { Logger } from '../../log.js';
import { type Authorization, authorize } from '../authorize.js';
import { unlockOutcomeText, waitingAfterUnlockMessage } from '../blocks/stage-lock-messages.js';
import type { SlackServices } from '../slack-services.js';
import { guarded, say } from './button.js';

/**
 * The one permission check behind the Unlock button (the same as `/rollback unlock`): swap the
 * permission model here and only here.
 */
async function mayUnlock(
  s: SlackServices,
  env: EnvironmentConfig,
  stage: string,
  who: { user: string; channel?: string },
): Promise<Authorization> {
  const recorded = await s.guardrails?.control.recordedLock(env, stage);
  const requester = recorded?.state === 'locked' ? recorded.requester : undefined;
  return authorize(s, {
    scope: { act: 'unlock', env, requester },
    user: who.user,
    ...(who.channel ? { channel: who.channel } : {}),
    event: 'unlock',
  });
}

export function onUnlockStage(s: SlackServices, log: Logger) {
  return guarded(log, 'unlock-stage', async ({ action, body, respond }) => {
    const user = body.user.id;
    const control = s.guardrails?.control;
    if (!control) return void (await respond(say('Stage locks are not enabled in this process.')));
    const notice = await control.waitingNotice(action.value ?? '');
    const env = notice ? s.config.environments[notice.env] : undefined;
    if (!notice || !env) {
      return void (await respond(
        say(
          'This announcement is too old to act on; `/rollback status` shows what holds the stage now.',
        ),
      ));
    }
    const channel = body.channel?.id;
    const allowed = await mayUnlock(s, env, notice.stage, {
      user,
      ...(channel ? { channel } : {}),
    });
    if (!allowed.ok) return void (await respond(say(`:no_entry: ${allowed.message}`)));
    const outcome = await s.service.unlock(env.name, notice.stage, `user:${user}`);
    await respond(say(unlockOutcomeText(outcome, env, new Date(s.now()))));
    // AWS did not take it: the button stays, to try again.
    if (outcome.error || outcome.causes.some((c) => c.kind === 'post-rollback')) return;
    await control.settleNotice(notice);
    if (!channel || !body.message?.ts) return;
    const m = waitingAfterUnlockMessage({
      env,
      pipeline: notice.pipeline,
      stage: notice.stage,
      ...(notice.revision ? { revision: notice.revision } : {}),
      by: user,
      outcome,
      now: new Date(s.now()),
    });
    await s.poster
      .update({ channel, ts: body.message.ts }, m)
      .catch((err: unknown) => log.warn({ err }, 'could not update the waiting-release message'));
  });
}
