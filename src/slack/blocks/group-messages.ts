// Group rollbacks in Slack: the private confirmation (each member's current → target, one
// "Roll back all N" button and Cancel, both carrying only the group id), the group status
// message (one line per member, then a summary, then what was decided) and the one approval post
// for the group. User ids become mentions only when they are Slack ids; outside text is inert.
import { joinPhrases } from '../../domain/phrase.js';
import type { GroupDecision } from '../../services/groups/group-decision.js';
import { groupSummary } from '../../services/groups/group-outcomes.js';
import type { GroupDecisionRecord, GroupRecord, MemberState } from '../../store/group-store.js';
import { ACTION } from './action-ids.js';
import type { KnownBlock, SlackMessage } from './block-kit.js';
import { mention, person, sentence, slackDate } from './format.js';
import { escapeMrkdwn, inertCode, plainLine } from './inert-text.js';
import { mrkdwnPhrase } from './phrase.js';

const MEMBER_LABEL: Record<MemberState, string> = {
  pending: ':white_circle: waiting',
  starting: ':hourglass_flowing_sand: starting',
  running: ':hourglass_flowing_sand: rolling back',
  succeeded: ':white_check_mark: rolled back',
  failed: ':x: failed',
  refused: ':no_entry_sign: refused',
  not_started: ':black_circle: not started',
};

/** When it was decided, in the reader's time zone ("Today 15:04"; UTC in the fallback). */
function decidedAt(at: number): string {
  if (!Number.isFinite(at)) return '';
  return ` ${slackDate(at)}`;
}

/** What was decided about the group, in words. */
function decisionWords(g: GroupRecord, d: GroupDecisionRecord): string {
  switch (d.kind) {
    case 'blocked':
      return `Blocked${decidedAt(d.at)}: ${mrkdwnPhrase(d.reason)}`;
    case 'approved':
      return `Approved by ${d.by.map((u) => person(u)).join(', ')}${decidedAt(d.at)}.`;
    case 'rejected':
      return `Rejected by ${person(d.by)}${decidedAt(d.at)}.`;
    case 'expired':
      return `Expired${decidedAt(d.at)} before it had enough approvals. Ask again if it is still needed.`;
    case 'finished': {
      const h = d.haltedAfter;
      const halted = h ? ` (halted after *${escapeMrkdwn(h.env)}* ${h.state})` : '';
      return `Finished${decidedAt(d.at)}: ${groupSummary(g)}${halted}.`;
    }
    case 'note':
      // A group recorded before decisions were data: its text, as it was shown then.
      return escapeMrkdwn(plainLine(d.text, 1500));
  }
}

/** The group review's promise: exactly what its button does. */
function groupPromise(d: GroupDecision | undefined): string {
  if (!d) return 'Needs one approval for the whole group when any member’s policy asks for it.';
  if (d.kind === 'allow')
    return ':white_check_mark: No approval needed: the rollback starts when you click.';
  if (d.kind === 'block')
    return `:no_entry: *Blocked* — clicking will not roll back. ${mrkdwnPhrase(d.reason)}`;
  const c = d.case;
  const n = c.required === 1 ? 'one approval' : `${c.required} approvals`;
  return `:raised_hand: *Needs approval* — clicking asks for ${n} for the whole group, from someone who is an approver of every member that asks (${c.approverSets.map((s) => s.map(mention).join(' or ')).join('; ')}), because ${sentence(mrkdwnPhrase(joinPhrases(c.why, '; ')))}`;
}

export function groupConfirmationMessage(input: {
  group: string;
  groupId: string;
  onMemberFailure: 'halt' | 'continue';
  members: ReadonlyArray<{ env: string; current: string; target: string }>;
  reason?: string;
  /** What "Roll back all N" will do, decided as the click decides it. */
  decision?: GroupDecision;
}): SlackMessage {
  const n = input.members.length;
  const lines = input.members.map(
    (m, i) =>
      `${i + 1}. *${escapeMrkdwn(m.env)}*: ${inertCode(m.current, 120)} → ${inertCode(m.target, 120)}`,
  );
  const notes = [
    input.onMemberFailure === 'halt'
      ? 'Members roll back in this order; if one fails, the rest are not started.'
      : 'Members roll back in this order; if one fails, the rest still go.',
    groupPromise(input.decision),
  ];
  if (input.reason) notes.push(`Reason: ${inertCode(input.reason, 500)}`);
  return {
    text: `Review the rollback of group ${plainLine(input.group, 100)} (${n} environments)`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:leftwards_arrow_with_hook: *Review this group rollback* · ${escapeMrkdwn(input.group)}\n${lines.join('\n')}`.slice(
            0,
            3000,
          ),
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: notes.join('\n') }] },
      {
        type: 'actions',
        elements: [
          // A blocked group offers no button to click: the review says why instead.
          ...(input.decision?.kind === 'block'
            ? []
            : [
                {
                  type: 'button' as const,
                  action_id: ACTION.groupConfirm,
                  style: 'danger' as const,
                  text: {
                    type: 'plain_text' as const,
                    text: `Roll back all ${n}${input.decision?.kind === 'needs-approval' ? ' · asks approval' : ''}`,
                  },
                  value: input.groupId,
                },
              ]),
          {
            type: 'button',
            action_id: ACTION.groupCancel,
            text: { type: 'plain_text', text: 'Cancel' },
            value: input.groupId,
          },
        ],
      },
    ],
  };
}

const GROUP_HEADLINE: Record<GroupRecord['state'], string> = {
  proposed: 'Group rollback proposed',
  evaluating: 'Group rollback starting',
  awaiting_approval: 'Group rollback awaiting approval',
  running: 'Group rollback running',
  done: 'Group rollback finished',
  refused: 'Group rollback blocked',
  rejected: 'Group rollback rejected',
  expired: 'Group rollback expired',
  cancelled: 'Group rollback cancelled',
};

export function groupStatusMessage(g: GroupRecord): SlackMessage {
  const p = g.plan;
  const headline = `${GROUP_HEADLINE[g.state]}: ${plainLine(p.group, 100)}`;
  const lines = p.members.map((m, i) => {
    const s = g.members[i]!;
    const req = s.requestId ? ` (request \`${s.requestId}\`)` : '';
    const detail = s.detail ? ` ${inertCode(s.detail, 200)}` : '';
    return `${MEMBER_LABEL[s.state]} · *${escapeMrkdwn(m.env)}*${req}${detail}`;
  });
  const context = [
    `Asked by ${person(p.requesterId)} · on member failure: ${p.onMemberFailure}`,
    ...(p.reason ? [`Reason: ${inertCode(p.reason, 500)}`] : []),
    ...(g.decision ? [decisionWords(g, g.decision)] : []),
  ];
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(headline)}*` } },
    { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: context.join('\n').slice(0, 2000) }] },
  ];
  const text = g.state === 'done' ? `${headline}: ${groupSummary(g)}` : headline;
  return { text, blocks };
}

export function groupApprovalMessage(g: GroupRecord, now: Date): SlackMessage {
  const c = g.approval;
  const p = g.plan;
  if (!c) return { text: 'No approval needed', blocks: [] };
  const approvers = c.approverSets.map((set) => set.map(mention).join(' or ')).join(', and ');
  const approved = g.approvals.map((a) => person(a.approverId)).join(', ');
  const waiting = g.state === 'awaiting_approval' && now.getTime() < c.expiresAt;
  const lines = [
    `*Approval needed* for the group rollback of *${escapeMrkdwn(p.group)}* (${p.members.map((m) => escapeMrkdwn(m.env)).join(', ')})`,
    `Asked by ${person(p.requesterId)}${p.reason ? ` because ${inertCode(p.reason, 300)}` : ''}`,
    `Why: ${mrkdwnPhrase(joinPhrases(c.why, '; '))} (${c.rules.join(', ')})`,
    `Needs ${c.required === 1 ? '1 approval' : `${c.required} approvals`} from ${approvers}; the requester cannot approve.`,
    `Expires ${slackDate(c.expiresAt)}`,
    ...(approved
      ? [`Approved so far by ${approved} (${g.approvals.length} of ${c.required})`]
      : []),
  ];
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) } },
  ];
  if (waiting) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION.groupApprove,
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve' },
          value: p.id,
        },
        {
          type: 'button',
          action_id: ACTION.groupReject,
          style: 'danger',
          text: { type: 'plain_text', text: 'Reject' },
          value: p.id,
        },
      ],
    });
  } else {
    const outcome =
      g.state === 'rejected' || g.state === 'expired' || g.state === 'cancelled'
        ? g.decision
          ? decisionWords(g, g.decision)
          : g.state
        : g.state === 'awaiting_approval'
          ? 'Expired before it had enough approvals.'
          : `Approved by ${approved || 'an approver'}; the group rollback is ${g.state}.`;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: outcome }] });
  }
  const text = waiting
    ? `Approval needed: group rollback of ${plainLine(p.group, 100)}`
    : `Group rollback of ${plainLine(p.group, 100)}: ${g.state}`;
  return { text, blocks };
}
