// What the group flow answers the person who clicked, as data: src/slack/blocks/group-answers.ts
// words it. And the group's one-line summary, kept with its decision.
import type { GroupRecord, GroupState, MemberState } from '../store/group-store.js';

/** The requester's "Roll back all N". */
export type GroupStartOutcome =
  | { kind: 'expired' }
  | { kind: 'not-the-requester'; requesterId: string }
  | { kind: 'already-started'; groupId: string; state: GroupState; channel: string }
  | { kind: 'blocked'; group: string; reason: string }
  | { kind: 'awaiting-approval'; group: string; members: number; channel: string }
  | { kind: 'started'; group: string; groupId: string; members: number; channel: string };

/** Approve on the group's approval post. `count` of `required` approvals so far. */
export type GroupApproveOutcome =
  | GroupRefusal
  | { kind: 'duplicate'; count: number; required: number }
  | { kind: 'recorded'; count: number; required: number }
  | { kind: 'already-starting'; count: number; required: number }
  | { kind: 'approved'; count: number; required: number; group: string };

/** Reject on the group's approval post. */
export type GroupRejectOutcome =
  | GroupRefusal
  | { kind: 'not-pending' }
  | { kind: 'requester' }
  | { kind: 'already-decided' }
  | { kind: 'rejected'; group: string };

/**
 * The approval was refused: `message` in plain words; `approvers` when the refusal is about the
 * person, so the answer can say who may instead.
 */
export interface GroupRefusal {
  kind: 'refused';
  message: string;
  approvers?: readonly string[];
}

/** "2 rolled back, 0 failed, 1 not started". */
export function groupSummary(g: Pick<GroupRecord, 'members'>): string {
  const count = (s: MemberState) => g.members.filter((m) => m.state === s).length;
  const failed = count('failed') + count('refused');
  return `${count('succeeded')} rolled back, ${failed} failed, ${count('not_started')} not started`;
}
