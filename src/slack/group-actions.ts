// The group rollback's buttons: "Roll back all N" and Cancel on the private confirmation, and
// Approve / Reject on the group's approval post. Each acks first; the group flow checks
// everything again on the server (requester, permission per member, approvers) and answers
// privately.

import type { Logger } from '../log.js';
import { authorize } from './authorize.js';
import {
  GROUP_CANCELLED_ANSWER,
  groupApproveAnswer,
  groupRejectAnswer,
  groupStartAnswer,
} from './blocks/group-answers.js';
import { guarded, say } from './listeners/button.js';
import type { SlackServices } from './slack-services.js';

export function onGroupConfirm(s: SlackServices, log: Logger) {
  return guarded(log, 'group-confirm', async ({ action, body, respond }) => {
    if (!s.groups) return;
    const id = action.value ?? '';
    const g = await s.groups.store.get(id);
    if (g) {
      // The person must be allowed on every member.
      for (const member of g.plan.members) {
        const env = s.config.environments[member.env];
        if (!env) return void (await respond(say(`${member.env} is no longer configured.`)));
        const allowed = await authorize(s, {
          scope: { act: 'request', env },
          user: body.user.id,
          ...(body.channel?.id ? { channel: body.channel.id } : {}),
          event: 'group-confirm',
        });
        if (!allowed.ok) return void (await respond(say(`:no_entry: ${allowed.message}`)));
      }
    }
    const answer = groupStartAnswer(await s.groups.start(id, body.user.id));
    await respond({ response_type: 'ephemeral', replace_original: true, text: answer });
  });
}

export function onGroupCancel(s: SlackServices, log: Logger) {
  return guarded(log, 'group-cancel', async ({ action, body, respond }) => {
    if (!s.groups) return;
    await s.groups.cancel(action.value ?? '', body.user.id);
    await respond({
      response_type: 'ephemeral',
      replace_original: true,
      text: GROUP_CANCELLED_ANSWER,
    });
  });
}

export function onGroupApprove(s: SlackServices, log: Logger) {
  return guarded(log, 'group-approve', async ({ action, body, respond }) => {
    if (!s.groups) return;
    await respond(
      say(groupApproveAnswer(await s.groups.approve(action.value ?? '', body.user.id))),
    );
  });
}

export function onGroupReject(s: SlackServices, log: Logger) {
  return guarded(log, 'group-reject', async ({ action, body, respond }) => {
    if (!s.groups) return;
    await respond(say(groupRejectAnswer(await s.groups.reject(action.value ?? '', body.user.id))));
  });
}
