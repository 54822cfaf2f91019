import { describe, expect, it } from 'vitest';
import {
  approveAnswer,
  mayRejectAnswer,
  rejectAnswer,
  rejectNoticeModal,
  rejectOutcomeMessage,
} from '../../../../src/slack/blocks/approval-answers.js';

describe("approval answers: the approvals service's outcomes for a request, in words", () => {
  const notAnApprover = {
    kind: 'refused',
    code: 'not-an-approver',
    message: 'You are not an approver for this environment.',
    approvers: ['S0APPROVERS', 'U0MANAGER'],
  } as const;

  it('a refusal about the person says who may instead', () => {
    expect(approveAnswer(notAnApprover)).toBe(
      ':no_entry: You are not an approver for this environment. Approvers: <!subteam^S0APPROVERS>, <@U0MANAGER>.',
    );
    expect(approveAnswer({ ...notAnApprover, approvers: [] })).toBe(
      ':no_entry: You are not an approver for this environment. Approvers: none configured.',
    );
    expect(
      approveAnswer({
        kind: 'refused',
        code: 'approvers-unavailable',
        message: 'Slack did not say who is in the approver groups.',
      }),
    ).toBe(':no_entry: Slack did not say who is in the approver groups.');
  });

  it('a stale click says what became of the request', () => {
    expect(
      approveAnswer({
        kind: 'stale',
        code: 'rejected',
        message: 'This request was already rejected.',
      }),
    ).toBe(':no_entry: This request was already rejected.');
  });

  it('counts approvals', () => {
    expect(approveAnswer({ kind: 'duplicate', count: 1, required: 2 })).toBe(
      'You already approved this request (1 of 2); it counts once.',
    );
    expect(approveAnswer({ kind: 'recorded', count: 1, required: 2, missing: 1 })).toBe(
      ':ballot_box_with_check: Approval recorded (1 of 2). One more approver is needed.',
    );
    expect(approveAnswer({ kind: 'recorded', count: 1, required: 3, missing: 2 })).toBe(
      ':ballot_box_with_check: Approval recorded (1 of 3). 2 more approvers are needed.',
    );
    expect(approveAnswer({ kind: 'already-deciding', count: 2, required: 2 })).toBe(
      ':ballot_box_with_check: Approval recorded (2 of 2); the rollback is already being queued.',
    );
    expect(approveAnswer({ kind: 'approved', count: 2, required: 2, name: 'prod-<us>' })).toBe(
      ':white_check_mark: Approved (2 of 2). The rollback of prod-&lt;us&gt; is queued; the status message follows it.',
    );
  });

  it('the requester is told how to withdraw instead of rejecting', () => {
    const requester = {
      kind: 'refused',
      code: 'requester-rejects',
      message: 'You asked for this rollback; another approver decides.',
      approvers: ['U0MANAGER'],
    } as const;
    expect(rejectAnswer(requester)).toBe(
      ':no_entry: You asked for this rollback; another approver decides. To withdraw it, use *Cancel request* on its status message. Approvers: <@U0MANAGER>.',
    );
    expect(mayRejectAnswer(requester)).toEqual({ ok: false, answer: rejectAnswer(requester) });
  });

  it('says what a reject did', () => {
    expect(rejectAnswer(notAnApprover)).toBe(approveAnswer(notAnApprover));
    expect(rejectAnswer({ kind: 'already-decided' })).toBe(
      ':no_entry: Another approver decided this request first.',
    );
    expect(rejectAnswer({ kind: 'rejected', name: 'prod-us' })).toBe(
      'Rejected the rollback of prod-us.',
    );
    expect(mayRejectAnswer({ kind: 'may-reject', name: 'prod-us' })).toEqual({
      ok: true,
      env: 'prod-us',
    });
  });

  it('tells the rejecter the outcome by DM, as a whole message', () => {
    expect(rejectOutcomeMessage('Rejected the rollback of prod-us.')).toEqual({
      text: 'Rejected the rollback of prod-us.',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Rejected the rollback of prod-us.' } },
      ],
    });
  });

  it('the Reject modal says why it cannot ask, as a whole view', () => {
    expect(rejectNoticeModal(':no_entry: This request was already rejected.')).toEqual({
      type: 'modal',
      title: { type: 'plain_text', text: 'Reject rollback' },
      close: { type: 'plain_text', text: 'Close' },
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: ':no_entry: This request was already rejected.' },
        },
      ],
    });
  });
});
