// What the group flow answers the person who clicked "Roll back all N", as data:
// src/slack/blocks/group-answers.ts words it (approve and reject answer the approvals service's
// outcomes, src/services/approvals-outcomes.ts). And the group's one-line summary.
import type { Phrase } from '../../domain/phrase.js';
import type { GroupRecord, GroupState, MemberState } from '../../store/group-store.js';

/** The requester's "Roll back all N". */
export type GroupStartOutcome =
  | { kind: 'expired' }
  | { kind: 'not-the-requester'; requesterId: string }
  | { kind: 'already-started'; groupId: string; state: GroupState; channel: string }
  | { kind: 'blocked'; group: string; reason: Phrase }
  | { kind: 'awaiting-approval'; group: string; members: number; channel: string }
  | { kind: 'started'; group: string; groupId: string; members: number; channel: string };

/** "2 rolled back, 0 failed, 1 not started". */
export function groupSummary(g: Pick<GroupRecord, 'members'>): string {
  const count = (s: MemberState) => g.members.filter((m) => m.state === s).length;
  const failed = count('failed') + count('refused');
  return `${count('succeeded')} rolled back, ${failed} failed, ${count('not_started')} not started`;
}
