import { describe, expect, it } from 'vitest';
import { ACTION } from '../../../../src/slack/blocks/action-ids.js';
import {
  groupApprovalMessage,
  groupConfirmationMessage,
  groupStatusMessage,
} from '../../../../src/slack/blocks/group-messages.js';
import type { GroupRecord } from '../../../../src/store/group-store.js';

const base = {
  group: 'prod',
  groupId: 'G1',
  onMemberFailure: 'halt' as const,
  members: [
    { env: 'prod-us', current: 'web-app / Deploy: aaaaaaa', target: 'bbbbbbb' },
    { env: 'prod-eu', current: 'billing-api / prod-eu: d-1', target: 'd-0' },
  ],
};
const shown = (m: ReturnType<typeof groupConfirmationMessage>) => JSON.stringify(m.blocks);

describe('the group review says what "Roll back all" does', () => {
  it('no approval, approval (from whom, why), or blocked with no button', () => {
    expect(shown(groupConfirmationMessage({ ...base, decision: { kind: 'allow' } }))).toContain(
      'No approval needed: the rollback starts when you click.',
    );
    const asks = shown(
      groupConfirmationMessage({
        ...base,
        decision: {
          kind: 'needs-approval',
          case: {
            rules: ['group-rollback'],
            why: [[{ text: 'prod-us: it rolls back several environments of a group together' }]],
            required: 1,
            approverSets: [['S0APPROVERS']],
            expiresAt: 0,
            forbidSelfApproval: true,
          },
        },
      }),
    );
    expect(asks).toContain('Needs approval');
    expect(asks).toContain('<!subteam^S0APPROVERS>');
    expect(asks).toContain('Roll back all 2 · asks approval');
    const blocked = shown(
      groupConfirmationMessage({ ...base, decision: { kind: 'block', reason: 'prod-us: frozen' } }),
    );
    expect(blocked).toContain('Blocked');
    expect(blocked).not.toContain(ACTION.groupConfirm);
  });
});

// 2026-11-20 15:04:05 UTC, as Slack's date token and its fallback.
const AT = Date.UTC(2026, 10, 20, 15, 4, 5);
const WHEN = `<!date^${Math.floor(AT / 1000)}^{date_short_pretty} {time}|2026-11-20 15:04 UTC>`;
const HOSTILE = '<!channel> *bold* <http://x|y>';

function record(over: Partial<GroupRecord>): GroupRecord {
  return {
    plan: {
      id: '01GRP0000000000000000000AB',
      group: 'prod',
      onMemberFailure: 'halt',
      members: [
        { env: 'prod-us', current: 'a', target: 'b' },
        { env: 'prod-eu', current: 'c', target: 'd' },
      ],
      requesterId: 'U0ONCALL',
      channel: 'C0PROD',
      createdAt: 0,
    },
    state: 'done',
    members: [
      { state: 'succeeded', requestId: '01REQ0000000000000000000US' },
      { state: 'succeeded' },
    ],
    approvals: [],
    ...over,
  };
}

/** The group message's blocks around its context line (the lines above it are the members'). */
function statusPayload(headline: string, members: string, context: string) {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `*${headline}*` } },
    { type: 'section', text: { type: 'mrkdwn', text: members } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
  ];
}

const ASKED = 'Asked by <@U0ONCALL> · on member failure: halt';
const BOTH_BACK =
  ':white_check_mark: rolled back · *prod-us* (request `01REQ0000000000000000000US`)\n:white_check_mark: rolled back · *prod-eu*';
const NONE_STARTED =
  ':black_circle: not started · *prod-us*\n:black_circle: not started · *prod-eu*';
const notStarted: GroupRecord['members'] = [{ state: 'not_started' }, { state: 'not_started' }];

describe('the group message says what was decided, with real mentions and inert text', () => {
  it('finished: the summary, and when', () => {
    expect(groupStatusMessage(record({ decision: { kind: 'finished', at: AT } }))).toEqual({
      text: 'Group rollback finished: prod: 2 rolled back, 0 failed, 0 not started',
      blocks: statusPayload(
        'Group rollback finished: prod',
        BOTH_BACK,
        `${ASKED}\nFinished ${WHEN}: 2 rolled back, 0 failed, 0 not started.`,
      ),
    });
  });

  it('finished after a halt: which member it halted after', () => {
    const g = record({
      members: [{ state: 'failed', detail: 'failed: boom' }, { state: 'not_started' }],
      decision: { kind: 'finished', at: AT, haltedAfter: { env: 'prod-us', state: 'failed' } },
    });
    expect(groupStatusMessage(g)).toEqual({
      text: 'Group rollback finished: prod: 0 rolled back, 1 failed, 1 not started',
      blocks: statusPayload(
        'Group rollback finished: prod',
        ':x: failed · *prod-us* `failed: boom`\n:black_circle: not started · *prod-eu*',
        `${ASKED}\nFinished ${WHEN}: 0 rolled back, 1 failed, 1 not started (halted after *prod-us* failed).`,
      ),
    });
  });

  it('approved: every approver as a mention', () => {
    const g = record({
      state: 'running',
      members: [
        { state: 'running', requestId: '01REQ0000000000000000000US' },
        { state: 'pending' },
      ],
      decision: { kind: 'approved', by: ['U0MANAGER', 'W0LEAD'], at: AT },
    });
    expect(groupStatusMessage(g)).toEqual({
      text: 'Group rollback running: prod',
      blocks: statusPayload(
        'Group rollback running: prod',
        ':hourglass_flowing_sand: rolling back · *prod-us* (request `01REQ0000000000000000000US`)\n:white_circle: waiting · *prod-eu*',
        `${ASKED}\nApproved by <@U0MANAGER>, <@W0LEAD> ${WHEN}.`,
      ),
    });
  });

  it('rejected: the rejecter as a mention; an id that is not a Slack id stays inert', () => {
    const g = record({
      state: 'rejected',
      members: notStarted,
      decision: { kind: 'rejected', by: 'U0MANAGER', at: AT },
    });
    expect(groupStatusMessage(g)).toEqual({
      text: 'Group rollback rejected: prod',
      blocks: statusPayload(
        'Group rollback rejected: prod',
        NONE_STARTED,
        `${ASKED}\nRejected by <@U0MANAGER> ${WHEN}.`,
      ),
    });
    const forged = groupStatusMessage({
      ...g,
      decision: { kind: 'rejected', by: '<!channel>', at: AT },
    });
    expect(forged.blocks[2]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${ASKED}\nRejected by \`&lt;!channel&gt;\` ${WHEN}.` }],
    });
  });

  it('expired', () => {
    const g = record({
      state: 'expired',
      members: notStarted,
      decision: { kind: 'expired', at: AT },
    });
    expect(groupStatusMessage(g)).toEqual({
      text: 'Group rollback expired: prod',
      blocks: statusPayload(
        'Group rollback expired: prod',
        NONE_STARTED,
        `${ASKED}\nExpired ${WHEN} before it had enough approvals. Ask again if it is still needed.`,
      ),
    });
  });

  it('blocked: a hostile reason pings nobody, links nothing and formats nothing', () => {
    const g = record({
      state: 'refused',
      members: notStarted,
      decision: { kind: 'blocked', reason: `prod-eu: frozen (${HOSTILE}, by U0RELEASE)`, at: AT },
    });
    expect(groupStatusMessage(g)).toEqual({
      text: 'Group rollback blocked: prod',
      blocks: statusPayload(
        'Group rollback blocked: prod',
        NONE_STARTED,
        `${ASKED}\nBlocked ${WHEN}: \`prod-eu: frozen (&lt;!channel&gt; *bold* &lt;http://x|y&gt;, by U0RELEASE)\``,
      ),
    });
  });

  it('a group recorded before decisions were data shows its text as a plain note', () => {
    const g = record({ decision: { kind: 'note', text: 'Finished: 2 rolled back, 0 failed.' } });
    expect(groupStatusMessage(g).blocks[2]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${ASKED}\nFinished: 2 rolled back, 0 failed.` }],
    });
    const old = record({
      state: 'rejected',
      decision: { kind: 'note', text: 'Rejected by <@U0MGR>.' },
    });
    expect(groupStatusMessage(old).blocks[2]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${ASKED}\nRejected by &lt;@U0MGR&gt;.` }],
    });
  });
});

describe('the group approval post ends in what was decided', () => {
  const approval = {
    rules: ['crosses-unsafe-release'],
    why: [
      [
        { text: 'prod-eu: it crosses releases marked unsafe to roll back: ' },
        { quote: 'd-1 (migration)' },
      ],
    ],
    required: 1,
    approverSets: [['S0APPROVERS']],
    expiresAt: AT + 30 * 60_000,
    forbidSelfApproval: true,
  };
  const section = [
    '*Approval needed* for the group rollback of *prod* (prod-us, prod-eu)',
    'Asked by <@U0ONCALL>',
    'Why: prod-eu: it crosses releases marked unsafe to roll back: `d-1 (migration)` (crosses-unsafe-release)',
    'Needs 1 approval from <!subteam^S0APPROVERS>; the requester cannot approve.',
    `Expires <!date^${Math.floor(AT / 1000) + 30 * 60}^{date_short_pretty} {time}|2026-11-20 15:34 UTC>`,
  ].join('\n');

  it('rejected: who, as a mention, and no buttons', () => {
    const g = record({
      state: 'rejected',
      members: notStarted,
      approval,
      decision: { kind: 'rejected', by: 'U0MANAGER', at: AT },
    });
    expect(groupApprovalMessage(g, new Date(AT))).toEqual({
      text: 'Group rollback of prod: rejected',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: section } },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: `Rejected by <@U0MANAGER> ${WHEN}.` }],
        },
      ],
    });
  });

  it('approved and done: who approved, and how the group ended', () => {
    const g = record({
      approval,
      approvals: [{ approverId: 'U0MANAGER', at: AT }],
      decision: { kind: 'finished', at: AT },
    });
    expect(groupApprovalMessage(g, new Date(AT))).toEqual({
      text: 'Group rollback of prod: done',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `${section}\nApproved so far by <@U0MANAGER> (1 of 1)`,
          },
        },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: 'Approved by <@U0MANAGER>; the group rollback is done.' },
          ],
        },
      ],
    });
  });
});
