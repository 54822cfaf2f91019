import { describe, expect, it } from 'vitest';
import type {
  ApprovalPolicy,
  ApprovalRule,
  FreezeRollbackPolicy,
} from '../../../../src/config/config.js';
import { plainPhrase } from '../../../../src/domain/phrase.js';
import {
  type DecideRollbackInput,
  decideRollback,
  type RollbackDecision,
  type RollbackFacts,
  unreadableCrossing,
} from '../../../../src/domain/rollback-decision/approval-policy.js';
import type { Freeze } from '../../../../src/domain/stage-locks/freezes.js';

const now = new Date('2026-11-28T12:00:00Z');
const MIN = 60_000;

function input(
  opts: {
    when?: ApprovalRule[];
    approval?: Partial<ApprovalPolicy>;
    duringFreeze?: FreezeRollbackPolicy;
    request?: Partial<RollbackFacts>;
    freezes?: Freeze[];
    blackout?: boolean;
    freezers?: string[];
  } = {},
): DecideRollbackInput {
  return {
    env: {
      name: 'prod',
      approval: {
        when: opts.when ?? [],
        required: 1,
        approvers: ['U0MANAGER', 'S0LEADS'],
        expiresAfterMs: 30 * MIN,
        allowSelfApproval: false,
        holdAutomatic: false,
        ...opts.approval,
      },
      windows: {
        timezone: 'Europe/Berlin',
        allow: [],
        blackout: [],
        rollbacksDuringFreeze: opts.duringFreeze ?? 'allow',
      },
    },
    request: {
      requestedBy: { kind: 'user', id: 'U0ONCALL' },
      isGroupRollback: false,
      targetIsOlderThanPrevious: false,
      unsafeCrossed: [],
      ...opts.request,
    },
    now,
    freezeState: {
      freezes: opts.freezes ?? [],
      ...(opts.blackout
        ? {
            blackout: {
              from: new Date('2026-11-27T00:00:00Z'),
              to: new Date('2026-11-30T11:00:00Z'),
              reason: 'Peak season',
            },
          }
        : {}),
      freezers: opts.freezers ?? ['U0RELEASE'],
    },
  };
}

const prodFreeze: Freeze = {
  id: 'frz-1',
  scope: 'prod',
  reason: 'Black Friday',
  by: 'U0FREEZER',
  from: new Date('2026-11-27T00:00:00Z'),
  until: new Date('2026-11-30T08:00:00Z'),
};
const unsafe = [{ executionId: 'e4', reasons: ['ROLLBACK_UNSAFE is "migration 0042"'] }];

const rulesOf = (d: ReturnType<typeof decideRollback>) =>
  d.decision === 'needs-approval' ? d.rules.map((r) => r.rule) : d.decision;

/** The decision with its phrases as plain text (times in UTC), to compare whole. */
function inWords(d: RollbackDecision) {
  if (d.decision === 'block') return { ...d, reason: plainPhrase(d.reason) };
  if (d.decision === 'needs-approval')
    return { ...d, rules: d.rules.map((r) => ({ ...r, why: plainPhrase(r.why) })) };
  return d;
}

describe('approval rules, one at a time', () => {
  it.each<[string, Parameters<typeof input>[0], ApprovalRule[] | 'allow']>([
    ['no rules, nothing special', {}, 'allow'],
    ['always', { when: ['always'] }, ['always']],
    [
      'older-than-previous, target older',
      { when: ['older-than-previous'], request: { targetIsOlderThanPrevious: true } },
      ['older-than-previous'],
    ],
    [
      'older-than-previous, target is the previous release',
      { when: ['older-than-previous'] },
      'allow',
    ],
    ['older-than-previous not listed', { request: { targetIsOlderThanPrevious: true } }, 'allow'],
    [
      'during-freeze, frozen',
      { when: ['during-freeze'], freezes: [prodFreeze] },
      ['during-freeze'],
    ],
    [
      'during-freeze, blackout counts as a freeze',
      { when: ['during-freeze'], blackout: true },
      ['during-freeze'],
    ],
    ['during-freeze, not frozen', { when: ['during-freeze'] }, 'allow'],
    [
      'during-freeze, another environment frozen',
      { when: ['during-freeze'], freezes: [{ ...prodFreeze, scope: 'staging' }] },
      'allow',
    ],
    [
      'during-freeze, freeze over',
      { when: ['during-freeze'], freezes: [{ ...prodFreeze, until: now }] },
      'allow',
    ],
    [
      'require-approval during a freeze, without the rule listed',
      { duringFreeze: 'require-approval', freezes: [prodFreeze] },
      ['during-freeze'],
    ],
    [
      'allow during a freeze, rule not listed',
      { duringFreeze: 'allow', freezes: [prodFreeze] },
      'allow',
    ],
    [
      'group-rollback, group',
      { when: ['group-rollback'], request: { isGroupRollback: true } },
      ['group-rollback'],
    ],
    ['group-rollback, single environment', { when: ['group-rollback'] }, 'allow'],
    [
      'crosses-unsafe-release, crossing',
      { when: ['crosses-unsafe-release'], request: { unsafeCrossed: unsafe } },
      ['crosses-unsafe-release'],
    ],
    [
      'crossing an unsafe release needs approval even when not listed',
      { request: { unsafeCrossed: unsafe } },
      ['crosses-unsafe-release'],
    ],
    [
      'several at once, in a fixed order',
      {
        when: ['group-rollback', 'always', 'older-than-previous', 'during-freeze'],
        freezes: [prodFreeze],
        request: { isGroupRollback: true, targetIsOlderThanPrevious: true, unsafeCrossed: unsafe },
      },
      [
        'always',
        'older-than-previous',
        'during-freeze',
        'group-rollback',
        'crosses-unsafe-release',
      ],
    ],
  ])('%s', (_name, opts, want) => {
    expect(rulesOf(decideRollback(input(opts)))).toEqual(want);
  });
});

describe('what needs-approval carries', () => {
  it('count, approvers, expiry from now, each rule in words, and the unsafe warning', () => {
    const d = decideRollback(
      input({
        when: ['during-freeze'],
        approval: { required: 2, expiresAfterMs: 45 * MIN },
        freezes: [prodFreeze],
        request: { unsafeCrossed: unsafe },
      }),
    );
    // Times, people and the freeze's reason are parts, so each reader sees their own zone.
    if (d.decision !== 'needs-approval') throw new Error(d.decision);
    expect(d.rules[0]?.why).toEqual([
      { text: 'prod is ' },
      { text: 'frozen until ' },
      { time: Date.parse('2026-11-30T08:00:00Z') },
      { text: ' (' },
      { quote: 'Black Friday' },
      { text: ', by ' },
      { who: 'U0FREEZER' },
      { text: ')' },
    ]);
    expect(inWords(d)).toEqual({
      decision: 'needs-approval',
      rules: [
        {
          rule: 'during-freeze',
          why: 'prod is frozen until 2026-11-30 08:00 UTC (Black Friday, by U0FREEZER)',
        },
        {
          rule: 'crosses-unsafe-release',
          why: 'it crosses releases marked unsafe to roll back: e4 (ROLLBACK_UNSAFE is "migration 0042")',
        },
      ],
      required: 2,
      approvers: ['U0MANAGER', 'S0LEADS'],
      expiresAt: new Date('2026-11-28T12:45:00Z'),
      warnings: [
        'This rollback crosses releases marked unsafe to roll back: e4 (ROLLBACK_UNSAFE is "migration 0042").',
      ],
    });
  });

  it('blocks with a reason when approval is needed but nobody may give it', () => {
    const d = decideRollback(input({ when: ['always'], approval: { approvers: [] } }));
    expect(inWords(d)).toEqual({
      decision: 'block',
      reason:
        'This rollback needs approval (prod needs approval for every rollback), but prod has no approvers configured (approval.approvers).',
      whoCanLift: [],
    });
  });
});

describe('rollbacks during a freeze', () => {
  it.each<[FreezeRollbackPolicy, string]>([
    ['allow', 'allow'],
    ['require-approval', 'needs-approval'],
    ['deny', 'block'],
  ])('%s → %s', (duringFreeze, decision) => {
    expect(decideRollback(input({ duringFreeze, freezes: [prodFreeze] })).decision).toBe(decision);
    // Outside a freeze the setting changes nothing.
    expect(decideRollback(input({ duringFreeze })).decision).toBe('allow');
  });

  it('deny says who can lift the freeze: the freezers and whoever froze it', () => {
    const d = decideRollback(
      input({ duringFreeze: 'deny', freezes: [prodFreeze], freezers: ['U0RELEASE', 'U0FREEZER'] }),
    );
    expect(inWords(d)).toEqual({
      decision: 'block',
      reason:
        'prod is frozen until 2026-11-30 08:00 UTC (Black Friday, by U0FREEZER), and its policy denies rollbacks during a freeze. A freezer can lift the freeze with /rollback unfreeze.',
      whoCanLift: ['U0RELEASE', 'U0FREEZER'],
    });
  });

  it('deny during a blackout says it ends on its own, and nobody can lift it from chat', () => {
    const d = decideRollback(input({ duringFreeze: 'deny', blackout: true }));
    expect(d.decision).toBe('block');
    if (d.decision === 'block') {
      expect(plainPhrase(d.reason)).toContain('in blackout Peak season until 2026-11-30 11:00 UTC');
      expect(plainPhrase(d.reason)).toContain('ends on its own');
      expect(d.whoCanLift).toEqual([]);
    }
  });

  it('deny holds automatic rollbacks too', () => {
    const d = decideRollback(
      input({
        duringFreeze: 'deny',
        freezes: [prodFreeze],
        request: { requestedBy: { kind: 'auto' } },
      }),
    );
    expect(d.decision).toBe('block');
  });
});

describe('automatic rollbacks', () => {
  const auto = { requestedBy: { kind: 'auto' as const, reason: 'alarm prod-5xx' } };

  it('are not held for approval, and say which rules they skipped', () => {
    const d = decideRollback(
      input({
        when: ['always'],
        duringFreeze: 'require-approval',
        freezes: [prodFreeze],
        request: { ...auto, unsafeCrossed: unsafe },
      }),
    );
    expect(d.decision).toBe('allow');
    if (d.decision === 'allow') {
      expect(d.warnings).toEqual([
        'This rollback crosses releases marked unsafe to roll back: e4 (ROLLBACK_UNSAFE is "migration 0042").',
        'Not held for approval because it is automatic (always, during-freeze, crosses-unsafe-release would apply to a manual rollback).',
      ]);
    }
  });

  it('are held when the environment says holdAutomatic, under the same rules', () => {
    expect(
      rulesOf(
        decideRollback(
          input({ when: ['always'], approval: { holdAutomatic: true }, request: auto }),
        ),
      ),
    ).toEqual(['always']);
    expect(
      decideRollback(input({ approval: { holdAutomatic: true }, request: auto })).decision,
    ).toBe('allow');
  });

  it('a manual request with the same facts is held', () => {
    expect(decideRollback(input({ when: ['always'] })).decision).toBe('needs-approval');
  });
});

describe('facts that cannot be read fail closed', () => {
  const facts = unreadableCrossing('exec-current', `Throttling: Rate exceeded ${'x'.repeat(300)}`);

  it('count as older than the previous release and as crossing the current release', () => {
    expect(facts.targetIsOlderThanPrevious).toBe(true);
    expect(facts.unsafeCrossed).toEqual([
      {
        executionId: 'exec-current',
        reasons: [
          `the releases between could not be read from AWS (Throttling: Rate exceeded ${'x'.repeat(174)})`,
        ],
      },
    ]);
  });

  it('ask a person even where no rule is listed, and block where nobody could approve', () => {
    const asked = decideRollback(input({ when: [], request: facts }));
    expect(asked.decision).toBe('needs-approval');
    if (asked.decision !== 'needs-approval') return;
    expect(asked.rules.map((r) => r.rule)).toEqual(['crosses-unsafe-release']);
    expect(
      decideRollback(input({ when: [], request: facts, approval: { approvers: [] } })),
    ).toMatchObject({ decision: 'block' });
  });
});
