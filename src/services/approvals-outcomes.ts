// What the approvals service answers a click on Approve or Reject, as data, for a single request
// and a group rollback alike: src/slack/blocks/approval-answers.ts and group-answers.ts word it.
// A refusal carries the rule's code (the audit's) and its sentence in plain words
// (domain/rollback-decision/approvals.ts); nothing here is Slack's.
import type { PersonRefusalCode, StaleApprovalCode } from '../domain/rollback-decision/index.js';

/** Refused because of who clicked: `approvers` may instead, when the refusal is about them. */
export interface ApprovalRefused {
  kind: 'refused';
  code: PersonRefusalCode;
  message: string;
  /** The approver list that refused (user and user-group ids); absent when Slack could not say. */
  approvers?: readonly string[];
}

/** A stale click: the approval moved on (expired, cancelled, decided, superseded, changed). */
export interface ApprovalStale {
  kind: 'stale';
  code: StaleApprovalCode;
  message: string;
}

export type RefusedClick = ApprovalRefused | ApprovalStale;

/** Approvals so far, each approver once, against how many are required. */
export interface ApprovalCount {
  count: number;
  required: number;
}

export type ApproveOutcome =
  | RefusedClick
  /** This approver had already approved: it counts once. */
  | ({ kind: 'duplicate' } & ApprovalCount)
  /** Counted; `missing` more are needed. */
  | ({ kind: 'recorded'; missing: number } & ApprovalCount)
  /** Enough approvals, but another click is already deciding it. */
  | ({ kind: 'already-deciding' } & ApprovalCount)
  /** This click decided it: `name` (the environment, or the group) goes ahead. */
  | ({ kind: 'approved'; name: string } & ApprovalCount);

export type RejectOutcome =
  | RefusedClick
  /** Another click decided it first. */
  | { kind: 'already-decided' }
  | { kind: 'rejected'; name: string };

/** Before the reason is asked for: may this person reject it? */
export type MayRejectOutcome = RefusedClick | { kind: 'may-reject'; name: string };
