import { describe, expect, it } from 'vitest';
import {
  type ApprovalBinding,
  type ApprovalRefusalCode,
  approvalStillValid,
  type CanApproveInput,
  canApprove,
  tallyApprovals,
} from '../../../src/domain/guardrails/approvals.js';
import type { RequestState } from '../../../src/domain/request-state.js';

const members = new Set(['U0MANAGER', 'U0LEAD', 'U0ONCALL']);

describe('who may approve', () => {
  const base: CanApproveInput = {
    approverId: 'U0MANAGER',
    requesterId: 'U0ONCALL',
    allowSelfApproval: false,
    approverMembers: members,
  };

  it.each<[string, Partial<CanApproveInput>, ApprovalRefusalCode | 'ok']>([
    ['a listed approver', {}, 'ok'],
    ['the requester, even though an approver', { approverId: 'U0ONCALL' }, 'self-approval'],
    [
      'the requester where self-approval is allowed',
      { approverId: 'U0ONCALL', allowSelfApproval: true },
      'ok',
    ],
    [
      'the requester where the environment forbids it regardless',
      { approverId: 'U0ONCALL', allowSelfApproval: true, forbidSelfApproval: true },
      'self-approval',
    ],
    ['an outsider', { approverId: 'U0INTERN' }, 'not-an-approver'],
    [
      'an outsider approving their own request where allowed',
      { approverId: 'U0INTERN', requesterId: 'U0INTERN', allowSelfApproval: true },
      'not-an-approver',
    ],
    [
      'anyone when group membership is unavailable',
      { approverMembers: 'unavailable' },
      'approvers-unavailable',
    ],
    ['an approver of an automatic rollback', { requesterId: undefined }, 'ok'],
  ])('%s', (_name, over, want) => {
    const r = canApprove({ ...base, ...over });
    expect(r.ok ? 'ok' : r.code).toBe(want);
  });

  it('says why in words', () => {
    const self = canApprove({ ...base, approverId: 'U0ONCALL' });
    expect(self).toEqual({
      ok: false,
      code: 'self-approval',
      message: 'You asked for this rollback, so you cannot approve it; another approver has to.',
    });
    const unavailable = canApprove({ ...base, approverMembers: 'unavailable' });
    expect(!unavailable.ok && unavailable.message).toMatch(/no approval can be accepted right now/);
  });
});

describe('tallying approvals', () => {
  const at = (m: number) => new Date(Date.UTC(2026, 10, 28, 12, m));

  it('counts a double click once', () => {
    const t = tallyApprovals(
      [
        { approverId: 'U0MANAGER', at: at(1) },
        { approverId: 'U0MANAGER', at: at(1) },
      ],
      1,
    );
    expect(t).toEqual({
      approvers: ['U0MANAGER'],
      count: 1,
      required: 1,
      satisfied: true,
      missing: 0,
    });
  });

  it('needs two different people for a two-approver rule', () => {
    const one = tallyApprovals(
      [
        { approverId: 'U0MANAGER', at: at(1) },
        { approverId: 'U0MANAGER', at: at(2) },
      ],
      2,
    );
    expect(one).toMatchObject({ count: 1, satisfied: false, missing: 1 });
    const two = tallyApprovals(
      [
        { approverId: 'U0LEAD', at: at(3) },
        { approverId: 'U0MANAGER', at: at(1) },
        { approverId: 'U0MANAGER', at: at(2) },
      ],
      2,
    );
    expect(two).toEqual({
      approvers: ['U0MANAGER', 'U0LEAD'],
      count: 2,
      required: 2,
      satisfied: true,
      missing: 0,
    });
  });

  it('with none is not satisfied', () => {
    expect(tallyApprovals([], 1)).toMatchObject({ count: 0, satisfied: false, missing: 1 });
  });
});

describe('is an approval still valid when it is used', () => {
  const binding: ApprovalBinding = {
    env: 'prod',
    stage: 'deploy',
    targetExecutionId: 'exec-target',
    currentExecutionId: 'exec-bad',
  };
  const expiresAt = new Date('2026-11-28T12:30:00Z');
  const before = new Date('2026-11-28T12:29:59Z');

  it.each<
    [
      string,
      {
        state?: RequestState;
        now?: Date;
        current?: Partial<ApprovalBinding & { supersededBy: string }>;
      },
      ApprovalRefusalCode | 'ok',
    ]
  >([
    ['unchanged, in time', {}, 'ok'],
    ['at the expiry instant', { now: expiresAt }, 'expired'],
    ['after expiry', { now: new Date('2026-11-28T13:00:00Z') }, 'expired'],
    ['expired by the delayed job', { state: 'expired' }, 'expired'],
    ['cancelled by the requester', { state: 'cancelled' }, 'cancelled'],
    ['cancelled, even after expiry', { state: 'cancelled', now: expiresAt }, 'cancelled'],
    ['rejected', { state: 'rejected' }, 'rejected'],
    ['already queued (approved by someone else)', { state: 'queued' }, 'not-pending'],
    ['replaced by a newer request', { current: { supersededBy: 'req-2' } }, 'superseded'],
    [
      'a newer release reached the stage',
      { current: { currentExecutionId: 'exec-newer' } },
      'superseded',
    ],
    ['the target changed', { current: { targetExecutionId: 'exec-other' } }, 'target-changed'],
    ['the stage changed', { current: { stage: 'canary' } }, 'target-changed'],
    ['the environment changed', { current: { env: 'prod-eu' } }, 'target-changed'],
  ])('%s', (_name, o, want) => {
    const r = approvalStillValid({
      binding,
      current: { ...binding, ...o.current },
      expiresAt,
      state: o.state ?? 'awaiting_approval',
      now: o.now ?? before,
    });
    expect(r.ok ? 'ok' : r.code).toBe(want);
  });

  it('names what changed', () => {
    const r = approvalStillValid({
      binding,
      current: { ...binding, targetExecutionId: 'exec-other' },
      expiresAt,
      state: 'awaiting_approval',
      now: before,
    });
    expect(!r.ok && r.message).toBe(
      'This approval was for prod deploy to exec-target, but the request now targets prod deploy to exec-other.',
    );
  });

  it('without a known current release, does not call it superseded', () => {
    const { currentExecutionId: _drop, ...noCurrent } = binding;
    const r = approvalStillValid({
      binding: noCurrent,
      current: { ...noCurrent },
      expiresAt,
      state: 'awaiting_approval',
      now: before,
    });
    expect(r.ok).toBe(true);
  });
});
