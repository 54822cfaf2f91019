import { describe, expect, it } from 'vitest';
import type { WindowsPolicy } from '../../../../src/config/config.js';
import { type BlockCause, deployBlock } from '../../../../src/domain/stage-locks/deploy-block.js';
import type { Freeze } from '../../../../src/domain/stage-locks/freezes.js';
import {
  DEPLOY_BLOCK_MARKER,
  isDeployBlockReason,
  isOwnTransitionReason,
  stageLockTransitionReason,
} from '../../../../src/domain/stage-locks/stage-transition.js';

const H = 3_600_000;
const AWS_REASON = /^[a-zA-Z0-9!@ ().*?-]{1,300}$/;

function env(
  windows: Partial<WindowsPolicy> = {},
  blockOnAlarms: string[] = [],
  suppressedAlarms: 'block' | 'ignore' = 'block',
) {
  return {
    name: 'prod',
    blockOnAlarms,
    suppressedAlarms,
    windows: {
      timezone: 'Europe/Berlin',
      allow: [],
      blackout: [],
      rollbacksDuringFreeze: 'require-approval' as const,
      ...windows,
    },
  };
}

const freeze = (over: Partial<Freeze> = {}): Freeze => ({
  id: 'frz-1',
  scope: 'prod',
  reason: 'Black Friday',
  by: 'U0FREEZER',
  from: new Date('2026-11-27T00:00:00Z'),
  until: new Date('2026-11-30T08:00:00Z'),
  ...over,
});

describe('deploy block', () => {
  const now = new Date('2026-11-28T12:00:00Z');

  it('is clear with nothing in force', () => {
    const b = deployBlock({
      env: env({}, ['prod-5xx']),
      now,
      freezes: [],
      alarmStates: { 'prod-5xx': 'OK' },
    });
    expect(b).toMatchObject({ blocked: false, causes: [], unknownAlarms: [] });
  });

  it('lists every cause in order: freezes (longest first), blackout, closed window, alarms', () => {
    const b = deployBlock({
      env: env(
        {
          allow: [{ cron: '0 9 * * 1-5', durationMs: 8 * H }],
          blackout: [{ from: '2026-11-27T00:00', to: '2026-11-30T12:00', reason: 'Peak season' }],
        },
        ['prod-5xx', 'prod-latency', 'prod-canary'],
      ),
      now, // Saturday
      freezes: [
        freeze({ id: 'short', until: new Date('2026-11-28T18:00:00Z') }),
        freeze(),
        freeze({ id: 'other-env', scope: 'staging' }),
        freeze({ id: 'over', until: new Date('2026-11-28T11:00:00Z') }),
      ],
      alarmStates: { 'prod-5xx': 'ALARM', 'prod-latency': 'INSUFFICIENT_DATA' },
    });
    expect(b.blocked).toBe(true);
    expect(b.causes.map((c) => c.kind)).toEqual([
      'freeze',
      'freeze',
      'blackout',
      'window-closed',
      'alarm',
    ]);
    const [longest, short, blackout, window, alarm] = b.causes as [
      BlockCause,
      BlockCause,
      BlockCause,
      BlockCause,
      BlockCause,
    ];
    expect(longest).toMatchObject({
      reason: 'Frozen until 2026-11-30 09:00 Europe/Berlin: Black Friday',
      until: new Date('2026-11-30T08:00:00Z'),
    });
    expect(short.kind === 'freeze' && short.freeze.id).toBe('short');
    expect(blackout).toMatchObject({
      reason: 'Peak season until 2026-11-30 12:00 Europe/Berlin',
      until: new Date('2026-11-30T11:00:00Z'),
    });
    expect(window).toMatchObject({
      reason: 'outside the deploy window (opens Mon 09:00 Europe/Berlin)',
      until: new Date('2026-11-30T08:00:00Z'),
    });
    expect(alarm).toMatchObject({
      kind: 'alarm',
      alarm: 'prod-5xx',
      reason: 'alarm prod-5xx is in ALARM',
    });
    expect(b.unknownAlarms).toEqual(['prod-canary']);
  });

  it.each([
    ['an alarm in ALARM blocks', { a: 'ALARM' }, true],
    ['OK does not', { a: 'OK' }, false],
    ['INSUFFICIENT_DATA does not', { a: 'INSUFFICIENT_DATA' }, false],
    ['an alarm not listed in blockOnAlarms does not', { other: 'ALARM' }, false],
  ] as const)('%s', (_name, alarmStates, blocked) => {
    expect(deployBlock({ env: env({}, ['a']), now, freezes: [], alarmStates }).blocked).toBe(
      blocked,
    );
  });

  describe('a suppressed composite alarm in ALARM (suppressedAlarms)', () => {
    const alarmStates = { guard: 'ALARM', other: 'ALARM', calm: 'OK' } as const;
    const suppressed = { guard: 'WaitPeriod', calm: 'Alarm' } as const;

    it('blocks under block (the default), saying that its actions are suppressed', () => {
      const b = deployBlock({
        env: env({}, ['guard', 'other', 'calm'], 'block'),
        now,
        freezes: [],
        alarmStates,
        suppressed,
      });
      expect(b.causes).toEqual([
        {
          kind: 'alarm',
          alarm: 'guard',
          suppressedBy: 'WaitPeriod',
          reason:
            'alarm guard is in ALARM (its actions are suppressed by WaitPeriod; suppressedAlarms is block)',
        },
        { kind: 'alarm', alarm: 'other', reason: 'alarm other is in ALARM' },
      ]);
      expect(b.ignoredAlarms).toEqual([]);
      // The transition reason does not change with the suppression, so it is not rewritten.
      expect(stageLockTransitionReason({ env: 'prod', stage: 'Deploy', causes: b.causes })).toBe(
        `${DEPLOY_BLOCK_MARKER} (alarm guard) (alarm other)`,
      );
    });

    it.each(['WaitPeriod', 'ExtensionPeriod', 'Alarm'] as const)(
      'does not block under ignore (suppressed by %s), and is listed as ignored',
      (by) => {
        const b = deployBlock({
          env: env({}, ['guard', 'calm'], 'ignore'),
          now,
          freezes: [],
          alarmStates,
          suppressed: { guard: by },
        });
        expect(b).toMatchObject({ blocked: false, causes: [], unknownAlarms: [] });
        expect(b.ignoredAlarms).toEqual([{ alarm: 'guard', suppressedBy: by }]);
      },
    );

    it('under ignore, an unsuppressed alarm in ALARM still blocks', () => {
      const b = deployBlock({
        env: env({}, ['guard', 'other'], 'ignore'),
        now,
        freezes: [],
        alarmStates,
        suppressed,
      });
      expect(b.causes.map((c) => c.kind === 'alarm' && c.alarm)).toEqual(['other']);
      expect(b.ignoredAlarms.map((a) => a.alarm)).toEqual(['guard']);
    });
  });

  it('lifts when the freeze ends', () => {
    const until = new Date('2026-11-30T08:00:00Z');
    const input = { env: env(), freezes: [freeze()], alarmStates: {} };
    expect(deployBlock({ ...input, now: new Date(until.getTime() - 1) }).blocked).toBe(true);
    expect(deployBlock({ ...input, now: until }).blocked).toBe(false);
  });
});

describe('transition reason', () => {
  const now = new Date('2026-11-28T12:00:00Z');

  it('starts with the marker and keeps to what AWS accepts', () => {
    const b = deployBlock({
      env: env({}, ['prod_5xx:composite/alarm']),
      now,
      freezes: [
        freeze({ reason: 'Black Friday, "no" deploys: see #release\nthanks', by: 'U0FREEZER' }),
      ],
      alarmStates: { 'prod_5xx:composite/alarm': 'ALARM' },
    });
    const reason = stageLockTransitionReason({ env: 'prod', stage: 'Deploy', causes: b.causes });
    expect(reason).toBe(
      'rollback-bot block (freeze by U0FREEZER until 2026-11-30 08.00 UTC - Black Friday no deploys see release thanks) (alarm prod 5xx composite alarm)',
    );
    expect(reason).toMatch(AWS_REASON);
    expect(isOwnTransitionReason(reason)).toBe(true);
    expect(isDeployBlockReason(reason)).toBe(true);
  });

  it('is cut to 300 characters and still starts with the marker', () => {
    const freezes = Array.from({ length: 10 }, (_, i) =>
      freeze({ id: `f${i}`, reason: 'x'.repeat(80) }),
    );
    const b = deployBlock({ env: env(), now, freezes, alarmStates: {} });
    const reason = stageLockTransitionReason({ env: 'prod', stage: 'Deploy', causes: b.causes });
    expect(reason.length).toBeLessThanOrEqual(300);
    expect(reason.length).toBeGreaterThan(250);
    expect(reason).toMatch(AWS_REASON);
    expect(reason.startsWith(DEPLOY_BLOCK_MARKER)).toBe(true);
  });

  it.each([
    ['rollback-bot block (alarm x)', true, true],
    ['rollback-bot block', true, true],
    ['rollback-bot lock after rollback to 123', true, false],
    ['rollback-bot', true, false],
    ['Locked by rollback-bot', false, false],
    // What the rollback worker wrote before the marker came first: its own post-rollback lock.
    ['Locked by rollback-bot after rollback 01JX requested by user U0 Unlock with', true, false],
    ['rollback-bots are great', false, false],
    ['Rollback-bot block', false, false],
    ['maintenance by platform team', false, false],
    [undefined, false, false],
  ])('%s: own %s, deploy block %s', (reason, own, block) => {
    expect(isOwnTransitionReason(reason)).toBe(own);
    expect(isDeployBlockReason(reason)).toBe(block);
  });
});
