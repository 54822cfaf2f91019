// Slack-native references in the builders: people <@U…>, groups <!subteam^S…>, channels <#C…>,
// and every time as <!date^…|UTC fallback> so each reader sees their own zone. Never inside
// plain_text, where Slack shows them raw.

import { describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../../../../src/config/config.js';
import { plainPhrase } from '../../../../src/domain/phrase.js';
import { decideRollback } from '../../../../src/domain/rollback-decision/index.js';
import { needsApprovalWords } from '../../../../src/services/guardrails/guardrails-decide.js';
import {
  type ApprovalRequestView,
  approvalRequestMessage,
} from '../../../../src/slack/blocks/approval-request.js';
import {
  channelRef,
  mention,
  person,
  slackDate,
  utcText,
} from '../../../../src/slack/blocks/format.js';
import { groupStartAnswer } from '../../../../src/slack/blocks/group-answers.js';
import { permissionRefusal } from '../../../../src/slack/blocks/permission-refusal.js';
import { mrkdwnPhrase } from '../../../../src/slack/blocks/phrase.js';
import { requestStatusMessage } from '../../../../src/slack/blocks/request-status.js';
import { causeLine, lockChangeMessage } from '../../../../src/slack/blocks/stage-lock-messages.js';
import { stageRequest } from '../../request-fixture.js';

// 2026-12-01 18:16:40 UTC; 09:27 Europe/Berlin is what a configured zone used to show.
const AT = Date.UTC(2026, 11, 1, 18, 16, 40);
const WHEN = '<!date^1796149000^{date_short_pretty} {time}|2026-12-01 18:16 UTC>';

/** Every plain_text string in a payload: Slack would show a reference there raw. */
function plainTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(plainTexts);
  if (!value || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  const own = o.type === 'plain_text' && typeof o.text === 'string' ? [o.text] : [];
  return [...own, ...Object.values(o).flatMap(plainTexts)];
}
const REF = /<[@#!]/;

describe('the reference helpers', () => {
  it('writes a time for each reader, with the UTC time written out as the fallback', () => {
    expect(Math.floor(AT / 1000)).toBe(1796149000);
    expect(slackDate(AT)).toBe(WHEN);
    expect(utcText(AT)).toBe('2026-12-01 18:16 UTC');
  });

  it('writes people, groups and channels as Slack references; anything else inert', () => {
    expect(person('U0ONCALL')).toBe('<@U0ONCALL>');
    expect(person('<!channel>')).toBe('`&lt;!channel&gt;`');
    expect(person(undefined)).toBe('`unknown`');
    expect(mention('S0APPROVERS')).toBe('<!subteam^S0APPROVERS>');
    expect(channelRef('C0PROD')).toBe('<#C0PROD>');
    expect(channelRef('deploys-prod')).toBe('`deploys-prod`');
  });
});

describe('the approval request', () => {
  const view: ApprovalRequestView = {
    requestId: '01JREQ',
    env: 'prod-us',
    target: {
      kind: 'stage',
      pipeline: 'web-app',
      stage: 'Deploy',
      currentExecutionId: '9d2b7c4e-6a1f-4e2b-8c3d-5f7a9b1c2d3e',
      targetExecutionId: '7a1e3b55-9c2f-4d8b-8e46-3f5c7d9b1a22',
      lockAfterRollback: true,
    },
    requesterId: 'U0ONCALL',
    rules: [{ rule: 'older-than-previous', why: 'the target is older' }],
    required: 2,
    approvers: ['S0APPROVERS', 'U0MANAGER'],
    approvedBy: ['U0LEAD'],
    expiresAt: new Date(AT),
    timeZone: 'Europe/Berlin',
    warnings: [],
    alarms: [],
    state: 'awaiting_approval',
  };

  it('names the approver group, the people and the deadline as Slack shows them', () => {
    const msg = approvalRequestMessage(view);
    expect(msg.blocks[1]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Requested by*\n<@U0ONCALL>' },
        { type: 'mrkdwn', text: '*Why*\n—' },
        { type: 'mrkdwn', text: `*Expires*\n${WHEN}` },
        {
          type: 'mrkdwn',
          text: '*Needs*\n2 approvals from <!subteam^S0APPROVERS>, <@U0MANAGER>',
        },
      ],
    });
    expect(JSON.stringify(msg)).toContain('Approved by <@U0LEAD> (1 of 2)');
    expect(JSON.stringify(msg)).not.toContain('Europe/Berlin');
    expect(plainTexts(msg).filter((t) => REF.test(t))).toEqual([]);
  });
});

describe('what holds a stage', () => {
  const env = {
    name: 'prod-us',
    channel: 'C0PROD',
    windows: {
      timezone: 'Europe/Berlin',
      allow: [],
      blackout: [],
      rollbacksDuringFreeze: 'allow',
    },
  } as unknown as EnvironmentConfig;
  const now = new Date(AT - 3_600_000);
  const freeze = {
    kind: 'freeze',
    reason: 'freeze',
    until: new Date(AT),
    freeze: {
      env: 'prod-us',
      by: 'U0LEAD',
      reason: 'Holiday',
      until: new Date(AT),
      createdAt: now,
    },
  } as const;

  it('says until when, for each reader, and who froze it', () => {
    expect(causeLine(freeze as never, env, 'Deploy', now)).toBe(
      `:snowflake: freeze until ${WHEN} by <@U0LEAD>: \`Holiday\``,
    );
    expect(
      causeLine(
        {
          kind: 'blackout',
          reason: 'x',
          until: new Date(AT),
          blackout: { reason: 'Sale' },
        } as never,
        env,
        'Deploy',
        now,
      ),
    ).toBe(`:no_entry: blackout until ${WHEN}: \`Sale\``);
    expect(
      causeLine({ kind: 'window-closed', reason: 'x', until: new Date(AT) }, env, 'Deploy', now),
    ).toBe(`:clock3: outside the deploy window; it opens ${WHEN}`);
    const lock = (by: string) =>
      causeLine(
        { kind: 'post-rollback', reason: 'lock', lock: { requestId: '01JREQ', by } },
        env,
        'Deploy',
        now,
      );
    expect(lock('automatic rollback')).toContain('requested by an automatic rollback;');
    expect(lock('U0LEAD')).toContain('requested by <@U0LEAD>;');
  });

  it('keeps the dates out of plain_text and the configured zone out of the message', () => {
    const msg = lockChangeMessage({
      env,
      pipeline: 'web-app',
      stages: [{ stage: 'Deploy', causes: [freeze as never] }],
      now,
    });
    expect(JSON.stringify(msg.blocks)).toContain(WHEN);
    expect(JSON.stringify(msg.blocks)).not.toContain('Europe/Berlin');
    expect(plainTexts(msg).filter((t) => REF.test(t))).toEqual([]);
  });
});

describe('channels and live status', () => {
  it('names channels as <#C…> in refusals and group answers', () => {
    expect(
      permissionRefusal({
        act: 'request',
        target: 'prod-us',
        who: [{ kind: 'channel', channel: 'C0PROD' }],
      } as never),
    ).toBe('prod-us can be rolled back only from its channel <#C0PROD>.');
    expect(
      groupStartAnswer({
        kind: 'started',
        group: 'prod',
        groupId: '01G',
        members: 2,
        channel: 'C0PROD',
      }),
    ).toContain('Live status in <#C0PROD>.');
  });

  it('says when a queued rollback starts and who cancelled one, as Slack shows them', () => {
    const req = stageRequest({
      id: '01JREQ',
      state: 'queued',
      createdAt: AT - 60_000,
      runAfter: AT,
    });
    const queued = JSON.stringify(requestStatusMessage(req, new Date(AT - 30_000)).blocks);
    expect(queued).toContain(`Starts at ${WHEN} unless cancelled`);
    const cancelled = requestStatusMessage(
      { ...req, state: 'cancelled', decision: 'cancelled by user:U0LEAD' },
      new Date(AT),
    );
    expect(JSON.stringify(cancelled.blocks)).toContain('Cancelled by <@U0LEAD>');
    expect(plainTexts(cancelled).filter((t) => REF.test(t))).toEqual([]);

    // With the commits the request recorded: from → to as commits, the executions in the context.
    const withCommits = requestStatusMessage(
      {
        ...req,
        commits: {
          from: [
            {
              actionName: 'Source',
              revisionId: 'fcb576f0aa111111111111111111111111111111',
              message: 'Speed up <!here>',
            },
          ],
          to: [
            {
              actionName: 'Source',
              revisionId: 'c4ca4238bb222222222222222222222222222222',
              message: 'Add search\nlong body',
              url: 'https://github.com/acme/web/commit/c4ca423',
            },
          ],
        },
      },
      new Date(AT),
    );
    const fields = withCommits.blocks.find((b) => b.type === 'section' && 'fields' in b);
    expect(JSON.stringify(fields)).toContain(
      '*Change*\\n`fcb576f` `Speed up &lt;!here&gt;`\\n→ <https://github.com/acme/web/commit/c4ca423|c4ca423> `Add search`',
    );
    expect(withCommits.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [
        {
          type: 'plain_text',
          text: 'Request 01JREQ · execution 9d2b7c4e-6a1f-4e2b-8c3d-5f7a9b1c2d3e → 3c1e5a7b-0000-4000-8000-000000000000',
        },
      ],
    });
  });
});

describe('what the policy says, in the review and on the approval card', () => {
  const env = {
    name: 'prod-us',
    approval: {
      when: ['during-freeze'],
      approvers: ['S0APPROVERS', 'U0MANAGER'],
      required: 1,
      expiresAfterMs: 30 * 60_000,
      allowSelfApproval: false,
      holdAutomatic: false,
    },
    windows: { timezone: 'Europe/Berlin', allow: [], blackout: [], rollbacksDuringFreeze: 'allow' },
  } as unknown as EnvironmentConfig;
  const frozen = (duringFreeze: 'allow' | 'deny') =>
    decideRollback({
      env: { ...env, windows: { ...env.windows, rollbacksDuringFreeze: duringFreeze } },
      request: {
        requestedBy: { kind: 'user', id: 'U0ONCALL' },
        isGroupRollback: false,
        targetIsOlderThanPrevious: false,
        unsafeCrossed: [],
      },
      now: new Date(AT - 30 * 60_000),
      freezeState: {
        freezes: [
          {
            id: 'f1',
            scope: 'prod-us',
            by: 'U0RELEASE',
            reason: '*launch* <!here>',
            from: new Date(AT - 3_600_000),
            until: new Date(AT + 3_600_000),
          },
        ],
        freezers: ['U0RELEASE'],
      },
    });
  const LATER = slackDate(AT + 3_600_000);

  it('names the approvers and the freezer as mentions and every time for each reader', () => {
    const d = frozen('allow');
    if (d.decision !== 'needs-approval') throw new Error(d.decision);
    expect(mrkdwnPhrase(needsApprovalWords(d))).toBe(
      `Needs 1 approval from <!subteam^S0APPROVERS> or <@U0MANAGER> before ${WHEN} because prod-us is frozen until ${LATER} (\`*launch* &lt;!here&gt;\`, by <@U0RELEASE>).`,
    );
    // The audit keeps the same sentence in plain words, times in UTC.
    expect(plainPhrase(needsApprovalWords(d))).toBe(
      'Needs 1 approval from S0APPROVERS or U0MANAGER before 2026-12-01 18:16 UTC because prod-us is frozen until 2026-12-01 19:16 UTC (*launch* <!here>, by U0RELEASE).',
    );
  });

  it('a freeze that denies rollbacks says until when and who froze it the same way', () => {
    const d = frozen('deny');
    if (d.decision !== 'block') throw new Error(d.decision);
    const text = mrkdwnPhrase(d.reason);
    expect(text).toContain(
      `prod-us is frozen until ${LATER} (\`*launch* &lt;!here&gt;\`, by <@U0RELEASE>)`,
    );
    expect(text).not.toContain('Europe/Berlin');
  });

  it('a bare string, as records stored before phrases kept, stays inert', () => {
    expect(mrkdwnPhrase('frozen (<!channel> *bold*)')).toBe('`frozen (&lt;!channel&gt; *bold*)`');
  });
});
