// A single request's approval, the Slack side: answers the Approve and Reject clicks on its card
// through the approvals service (src/services/approvals.ts, which checks, counts, claims, expires
// and audits), in words (blocks/approval-answers.ts), and posts and updates the card in the
// request's thread (approval-post.ts, the render job). A group's approval: group-actions.ts.
import type { SubjectApprovals } from '../services/approvals.js';
import { type ApprovalPostDeps, createApprovalPost } from './approval-post.js';
import { approveAnswer, mayRejectAnswer, rejectAnswer } from './blocks/approval-answers.js';

export interface ApprovalFlowDeps extends ApprovalPostDeps {
  /** The approvals service for single requests (src/services/approvals-requests.ts). */
  approvals: SubjectApprovals;
}

export function createApprovalFlow(deps: ApprovalFlowDeps) {
  const { approvals } = deps;
  return {
    /** Approve clicked: the answer for the approver. */
    approve: async (id: string, user: string): Promise<string> =>
      approveAnswer(await approvals.approve(id, user)),

    /** Before the Reject modal asks why: the environment it names, or the answer why not. */
    mayReject: async (id: string, user: string) =>
      mayRejectAnswer(await approvals.mayReject(id, user)),

    /** The Reject modal was submitted with a reason: the answer for the rejecter. */
    reject: async (id: string, user: string, reason: string): Promise<string> =>
      rejectAnswer(await approvals.reject(id, user, reason)),

    /** The App Home: the approval, if `user` may approve it now (nothing done, nothing audited). */
    awaitingFrom: (id: string, user: string) => approvals.awaitingFrom(id, user),

    /** Worker: post or update the approval card (approval-post.ts). */
    render: createApprovalPost(deps),
  };
}

export type ApprovalFlow = ReturnType<typeof createApprovalFlow>;
