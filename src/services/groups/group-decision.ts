// One decision for a whole group: each member's policy is asked as for a group rollback, and the
// answers combine. Any block blocks the group; any needs-approval asks once for the group, with
// the highest count, the earliest expiry, and an approver who must be an approver of every
// member that asked. Pure.
import { joinPhrases, type Phrase, phraseParts } from '../../domain/phrase.js';
import type { RollbackDecision } from '../../domain/rollback-decision/index.js';
import type { GroupApprovalCase } from '../../store/group-store.js';

export type GroupDecision =
  | { kind: 'allow' }
  | { kind: 'block'; reason: Phrase }
  | { kind: 'needs-approval'; case: GroupApprovalCase };

export function combineMemberDecisions(
  members: ReadonlyArray<{ env: string; decision: RollbackDecision }>,
): GroupDecision {
  const blocked = members.filter((m) => m.decision.decision === 'block');
  if (blocked.length > 0) {
    return {
      kind: 'block',
      reason: joinPhrases(
        blocked.map((m) => [
          { text: `${m.env}: ` },
          ...phraseParts((m.decision as Extract<RollbackDecision, { decision: 'block' }>).reason),
        ]),
        ' ',
      ),
    };
  }
  const asking = members.flatMap((m) =>
    m.decision.decision === 'needs-approval' ? [{ env: m.env, d: m.decision }] : [],
  );
  if (asking.length === 0) return { kind: 'allow' };
  return {
    kind: 'needs-approval',
    case: {
      rules: [...new Set(asking.flatMap((a) => a.d.rules.map((r) => r.rule)))],
      why: asking.flatMap((a) =>
        a.d.rules.map((r) => [{ text: `${a.env}: ` }, ...phraseParts(r.why)]),
      ),
      required: Math.max(...asking.map((a) => a.d.required)),
      approverSets: asking.map((a) => [...a.d.approvers]),
      expiresAt: Math.min(...asking.map((a) => a.d.expiresAt.getTime())),
      // A group rollback spans environments: the requester never approves it.
      forbidSelfApproval: true,
    },
  };
}
