import { describe, expect, it } from 'vitest';
import type { RequestState } from '../../../../src/domain/request-state.js';
import {
  type ApprovalBinding,
  type ApprovalRefusalCode,
  approvalStillValid,
  type CanApproveInput,
  canApprove,
  environmentGone,
  forbidsSelfApproval,
  groupApprovalStillOpen,
  type MayDecideInput,
  mayDecide,
  notWaitingForApproval,
  type PersonRefusalCode,
  tallyApprovals,
} from '../../../../src/domain/rollback-decision/approvals.js';

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

describe('prod never self-approves', () => {
  it.each([
    ['prod', true],
    ['prod-us', true],
    ['prod-eu-west', true],
    ['production', false],
    ['preprod', false],
    ['staging', false],
    ['products-dev', false],
  ])('%s: %s', (env, forbidden) => {
    expect(forbidsSelfApproval(env)).toBe(forbidden);
  });
});

describe('who may approve or reject (mayDecide)', () => {
  const base: MayDecideInput = {
    act: 'approve',
    userId: 'U0MANAGER',
    requesterId: 'U0ONCALL',
    of: 'request',
    envs: ['staging'],
    allowSelfApproval: false,
    approverMembers: [members],
  };
  const codeOf = (over: Partial<MayDecideInput>) => {
    const r = mayDecide({ ...base, ...over });
    return r.ok ? 'ok' : r.code;
  };

  it.each<[string, Partial<MayDecideInput>, PersonRefusalCode | 'ok']>([
    ['an approver approves', {}, 'ok'],
    ['an approver rejects', { act: 'reject' }, 'ok'],
    ['the requester, self-approval off', { userId: 'U0ONCALL' }, 'self-approval'],
    ['the requester, self-approval on', { userId: 'U0ONCALL', allowSelfApproval: true }, 'ok'],
    [
      'the requester in prod, whatever the config says',
      { userId: 'U0ONCALL', allowSelfApproval: true, envs: ['prod-us'] },
      'self-approval',
    ],
    [
      'the requester of a group rollback, whatever the config says',
      { userId: 'U0ONCALL', allowSelfApproval: true, of: 'group' },
      'self-approval',
    ],
    [
      'the requester never rejects, even where self-approval is on',
      { act: 'reject', userId: 'U0ONCALL', allowSelfApproval: true },
      'requester-rejects',
    ],
    [
      'an approver of an automatic rollback rejects',
      { act: 'reject', requesterId: undefined },
      'ok',
    ],
    ['an outsider', { userId: 'U0INTERN' }, 'not-an-approver'],
    ['an outsider rejects', { act: 'reject', userId: 'U0INTERN' }, 'not-an-approver'],
    ['nobody, when no approver list is known', { approverMembers: [] }, 'not-an-approver'],
    [
      'nobody, when a list cannot be read (fail closed)',
      { approverMembers: [members, 'unavailable'] },
      'approvers-unavailable',
    ],
    [
      'a group: an approver of every member that asked',
      { of: 'group', approverMembers: [members, new Set(['U0MANAGER'])] },
      'ok',
    ],
    [
      'a group: not an approver of one of them',
      { of: 'group', approverMembers: [members, new Set(['U0LEAD'])] },
      'not-an-approver',
    ],
  ])('%s', (_name, over, want) => {
    expect(codeOf(over)).toBe(want);
  });

  it('names the list that refused, and says why in words', () => {
    expect(
      mayDecide({
        ...base,
        of: 'group',
        approverMembers: [members, new Set(['U0LEAD'])],
      }),
    ).toEqual({
      ok: false,
      code: 'not-an-approver',
      message: 'You are not an approver for every environment in this group.',
      list: 1,
    });
    expect(mayDecide({ ...base, userId: 'U0INTERN' })).toEqual({
      ok: false,
      code: 'not-an-approver',
      message: 'You are not an approver for this environment.',
      list: 0,
    });
    expect(mayDecide({ ...base, act: 'reject', userId: 'U0ONCALL' })).toEqual({
      ok: false,
      code: 'requester-rejects',
      message: 'You asked for this rollback; another approver decides.',
      list: 0,
    });
    expect(mayDecide({ ...base, of: 'group', act: 'reject', userId: 'U0ONCALL' })).toEqual({
      ok: false,
      code: 'requester-rejects',
      message: 'You asked for this group rollback; another approver decides.',
      list: 0,
    });
  });
});

describe('is a group rollback still open for its approval', () => {
  const expiresAt = new Date('2026-11-28T12:30:00Z');
  const before = new Date('2026-11-28T12:29:59Z');

  it('waiting and in time', () => {
    expect(groupApprovalStillOpen({ state: 'awaiting_approval', expiresAt, now: before })).toEqual({
      ok: true,
    });
  });

  it('expired at the deadline', () => {
    expect(
      groupApprovalStillOpen({ state: 'awaiting_approval', expiresAt, now: expiresAt }),
    ).toEqual({
      ok: false,
      code: 'expired',
      message: 'This group rollback expired before it was approved; ask again.',
    });
  });

  it('no longer waiting, in its state', () => {
    expect(groupApprovalStillOpen({ state: 'running', expiresAt, now: before })).toEqual({
      ok: false,
      code: 'not-pending',
      message: 'This group rollback is no longer waiting for approval (it is running).',
    });
  });
});

describe('nothing to approve', () => {
  it('says what is not waiting', () => {
    expect(notWaitingForApproval('request')).toEqual({
      ok: false,
      code: 'not-pending',
      message: 'This request is not waiting for approval.',
    });
    expect(notWaitingForApproval('group')).toEqual({
      ok: false,
      code: 'not-pending',
      message: 'This group rollback is not waiting for approval.',
    });
    expect(environmentGone('prod-us')).toEqual({
      ok: false,
      code: 'not-pending',
      message: 'prod-us is no longer configured.',
    });
  });
});
