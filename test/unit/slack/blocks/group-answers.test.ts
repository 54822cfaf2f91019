import { describe, expect, it } from 'vitest';
import {
  mayDecide,
  notWaitingForApproval,
} from '../../../../src/domain/rollback-decision/approvals.js';
import {
  groupApproveAnswer,
  groupRejectAnswer,
  groupStartAnswer,
} from '../../../../src/slack/blocks/group-answers.js';

describe('group answers: the group flow outcomes in words', () => {
  it('says what "Roll back all N" did', () => {
    expect(groupStartAnswer({ kind: 'expired' })).toBe(
      'This button has expired. Start again with `/rollback <group>`.',
    );
    expect(groupStartAnswer({ kind: 'not-the-requester', requesterId: 'U0ONCALL' })).toBe(
      'Only <@U0ONCALL>, who asked for this group rollback, can confirm it.',
    );
    expect(
      groupStartAnswer({
        kind: 'already-started',
        groupId: '01GRP',
        state: 'awaiting_approval',
        channel: 'C0PROD',
      }),
    ).toBe(
      'Already awaiting approval: this group rollback (`01GRP`) was started once. Follow it in <#C0PROD>.',
    );
    expect(groupStartAnswer({ kind: 'blocked', group: 'prod', reason: 'frozen' })).toBe(
      ':no_entry: Group rollback of prod blocked: `frozen`',
    );
    expect(
      groupStartAnswer({
        kind: 'blocked',
        group: 'prod',
        reason: 'frozen (<!channel> *bold* <http://x|y>)',
      }),
    ).toBe(
      ':no_entry: Group rollback of prod blocked: `frozen (&lt;!channel&gt; *bold* &lt;http://x|y&gt;)`',
    );
    expect(
      groupStartAnswer({ kind: 'awaiting-approval', group: 'prod', members: 2, channel: 'C0PROD' }),
    ).toBe(
      ':raised_hand: The group rollback of prod needs one approval for all 2 environments; the request is in the thread in <#C0PROD>.',
    );
    expect(
      groupStartAnswer({
        kind: 'started',
        group: 'prod',
        groupId: '01GRP',
        members: 2,
        channel: 'C0PROD',
      }),
    ).toBe(
      ':leftwards_arrow_with_hook: Group rollback of prod started (`01GRP`): 2 environments in order. Live status in <#C0PROD>.',
    );
  });

  it('names who may approve instead only when the refusal is about the person', () => {
    const refused = {
      kind: 'refused',
      code: 'not-an-approver',
      message: 'You are not an approver.',
    } as const;
    expect(groupApproveAnswer({ ...refused, approvers: ['S0APPROVERS', 'U0MANAGER'] })).toBe(
      ':no_entry: You are not an approver. Approvers: <!subteam^S0APPROVERS>, <@U0MANAGER>.',
    );
    expect(groupApproveAnswer({ ...refused, approvers: [] })).toBe(
      ':no_entry: You are not an approver. Approvers: none configured.',
    );
    expect(groupRejectAnswer(refused)).toBe(':no_entry: You are not an approver.');
  });

  it('counts approvals', () => {
    const n = { count: 1, required: 2 };
    expect(groupApproveAnswer({ kind: 'duplicate', ...n })).toBe(
      'You already approved this group rollback (1 of 2); it counts once.',
    );
    expect(groupApproveAnswer({ kind: 'recorded', missing: 1, ...n })).toBe(
      ':ballot_box_with_check: Approval recorded (1 of 2).',
    );
    expect(groupApproveAnswer({ kind: 'already-deciding', count: 2, required: 2 })).toBe(
      ':ballot_box_with_check: Approval recorded (2 of 2); the group rollback is already starting.',
    );
    expect(groupApproveAnswer({ kind: 'approved', count: 2, required: 2, name: 'prod' })).toBe(
      ':white_check_mark: Approved (2 of 2). The group rollback of prod is starting.',
    );
  });

  it('says what a reject did', () => {
    // The sentences are the rules' (domain/rollback-decision/approvals.ts, whose tests pin them).
    const notWaiting = notWaitingForApproval('group');
    expect(
      groupRejectAnswer({ kind: 'stale', code: notWaiting.code, message: notWaiting.message }),
    ).toBe('This group rollback is not waiting for approval.');
    const requester = mayDecide({
      act: 'reject',
      userId: 'U0ONCALL',
      requesterId: 'U0ONCALL',
      of: 'group',
      envs: ['prod-us'],
      allowSelfApproval: false,
      approverMembers: [new Set(['U0MANAGER'])],
    });
    if (requester.ok) throw new Error('the requester was let reject');
    expect(
      groupRejectAnswer({
        kind: 'refused',
        code: requester.code,
        message: requester.message,
        approvers: ['U0MANAGER'],
      }),
    ).toBe('You asked for this group rollback; another approver decides.');
    expect(groupRejectAnswer({ kind: 'already-decided' })).toBe('Already decided.');
    expect(groupRejectAnswer({ kind: 'rejected', name: 'prod' })).toBe(
      'Rejected the group rollback of prod.',
    );
  });
});
