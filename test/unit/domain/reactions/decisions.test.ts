import { describe, expect, it } from 'vitest';
import type { Config, EnvironmentConfig } from '../../../../src/config/config.js';
import { autoRollsBackOn } from '../../../../src/domain/reactions/auto-policy.js';
import { planAutoRollback } from '../../../../src/domain/reactions/auto-rollback-plan.js';
import {
  alarmTripsWindow,
  bakeEndOutcome,
  openBakeWindow,
} from '../../../../src/domain/reactions/bake-window.js';
import { decideFailure } from '../../../../src/domain/reactions/decide-failure.js';
import { advancesFeed, feedRepliesInThread } from '../../../../src/domain/reactions/feed-state.js';
import {
  propagationCandidates,
  runsBadRevision,
} from '../../../../src/domain/reactions/propagation.js';
import { recoveryStatus } from '../../../../src/domain/reactions/recovery.js';

describe('autoRollsBackOn', () => {
  it.each([
    ['off', false, false],
    ['on-failure', true, false],
    ['on-alarm', false, true],
    ['on-failure-and-alarm', true, true],
  ] as const)('%s: failure %s, alarm %s', (policy, failure, alarm) => {
    expect(autoRollsBackOn(policy, 'failure')).toBe(failure);
    expect(autoRollsBackOn(policy, 'alarm')).toBe(alarm);
  });
});

describe('decideFailure', () => {
  const base = {
    policy: 'on-failure' as const,
    failingIsRollback: false,
    awsRollingBack: false,
  };
  it('rolls back on failure when the policy says so', () => {
    expect(decideFailure(base)).toMatchObject({ kind: 'notify', autoRollback: true });
  });
  it('never rolls back a failing rollback: escalates', () => {
    expect(decideFailure({ ...base, failingIsRollback: true, awsRollingBack: true })).toMatchObject(
      { kind: 'escalate' },
    );
  });
  it('reports, never repeats, a rollback AWS is already doing', () => {
    expect(decideFailure({ ...base, awsRollingBack: true })).toEqual({
      kind: 'notify',
      autoRollback: false,
      awsRollingBack: true,
      why: 'AWS is already rolling this back on its own.',
    });
  });
  it('only notifies when the policy does not cover failures, or nothing is there to go back to', () => {
    expect(decideFailure({ ...base, policy: 'on-alarm' })).toMatchObject({
      autoRollback: false,
      why: 'Automatic rollback is only on-alarm for this environment.',
    });
    expect(decideFailure({ ...base, policy: 'off' })).toMatchObject({
      autoRollback: false,
      why: 'Automatic rollback is off for this environment.',
    });
    // Nothing to go back to: the automatic request is not made (the thread says why).
    expect(
      planAutoRollback({
        releaseId: 'r2',
        where: 'web-app / Deploy',
        preview: { ok: false, message: 'No earlier release to roll back to.' },
      }),
    ).toEqual({ kind: 'skip', why: 'No earlier release to roll back to.' });
  });
});

describe('planAutoRollback', () => {
  const where = 'web-app / Deploy';
  it('requests the rollback while the failing release is still the live one', () => {
    expect(
      planAutoRollback({ releaseId: 'r2', where, preview: { ok: true, currentId: 'r2' } }),
    ).toEqual({ kind: 'request' });
  });
  it('never rolls back a newer release that is already there', () => {
    expect(
      planAutoRollback({
        releaseId: 'r2',
        where,
        preview: { ok: true, currentId: '0123456789abcdef' },
      }),
    ).toEqual({ kind: 'skip', why: 'a newer release (01234567) is already in web-app / Deploy' });
  });
  it('says "no target" when the preview gives no reason', () => {
    expect(planAutoRollback({ releaseId: 'r2', where, preview: { ok: false } })).toEqual({
      kind: 'skip',
      why: 'no target',
    });
  });
});

describe('bake window', () => {
  const w = openBakeWindow({
    env: 'prod',
    stage: 'Deploy',
    releaseId: 'r2',
    sourceRevisions: [],
    startedAt: 1_000,
    bakeMs: 600_000,
  });
  it('is tripped by a watched alarm entering ALARM inside it, only while open', () => {
    expect(alarmTripsWindow(w, ['a'], { name: 'a', at: 1_000 })).toBe(true);
    expect(alarmTripsWindow(w, ['a'], { name: 'a', at: 601_000 })).toBe(true);
    expect(alarmTripsWindow(w, ['a'], { name: 'a', at: 601_001 })).toBe(false);
    expect(alarmTripsWindow(w, ['a'], { name: 'a', at: 999 })).toBe(false);
    expect(alarmTripsWindow(w, ['a'], { name: 'b', at: 2_000 })).toBe(false);
    expect(alarmTripsWindow({ ...w, state: 'passed' }, ['a'], { name: 'a', at: 2_000 })).toBe(
      false,
    );
    expect(alarmTripsWindow(undefined, ['a'], { name: 'a', at: 2_000 })).toBe(false);
  });
  // Which window replaces which is Redis's to decide atomically (store/lua/open-bake-window-1.lua):
  // test/integration/store/reaction-and-group-stores.test.ts asserts it there.
  it('ends with DescribeAlarms as the backstop', () => {
    expect(bakeEndOutcome(w, 'r2', [{ name: 'a', state: 'OK' }])).toEqual({ kind: 'passed' });
    expect(
      bakeEndOutcome(w, 'r2', [
        { name: 'a', state: 'ALARM' },
        { name: 'b', state: 'INSUFFICIENT_DATA' },
      ]),
    ).toEqual({ kind: 'tripped', firing: ['a'] });
    expect(bakeEndOutcome(w, 'r1', [])).toEqual({ kind: 'already-closed' });
    expect(bakeEndOutcome({ ...w, state: 'tripped' }, 'r2', [])).toEqual({
      kind: 'already-closed',
    });
  });
});

describe('feed steps', () => {
  it('only move forward (SUCCEEDED before STARTED keeps succeeded)', () => {
    expect(advancesFeed(undefined, 'started')).toBe(true);
    expect(advancesFeed('succeeded', 'started')).toBe(false);
    expect(advancesFeed('started', 'succeeded')).toBe(true);
    expect(advancesFeed('succeeded', 'bake-passed')).toBe(true);
    expect(advancesFeed('bake-passed', 'bake-passed')).toBe(false);
    expect(advancesFeed('failed', 'aws-rolling-back')).toBe(true);
    expect(advancesFeed('rolled-back', 'failed')).toBe(false);
  });
  it('reply in the thread only when verbose', () => {
    expect(feedRepliesInThread('quiet', 'failed')).toBe(false);
    expect(feedRepliesInThread('verbose', 'failed')).toBe(true);
    expect(feedRepliesInThread('verbose', 'started')).toBe(false);
  });
});

describe('recoveryStatus', () => {
  const input = { watched: ['a', 'b'], rollbackEndedAt: 1_000, limitMs: 60_000 };
  it('recovered when every known alarm is OK; unknown alarms are listed, not waited for', () => {
    expect(
      recoveryStatus({
        ...input,
        now: 31_000,
        readings: [{ name: 'a', state: 'OK' }],
      }),
    ).toEqual({ kind: 'recovered', afterMs: 30_000, missing: ['b'] });
  });
  it('waits while an alarm is not OK, and escalates at the limit', () => {
    const readings = [
      { name: 'a', state: 'ALARM' as const },
      { name: 'b', state: 'INSUFFICIENT_DATA' as const },
    ];
    expect(recoveryStatus({ ...input, now: 2_000, readings })).toEqual({
      kind: 'waiting',
      notOk: ['a', 'b'],
    });
    expect(recoveryStatus({ ...input, now: 61_000, readings })).toEqual({
      kind: 'escalate',
      notOk: ['a', 'b'],
      afterMs: 60_000,
    });
  });
});

describe('propagation', () => {
  const env = (
    name: string,
    target: EnvironmentConfig['target'],
    region = 'us-east-1',
  ): EnvironmentConfig => ({ name, target, region }) as EnvironmentConfig;
  const stage = (pipeline: string, s: string) => ({
    kind: 'stage' as const,
    pipeline,
    stages: { [s]: { lockAfterRollback: false } },
  });
  const config = {
    environments: {
      staging: env('staging', stage('web-app', 'Deploy-Staging')),
      prod: env('prod', stage('web-app', 'Deploy')),
      'prod-eu': env('prod-eu', stage('web-app', 'Deploy'), 'eu-west-1'),
      other: env('other', stage('api', 'Deploy')),
      billing: env('billing', {
        kind: 'deployment-group',
        application: 'billing',
        deploymentGroup: 'prod',
        duringBlock: 'announce',
      }),
    },
    groups: { all: { name: 'all', members: ['staging', 'billing'], onMemberFailure: 'halt' } },
  } as unknown as Config;
  it('names later stages, other regions and group members, never the environment itself', () => {
    const order = ['Source', 'Build', 'Deploy-Staging', 'Deploy'];
    expect(
      propagationCandidates(config, config.environments.staging!, 'Deploy-Staging', order),
    ).toEqual([
      { env: 'prod', stage: 'Deploy', why: 'later-stage' },
      { env: 'prod-eu', stage: 'Deploy', why: 'other-region' },
      { env: 'billing', why: 'group-member' },
    ]);
    expect(propagationCandidates(config, config.environments.prod!, 'Deploy', order)).toEqual([
      { env: 'staging', stage: 'Deploy-Staging', why: 'same-pipeline' },
      { env: 'prod-eu', stage: 'Deploy', why: 'other-region' },
    ]);
  });
  it('compares revision ids', () => {
    const bad = [{ actionName: 'Source', revisionId: 'abc' }];
    expect(runsBadRevision(bad, [{ actionName: 'Source', revisionId: 'abc' }])).toBe(true);
    expect(runsBadRevision(bad, [{ actionName: 'Source', revisionId: 'def' }])).toBe(false);
    expect(
      runsBadRevision([{ actionName: 'S', revisionId: '' }], [{ actionName: 'S', revisionId: '' }]),
    ).toBe(false);
  });
});
