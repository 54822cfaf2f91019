// Who may approve, how approvals add up, and whether an approval still applies when it is used.
// Each refusal has a code for the audit and a sentence for the person who clicked.
import type { RequestState } from '../request-state.js';

export type ApprovalRefusalCode =
  | 'self-approval'
  | 'approvers-unavailable'
  | 'not-an-approver'
  | 'expired'
  | 'cancelled'
  | 'rejected'
  | 'not-pending'
  | 'superseded'
  | 'target-changed';

export type ApprovalCheck =
  | { ok: true }
  | { ok: false; code: ApprovalRefusalCode; message: string };

const refuse = (code: ApprovalRefusalCode, message: string): ApprovalCheck => ({
  ok: false,
  code,
  message,
});

export interface CanApproveInput {
  approverId: string;
  /** Undefined for automatic rollbacks (no person asked). */
  requesterId: string | undefined;
  /** The environment's approval.allowSelfApproval. */
  allowSelfApproval: boolean;
  /** A hard rule for the environment (e.g. prod) that overrides allowSelfApproval. */
  forbidSelfApproval?: boolean;
  /**
   * Every user id allowed to approve: the listed user ids plus the members of listed user groups.
   * 'unavailable' when Slack could not say who is in a group: then nobody approves (fail closed).
   */
  approverMembers: ReadonlySet<string> | 'unavailable';
}

export function canApprove({
  approverId,
  requesterId,
  allowSelfApproval,
  forbidSelfApproval = false,
  approverMembers,
}: CanApproveInput): ApprovalCheck {
  if (requesterId !== undefined && approverId === requesterId) {
    if (forbidSelfApproval || !allowSelfApproval) {
      return refuse(
        'self-approval',
        'You asked for this rollback, so you cannot approve it; another approver has to.',
      );
    }
  }
  if (approverMembers === 'unavailable') {
    return refuse(
      'approvers-unavailable',
      'Slack did not say who is in the approver groups, so no approval can be accepted right now. Try again in a minute.',
    );
  }
  if (!approverMembers.has(approverId)) {
    return refuse('not-an-approver', 'You are not an approver for this environment.');
  }
  return { ok: true };
}

export interface Approval {
  approverId: string;
  at: Date;
}

export interface ApprovalTally {
  /** Distinct approvers, in the order they first approved. */
  approvers: string[];
  count: number;
  required: number;
  satisfied: boolean;
  /** How many more are needed (0 when satisfied). */
  missing: number;
}

/** Counts each approver once, however often they clicked. */
export function tallyApprovals(approvals: readonly Approval[], required: number): ApprovalTally {
  const ordered = [...approvals].sort((a, b) => a.at.getTime() - b.at.getTime());
  const approvers = [...new Set(ordered.map((a) => a.approverId))];
  const count = approvers.length;
  return {
    approvers,
    count,
    required,
    satisfied: count >= required,
    missing: Math.max(0, required - count),
  };
}

/** What an approval was given for: this environment, stage and target execution. */
export interface ApprovalBinding {
  env: string;
  stage: string;
  targetExecutionId: string;
  /** The release being rolled back when the request was made, when known. */
  currentExecutionId?: string;
}

export interface ApprovalValidityInput {
  binding: ApprovalBinding;
  /** The same facts as they are now (the request as stored, and what is deployed now). */
  current: ApprovalBinding & {
    /** Id of a newer request that replaced this one, if any. */
    supersededBy?: string;
  };
  expiresAt: Date;
  state: RequestState;
  now: Date;
}

/** Whether an approval given for `binding` may still move the request on. */
export function approvalStillValid({
  binding,
  current,
  expiresAt,
  state,
  now,
}: ApprovalValidityInput): ApprovalCheck {
  if (state === 'cancelled') return refuse('cancelled', 'The requester cancelled this rollback.');
  if (state === 'expired' || (state === 'awaiting_approval' && now >= expiresAt)) {
    return refuse('expired', 'This request expired before it was approved; ask again.');
  }
  if (state === 'rejected') return refuse('rejected', 'This request was already rejected.');
  if (state !== 'awaiting_approval') {
    return refuse(
      'not-pending',
      `This request is no longer waiting for approval (it is ${state}).`,
    );
  }
  if (current.supersededBy !== undefined) {
    return refuse(
      'superseded',
      `A newer request (${current.supersededBy}) replaced this one; approve that one instead.`,
    );
  }
  if (
    binding.currentExecutionId !== undefined &&
    current.currentExecutionId !== undefined &&
    binding.currentExecutionId !== current.currentExecutionId
  ) {
    return refuse(
      'superseded',
      `A newer release (${current.currentExecutionId}) reached ${current.env} ${current.stage} since this was asked; ask again.`,
    );
  }
  if (
    binding.env !== current.env ||
    binding.stage !== current.stage ||
    binding.targetExecutionId !== current.targetExecutionId
  ) {
    return refuse(
      'target-changed',
      `This approval was for ${binding.env} ${binding.stage} to ${binding.targetExecutionId}, but the request now targets ${current.env} ${current.stage} to ${current.targetExecutionId}.`,
    );
  }
  return { ok: true };
}
