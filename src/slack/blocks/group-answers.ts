// What a person is told, privately, after a click on a group rollback's buttons: the group flow's
// outcomes (src/groups/group-outcomes.ts) in words. Pure.
import type {
  GroupApproveOutcome,
  GroupRefusal,
  GroupRejectOutcome,
  GroupStartOutcome,
} from '../../groups/group-outcomes.js';
import { mention } from './format.js';

export function groupStartAnswer(o: GroupStartOutcome): string {
  switch (o.kind) {
    case 'expired':
      return 'This button has expired. Start again with `/rollback <group>`.';
    case 'not-the-requester':
      return `Only <@${o.requesterId}>, who asked for this group rollback, can confirm it.`;
    case 'already-started':
      return `Already ${o.state.replace('_', ' ')}: this group rollback (\`${o.groupId}\`) was started once. Follow it in <#${o.channel}>.`;
    case 'blocked':
      return `:no_entry: Group rollback of ${o.group} blocked: ${o.reason}`;
    case 'awaiting-approval':
      return `:raised_hand: The group rollback of ${o.group} needs one approval for all ${o.members} environments; the request is in the thread in <#${o.channel}>.`;
    case 'started':
      return `:leftwards_arrow_with_hook: Group rollback of ${o.group} started (\`${o.groupId}\`): ${o.members} environments in order. Live status in <#${o.channel}>.`;
  }
}

export const GROUP_CANCELLED_ANSWER = 'Group rollback not started.';

/** A refusal, and who may approve instead when it is about the person. */
function refusalAnswer(r: GroupRefusal): string {
  const instead = r.approvers
    ? ` Approvers: ${r.approvers.map(mention).join(', ') || 'none configured'}.`
    : '';
  return `:no_entry: ${r.message}${instead}`;
}

export function groupApproveAnswer(o: GroupApproveOutcome): string {
  switch (o.kind) {
    case 'refused':
      return refusalAnswer(o);
    case 'duplicate':
      return `You already approved this group rollback (${o.count} of ${o.required}); it counts once.`;
    case 'recorded':
      return `:ballot_box_with_check: Approval recorded (${o.count} of ${o.required}).`;
    case 'already-starting':
      return `:ballot_box_with_check: Approval recorded (${o.count} of ${o.required}); the group rollback is already starting.`;
    case 'approved':
      return `:white_check_mark: Approved (${o.count} of ${o.required}). The group rollback of ${o.group} is starting.`;
  }
}

export function groupRejectAnswer(o: GroupRejectOutcome): string {
  switch (o.kind) {
    case 'refused':
      return refusalAnswer(o);
    case 'not-pending':
      return 'This group rollback is not waiting for approval.';
    case 'requester':
      return 'You asked for this group rollback; another approver decides.';
    case 'already-decided':
      return 'Already decided.';
    case 'rejected':
      return `Rejected the group rollback of ${o.group}.`;
  }
}
