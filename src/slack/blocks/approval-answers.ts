// What a person is told, privately, after Approve or Reject on a single request's approval card:
// the approvals service's outcomes (src/services/approvals-outcomes.ts) in words. A refusal says
// who may instead when it is about the person. Pure. A group's answers: group-answers.ts.
import type {
  ApprovalCount,
  ApproveOutcome,
  MayRejectOutcome,
  RefusedClick,
  RejectOutcome,
} from '../../services/approvals-outcomes.js';
import type { ModalView, SlackMessage } from './block-kit.js';
import { mention } from './format.js';
import { escapeMrkdwn } from './inert-text.js';

/** Who may approve instead, when the refusal is about the person who clicked. */
function instead(o: RefusedClick): string {
  if (o.kind !== 'refused' || !o.approvers) return '';
  return ` Approvers: ${o.approvers.map(mention).join(', ') || 'none configured'}.`;
}

/** A click that cannot count, and who may instead. */
export function refusalAnswer(o: RefusedClick): string {
  return `:no_entry: ${o.message}${instead(o)}`;
}

/** "1 of 2": approvals so far, each approver once, of those required. */
export const progress = (c: ApprovalCount) => `${c.count} of ${c.required}`;

export function approveAnswer(o: ApproveOutcome): string {
  switch (o.kind) {
    case 'refused':
    case 'stale':
      return refusalAnswer(o);
    case 'duplicate':
      return `You already approved this request (${progress(o)}); it counts once.`;
    case 'recorded':
      return `:ballot_box_with_check: Approval recorded (${progress(o)}). ${o.missing === 1 ? 'One more approver is' : `${o.missing} more approvers are`} needed.`;
    case 'already-deciding':
      return `:ballot_box_with_check: Approval recorded (${progress(o)}); the rollback is already being queued.`;
    case 'approved':
      return `:white_check_mark: Approved (${progress(o)}). The rollback of ${escapeMrkdwn(o.name)} is queued; the status message follows it.`;
  }
}

/** The requester cannot reject their own request: they may withdraw it. */
const WITHDRAW = ' To withdraw it, use *Cancel request* on its status message.';

function rejectRefusal(o: RefusedClick): string {
  if (o.kind === 'refused' && o.code === 'requester-rejects') {
    return `:no_entry: ${o.message}${WITHDRAW}${instead(o)}`;
  }
  return refusalAnswer(o);
}

export function rejectAnswer(o: RejectOutcome): string {
  switch (o.kind) {
    case 'refused':
    case 'stale':
      return rejectRefusal(o);
    case 'already-decided':
      return ':no_entry: Another approver decided this request first.';
    case 'rejected':
      return `Rejected the rollback of ${escapeMrkdwn(o.name)}.`;
  }
}

/** Before the Reject modal asks why: the environment it names, or why not. */
export function mayRejectAnswer(
  o: MayRejectOutcome,
): { ok: true; env: string } | { ok: false; answer: string } {
  return o.kind === 'may-reject'
    ? { ok: true, env: o.name }
    : { ok: false, answer: rejectRefusal(o) };
}

/** The reject's outcome, told to the rejecter by DM once the modal is gone. */
export function rejectOutcomeMessage(answer: string): SlackMessage {
  return { text: answer, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: answer } }] };
}

/** The Reject modal when it cannot ask why: the answer instead, and Close. */
export function rejectNoticeModal(answer: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Reject rollback' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: answer } }],
  };
}
