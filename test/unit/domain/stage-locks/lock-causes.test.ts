// The one model of why a guarded stage's inbound transition is disabled: every cause that holds,
// what the bot does to the transition, the reason it writes, and the post-rollback lock read back
// from that reason.
import { describe, expect, it } from 'vitest';
import type { BlockCause } from '../../../../src/domain/stage-locks/deploy-block.js';
import type { Freeze } from '../../../../src/domain/stage-locks/freezes.js';
import {
  causeNames,
  decideStageLock,
  lockSignature,
  type RecordedLock,
  type StageLockInput,
} from '../../../../src/domain/stage-locks/lock-causes.js';
import {
  type ActualTransition,
  lockInReason,
  reasonWithLock,
  stageLockTransitionReason,
  type TransitionAction,
} from '../../../../src/domain/stage-locks/stage-transition.js';

const AWS_REASON = /^[a-zA-Z0-9!@ ().*?-]{1,300}$/;
const REQ = '01JZ8Q4W1V2X3Y4Z5A6B7C8D9E';
const until = new Date('2026-11-30T08:00:00Z');

const frozen = (reason = 'Holiday', id = 'frz-1'): BlockCause => {
  const freeze: Freeze = {
    id,
    scope: 'prod-us',
    reason,
    by: 'U0RELEASE',
    from: new Date('2026-11-27T00:00:00Z'),
    until,
  };
  return { kind: 'freeze', reason: `Frozen: ${reason}`, until, freeze };
};
const alarm: BlockCause = {
  kind: 'alarm',
  reason: 'alarm prod-sev1 is in ALARM',
  alarm: 'prod-sev1',
};
const lock = { requestId: REQ, by: 'U0ONCALL' };
const locked: RecordedLock = { state: 'locked', lock, at: 1 };
const lifted = (requestId = REQ): RecordedLock => ({
  state: 'lifted',
  requestId,
  by: 'user:U0',
  at: 2,
});

const reasonFor = (causes: BlockCause[], withLock = false) =>
  stageLockTransitionReason({
    ...(withLock ? { lock } : {}),
    env: 'prod-us',
    stage: 'Deploy',
    causes,
  });
const enabled: ActualTransition = { enabled: true };
const disabled = (disabledReason: string, lastChangedBy?: string): ActualTransition => ({
  enabled: false,
  disabledReason,
  ...(lastChangedBy ? { lastChangedBy } : {}),
});
const decide = (over: Partial<StageLockInput>) =>
  decideStageLock({ env: 'prod-us', stage: 'Deploy', block: [], actual: enabled, ...over });

describe('the causes of a stage lock', () => {
  const foreign = 'SRE hold for database maintenance';

  it.each<[string, Partial<StageLockInput>, TransitionAction, string[]]>([
    ['nothing holds, enabled', {}, 'none', []],
    ['a freeze, enabled', { block: [frozen()] }, 'disable', ['freeze']],
    [
      'a freeze, already ours',
      { block: [frozen()], actual: disabled(reasonFor([frozen()])) },
      'none',
      ['freeze'],
    ],
    ['the freeze ended', { actual: disabled(reasonFor([frozen()])) }, 'enable', []],
    [
      'a new alarm: the reason is rewritten',
      { block: [frozen(), alarm], actual: disabled(reasonFor([frozen()])) },
      'disable',
      ['freeze', 'alarm'],
    ],
    ['post-rollback lock, enabled', { recorded: locked }, 'disable', ['post-rollback']],
    [
      'lock and freeze',
      { recorded: locked, block: [frozen()], actual: disabled(reasonFor([], true)) },
      'disable',
      ['post-rollback', 'freeze'],
    ],
    // Item 7: a freeze ending must not lift the post-rollback lock.
    [
      'the freeze ends under a lock',
      { recorded: locked, actual: disabled(reasonFor([frozen()], true)) },
      'disable',
      ['post-rollback'],
    ],
    ['someone else, nothing of ours', { actual: disabled(foreign) }, 'leave-foreign', ['foreign']],
    [
      'someone else, during a freeze',
      { block: [frozen()], actual: disabled(foreign) },
      'leave-foreign',
      ['freeze', 'foreign'],
    ],
    [
      'someone else, under a lock',
      { recorded: locked, actual: disabled(foreign) },
      'leave-foreign',
      ['post-rollback', 'foreign'],
    ],
    ['disabled with no reason', { actual: { enabled: false } }, 'leave-foreign', ['foreign']],
  ])('%s → %s', (_name, input, action, kinds) => {
    const d = decide(input);
    expect(d.action).toBe(action);
    expect(d.causes.map((c) => c.kind)).toEqual(kinds);
    if (action === 'disable') expect(d.reason).toMatch(AWS_REASON);
  });

  it('writes the lock first, then every deploy-block cause', () => {
    const d = decide({ recorded: locked, block: [frozen(), alarm] });
    expect(d.reason).toBe(
      `rollback-bot block (lock after rollback ${REQ} by U0ONCALL - rollback unlock prod-us Deploy lifts it) (freeze by U0RELEASE until 2026-11-30 08.00 UTC - Holiday) (alarm prod-sev1)`,
    );
  });

  it('reads the lock back from AWS when Redis lost it, and asks to record it again', () => {
    const d = decide({ actual: disabled(reasonFor([frozen()], true)) });
    expect(d.lock).toEqual(lock);
    expect(d.recovered).toEqual(lock);
    expect(d.action).toBe('disable'); // the freeze is over: the reason keeps only the lock
    expect(lockInReason(d.reason)).toEqual(lock);
  });

  it('recognises the lock the worker wrote before the marker came first', () => {
    const old =
      'Locked by rollback-bot after rollback 01JZ8Q4W1V2X3Y4Z5A6B7C8D9E requested by user U0ONCALL. Unlock with rollback unlock prod-us Deploy';
    const d = decide({ actual: disabled(old) });
    expect(d.foreign).toBe(false);
    expect(d.lock).toEqual({ requestId: REQ });
    // Rewritten in the current grammar; still locked.
    expect(d.action).toBe('disable');
    expect(lockInReason(d.reason)?.requestId).toBe(REQ);
  });

  it('never lifts on its own a reason of the bot it cannot read', () => {
    const d = decide({ actual: disabled('rollback-bot lock after rollback to 123') });
    expect(d.causes.map((c) => c.kind)).toEqual(['post-rollback']);
    expect(d.action).not.toBe('enable');
  });

  it('a lifted lock stops counting; the transition opens only when nothing else holds', () => {
    const reason = reasonFor([frozen()], true);
    expect(decide({ recorded: lifted(), actual: disabled(reason) }).action).toBe('enable');
    const held = decide({ recorded: lifted(), block: [frozen()], actual: disabled(reason) });
    expect(held.action).toBe('disable');
    expect(held.causes.map((c) => c.kind)).toEqual(['freeze']);
    expect(lockInReason(held.reason)).toBeUndefined();
  });

  it('a newer lock than the one lifted still holds', () => {
    const newer = reasonWithLock(undefined, {
      lock: { requestId: '01JZNEWER0000000000000000', by: 'U0OTHER' },
      env: 'prod-us',
      stage: 'Deploy',
    });
    const d = decide({ recorded: lifted(REQ), actual: disabled(newer) });
    expect(d.lock?.requestId).toBe('01JZNEWER0000000000000000');
    expect(d.action).toBe('none');
  });

  it('does not trust the marker when AWS says someone else wrote it', () => {
    const bot = 'arn:aws:sts::123456789012:assumed-role/rollback-bot';
    const ours = reasonFor([alarm]);
    const options = { botPrincipal: bot };
    expect(decide({ actual: disabled(ours, `${bot}/session-1`), options }).action).toBe('enable');
    const copied = decide({
      actual: disabled(ours, 'arn:aws:iam::123456789012:user/alice'),
      options,
    });
    expect(copied.action).toBe('leave-foreign');
    expect(copied.causes.map((c) => c.kind)).toEqual(['foreign']);
  });

  it('a freeze reason cannot forge a lock, and the lock survives the cut at 300', () => {
    const forged = reasonFor([frozen(`(lock after rollback ${REQ})`)]);
    expect(lockInReason(forged)).toBeUndefined();
    const long = reasonFor([frozen('x'.repeat(250)), frozen('y'.repeat(250), 'frz-2')], true);
    expect(long.length).toBeLessThanOrEqual(300);
    expect(long).toMatch(AWS_REASON);
    expect(lockInReason(long)).toEqual(lock);
  });

  it('adds a lock to what an own reason holds, replacing an older lock', () => {
    const withFreeze = reasonFor([frozen()]);
    const a = reasonWithLock(withFreeze, { lock, env: 'prod-us', stage: 'Deploy' });
    expect(a).toBe(reasonFor([frozen()], true));
    const b = reasonWithLock(a, {
      lock: { requestId: '01JZNEWER0000000000000000' },
      env: 'prod-us',
      stage: 'Deploy',
    });
    expect(lockInReason(b)).toEqual({ requestId: '01JZNEWER0000000000000000' });
    expect(b).toContain('(freeze by U0RELEASE');
    expect(reasonWithLock(undefined, { lock, env: 'prod-us', stage: 'Deploy' })).toBe(
      reasonFor([], true),
    );
  });

  it('names each kind once, and a change of causes changes the signature', () => {
    const a = decide({ recorded: locked, block: [frozen(), frozen('b', 'frz-2')] });
    expect(causeNames(a.causes)).toEqual(['post-rollback lock', 'freeze']);
    const b = decide({ recorded: locked });
    expect(lockSignature([a])).not.toBe(lockSignature([b]));
    expect(lockSignature([b])).toBe(`Deploy=lock:${REQ}`);
    expect(lockSignature([decide({})])).toBe('clear');
  });
});
