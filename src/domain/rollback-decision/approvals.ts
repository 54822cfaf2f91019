// Who may approve or reject, how approvals add up, and whether an approval is still open when it
// is used: for a single request and a group rollback alike. Each refusal has a code for the audit
// and a sentence, in plain words, for the person who clicked (slack/ adds who may instead).
import type { RequestState } from '../request-state.js';

/** Refusals about the person who clicked: someone else may. */
export type PersonRefusalCode =
  | 'self-approval'
  | 'requester-rejects'
  | 'approvers-unavailable'
  | 'not-an-approver';

/** Refusals because the approval moved on: nobody may any more (a stale click). */
export type StaleApprovalCode =
  | 'expired'
  | 'cancelled'
  | 'rejected'
  | 'not-pending'
  | 'superseded'
  | 'target-changed';

export type ApprovalRefusalCode = PersonRefusalCode | StaleApprovalCode;

/** A rule's answer: yes, or which refusal and why. */
export type ApprovalCheck<Code extends ApprovalRefusalCode = ApprovalRefusalCode> =
  | { ok: true }
  | ApprovalRefusal<Code>;

export interface ApprovalRefusal<Code extends ApprovalRefusalCode = ApprovalRefusalCode> {
  ok: false;
  code: Code;
  message: string;
}

const refuse = <Code extends ApprovalRefusalCode>(
  code: Code,
  message: string,
): ApprovalRefusal<Code> => ({ ok: false, code, message });

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
}: CanApproveInput): ApprovalCheck<PersonRefusalCode> {
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

/** An environment named `prod…` never lets the requester approve, whatever the config says. */
export function forbidsSelfApproval(envName: string): boolean {
  return /^prod(\b|-|$)/.test(envName);
}

/** What is approved: one request, or a group rollback (it spans environments). */
export type ApprovalOf = 'request' | 'group';

export interface MayDecideInput {
  act: 'approve' | 'reject';
  userId: string;
  /** Undefined for automatic rollbacks (no person asked). */
  requesterId: string | undefined;
  of: ApprovalOf;
  /** The environments the approval is for: a prod one never lets the requester approve. */
  envs: readonly string[];
  /** The environment's approval.allowSelfApproval; a group rollback never allows it. */
  allowSelfApproval: boolean;
  /**
   * The members of each approver list the person must be on: one list for a request, one per
   * member whose policy asked for a group. 'unavailable' when Slack could not say (fail closed).
   */
  approverMembers: ReadonlyArray<ReadonlySet<string> | 'unavailable'>;
}

export type MayDecide =
  | { ok: true }
  | {
      ok: false;
      code: PersonRefusalCode;
      message: string;
      /** Which approver list refused (its approvers may instead). */
      list: number;
    };

/**
 * Who may approve or reject: an approver on every list, failing closed when a list cannot be read
 * or there is none; the requester never rejects (they cancel instead) and approves only where
 * self-approval is allowed: never in prod, never a group rollback.
 */
export function mayDecide(input: MayDecideInput): MayDecide {
  const { act, userId, requesterId, of } = input;
  const group = of === 'group';
  if (act === 'reject' && requesterId !== undefined && userId === requesterId) {
    return {
      ok: false,
      code: 'requester-rejects',
      message: `You asked for this ${group ? 'group rollback' : 'rollback'}; another approver decides.`,
      list: 0,
    };
  }
  const lists = input.approverMembers.length > 0 ? input.approverMembers : [new Set<string>()];
  for (const [list, members] of lists.entries()) {
    const who = canApprove({
      approverId: userId,
      requesterId: act === 'approve' ? requesterId : undefined,
      allowSelfApproval: !group && input.allowSelfApproval,
      forbidSelfApproval: group || input.envs.some(forbidsSelfApproval),
      approverMembers: members,
    });
    if (who.ok) continue;
    const message =
      group && who.code === 'not-an-approver'
        ? 'You are not an approver for every environment in this group.'
        : who.message;
    return { ok: false, code: who.code, message, list };
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

/** Nothing is waiting for approval under this id (never asked, or its records are gone). */
export function notWaitingForApproval(of: ApprovalOf): ApprovalRefusal<'not-pending'> {
  return refuse(
    'not-pending',
    `This ${of === 'group' ? 'group rollback' : 'request'} is not waiting for approval.`,
  );
}

/** The request's environment is no longer in the configuration: nobody can approve it. */
export function environmentGone(env: string): ApprovalRefusal<'not-pending'> {
  return refuse('not-pending', `${env} is no longer configured.`);
}

/** Whether a group rollback's one approval may still be decided: it waits, and it is in time. */
export function groupApprovalStillOpen(input: {
  /** The group's state, as the group record names it. */
  state: string;
  expiresAt: Date;
  now: Date;
}): ApprovalCheck<StaleApprovalCode> {
  if (input.state !== 'awaiting_approval') {
    return refuse(
      'not-pending',
      `This group rollback is no longer waiting for approval (it is ${input.state.replace('_', ' ')}).`,
    );
  }
  if (input.now >= input.expiresAt) {
    return refuse('expired', 'This group rollback expired before it was approved; ask again.');
  }
  return { ok: true };
}

/** Whether an approval given for `binding` may still move the request on. */
export function approvalStillValid({
  binding,
  current,
  expiresAt,
  state,
  now,
}: ApprovalValidityInput): ApprovalCheck<StaleApprovalCode> {
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
