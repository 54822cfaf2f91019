// What a person is told, privately, after a click on a group rollback's buttons: the group flow's
// outcomes (src/services/groups/group-outcomes.ts) and, for Approve and Reject, the approvals
// service's (src/services/approvals-outcomes.ts, refusals worded as for a request:
// approval-answers.ts), in words. Pure.

import type { ApproveOutcome, RejectOutcome } from '../../services/approvals-outcomes.js';
import type { GroupStartOutcome } from '../../services/groups/group-outcomes.js';
import { progress, refusalAnswer } from './approval-answers.js';
import { channelRef, person } from './format.js';
import { mrkdwnPhrase } from './phrase.js';

export function groupStartAnswer(o: GroupStartOutcome): string {
  switch (o.kind) {
    case 'expired':
      return 'This button has expired. Start again with `/rollback <group>`.';
    case 'not-the-requester':
      return `Only ${person(o.requesterId)}, who asked for this group rollback, can confirm it.`;
    case 'already-started':
      return `Already ${o.state.replace('_', ' ')}: this group rollback (\`${o.groupId}\`) was started once. Follow it in ${channelRef(o.channel)}.`;
    case 'blocked':
      // The policy's reason quotes outside text (a freeze's reason) inert, as its phrase says.
      return `:no_entry: Group rollback of ${o.group} blocked: ${mrkdwnPhrase(o.reason)}`;
    case 'awaiting-approval':
      return `:raised_hand: The group rollback of ${o.group} needs one approval for all ${o.members} environments; the request is in the thread in ${channelRef(o.channel)}.`;
    case 'started':
      return `:leftwards_arrow_with_hook: Group rollback of ${o.group} started (\`${o.groupId}\`): ${o.members} environments in order. Live status in ${channelRef(o.channel)}.`;
  }
}

export const GROUP_CANCELLED_ANSWER = 'Group rollback not started.';

export function groupApproveAnswer(o: ApproveOutcome): string {
  switch (o.kind) {
    case 'refused':
    case 'stale':
      return refusalAnswer(o);
    case 'duplicate':
      return `You already approved this group rollback (${progress(o)}); it counts once.`;
    case 'recorded':
      return `:ballot_box_with_check: Approval recorded (${progress(o)}).`;
    case 'already-deciding':
      return `:ballot_box_with_check: Approval recorded (${progress(o)}); the group rollback is already starting.`;
    case 'approved':
      return `:white_check_mark: Approved (${progress(o)}). The group rollback of ${o.name} is starting.`;
  }
}

/** A reject too late, or from the requester, is told plainly; other refusals say who may. */
export function groupRejectAnswer(o: RejectOutcome): string {
  switch (o.kind) {
    case 'stale':
      return o.message;
    case 'refused':
      return o.code === 'requester-rejects' ? o.message : refusalAnswer(o);
    case 'already-decided':
      return 'Already decided.';
    case 'rejected':
      return `Rejected the group rollback of ${o.name}.`;
  }
}
