// The live status shows the steps a person watches for, each with its time in the reader's zone:
// requested → approved → AWS accepted → deploying → rolled back or failed → alarms watched →
// recovered. Whole payloads, with the mentions, links and dates Slack renders.

import { describe, expect, it } from 'vitest';
import type { RollbackRequest } from '../../../../src/domain/rollback-request.js';
import { requestStatusMessage } from '../../../../src/slack/blocks/request-status.js';
import { stageRequest } from '../../request-fixture.js';

// 2026-12-01 02:14:00 UTC, and the request's steps a few seconds apart.
const T0 = Date.UTC(2026, 11, 1, 2, 14, 0);
const s = (seconds: number) => T0 + seconds * 1000;
/** The date Slack shows each reader in their own zone, as the builder writes it. */
const day = (seconds: number) =>
  `<!date^${1796091240 + seconds}^{date_short_pretty} {time_secs}|2026-12-01 ${clock(seconds)} UTC>`;
const time = (seconds: number) =>
  `<!date^${1796091240 + seconds}^{time_secs}|2026-12-01 ${clock(seconds)} UTC>`;
function clock(seconds: number): string {
  const d = new Date(s(seconds));
  return d.toISOString().slice(11, 19);
}

const EXEC = 'aaaa1111-2222-4333-8444-555566667777';
const EXEC_LINK = `<https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/web-app/executions/${EXEC}/timeline?region=us-east-1|aaaa1111>`;

const requested: RollbackRequest = stageRequest({
  state: 'awaiting_approval',
  createdAt: s(0),
  decision: 'needs-approval: older-than-previous',
  lastError: 'the target is older than the previous release',
});
const approved: RollbackRequest = {
  ...requested,
  state: 'running',
  decision: 'approved by user:U0LEAD',
  approvedBy: ['U0LEAD'],
  queuedAt: s(95),
  startedAt: s(96),
  awsExecutionId: EXEC,
  awsOrigin: 'called',
  awsAcceptedAt: s(97),
};
const rolledBack: RollbackRequest = {
  ...approved,
  state: 'succeeded',
  endedAt: s(140),
  summary: `Rollback execution ${EXEC} Succeeded`,
  lockedTransition: true,
};

function stepsOf(r: RollbackRequest, now = s(150)): string {
  const block = requestStatusMessage(r, new Date(now)).blocks[1];
  return block?.type === 'section' ? (block.text?.text ?? '') : '';
}

describe('the live status, step by step', () => {
  it('waiting for approval: who asked and when, then what comes, the whole payload', () => {
    expect(requestStatusMessage(requested, new Date(s(30)))).toEqual({
      text: 'Awaiting approval: prod-us web-app / Deploy',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*:raised_hand: Awaiting approval* · prod-us' },
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: [
              `:white_check_mark: Requested by <@U0ONCALL> · ${day(0)}`,
              ':raised_hand: Waiting for approval',
              ':white_circle: AWS accepted',
              ':white_circle: Deploying in stage Deploy',
              ':white_circle: Alarms watched',
              ':white_circle: Recovered',
            ].join('\n'),
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Target*\nweb-app / Deploy' },
            { type: 'mrkdwn', text: '*Change*\n`9d2b7c4e` → `3c1e5a7b`' },
            { type: 'mrkdwn', text: '*Elapsed*\n30s' },
          ],
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: 'Needs approval: `the target is older than the previous release`',
            },
          ],
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'rollback.cancel',
              text: { type: 'plain_text', text: 'Cancel request' },
              value: requested.id,
            },
          ],
        },
        { type: 'context', elements: [{ type: 'plain_text', text: `Request ${requested.id}` }] },
      ],
    });
  });

  it('deploying: approved by whom, AWS accepted with the execution linked, deploying since', () => {
    // CodePipeline runs the rollback execution from the moment it accepts it.
    expect(stepsOf(approved)).toBe(
      [
        `:white_check_mark: Requested by <@U0ONCALL> · ${day(0)}`,
        `:white_check_mark: Approved by <@U0LEAD> · ${time(95)}`,
        `:white_check_mark: AWS accepted: execution ${EXEC_LINK} · ${time(97)}`,
        `:arrows_counterclockwise: Deploying in stage Deploy · since ${time(97)}`,
        ':white_circle: Alarms watched',
        ':white_circle: Recovered',
      ].join('\n'),
    );
    // Every approver whose approval counted, as mentions.
    expect(stepsOf({ ...approved, approvedBy: ['U0LEAD', 'U0MANAGER'] })).toContain(
      `Approved by <@U0LEAD>, <@U0MANAGER> · ${time(95)}`,
    );
  });

  it('a CodeDeploy rollback shows its instances as CodeDeploy counts them', () => {
    const r: RollbackRequest = {
      ...approved,
      requestedBy: { kind: 'auto', reason: 'billing-eu-5xx in ALARM during the bake' },
      decision: 'allow',
      approvedBy: undefined,
      target: {
        kind: 'deployment-group',
        application: 'billing-api',
        deploymentGroup: 'prod-eu',
        action: 'stop',
        currentDeploymentId: 'd-STOPPED1',
      },
      stoppedDeploymentId: 'd-STOPPED1',
      awsExecutionId: 'd-ROLLBACK1',
      deployingSince: s(104),
      deployProgress: { unit: 'instances', done: 2, failed: 1, total: 3 },
    };
    const cd = (id: string) =>
      `<https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/${id}?region=us-east-1|${id}>`;
    expect(stepsOf(r)).toBe(
      [
        `:white_check_mark: Requested automatically · ${day(0)}`,
        `:white_check_mark: AWS stopped deployment ${cd('d-STOPPED1')}; CodeDeploy rolls it back with ${cd('d-ROLLBACK1')} · ${time(97)}`,
        `:arrows_counterclockwise: Deploying in deployment group prod-eu: 2 of 3 instances done, 1 failed · since ${time(104)}`,
        ':white_circle: Alarms watched',
        ':white_circle: Recovered',
      ].join('\n'),
    );
  });

  it('rolled back, then the alarm watch: which alarms are not OK yet, then recovered', () => {
    const head = (end: number) => [
      `:white_check_mark: Requested by <@U0ONCALL> · ${day(0)}`,
      `:white_check_mark: Approved by <@U0LEAD> · ${time(95)}`,
      `:white_check_mark: AWS accepted: execution ${EXEC_LINK} · ${time(97)}`,
      `:white_check_mark: Rolled back in stage Deploy · ${time(end)}`,
    ];
    expect(stepsOf(rolledBack)).toBe(
      [...head(140), ':white_circle: Alarms watched', ':white_circle: Recovered'].join('\n'),
    );
    // The watch begins on AWS's own event, here before the follower's look at s(140): the
    // rollback ended when the first of them saw it, so the times never run backwards.
    const alarms = ['web-prod-5xx', 'web-prod-latency-p99'];
    const watching = {
      ...rolledBack,
      alarmWatch: { since: s(138), alarms, notOk: ['web-prod-5xx'] },
    };
    expect(stepsOf(watching)).toBe(
      [
        ...head(138),
        `:arrows_counterclockwise: Watching alarms: \`web-prod-5xx\` not OK yet · since ${time(138)}`,
        ':white_circle: Recovered',
      ].join('\n'),
    );
    const recovered = {
      ...rolledBack,
      alarmWatch: {
        since: s(138),
        alarms,
        notOk: [],
        seenNotOk: ['web-prod-5xx'],
        outcome: 'recovered' as const,
        at: s(218),
      },
    };
    expect(stepsOf(recovered)).toBe(
      [
        ...head(138),
        `:white_check_mark: Alarms watched: \`web-prod-5xx\`, \`web-prod-latency-p99\` · ${time(138)}`,
        `:white_check_mark: Recovered: \`web-prod-5xx\` OK again 1m 20s after the rollback · ${time(218)}`,
      ].join('\n'),
    );
    const msg = requestStatusMessage(recovered, new Date(s(230)));
    expect(msg.text).toBe('Rolled back: prod-us web-app / Deploy');
    expect(msg.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*:white_check_mark: Rolled back* · prod-us' },
    });
  });

  it('alarms OK at the first read: recovered, with no "after" a read taken late would make up', () => {
    const r = {
      ...rolledBack,
      alarmWatch: {
        since: s(140),
        alarms: ['web-prod-5xx'],
        outcome: 'recovered' as const,
        at: s(170),
      },
    };
    expect(stepsOf(r).split('\n').at(-1)).toBe(
      `:white_check_mark: Recovered: alarms OK · ${time(170)}`,
    );
  });

  it('not recovered: which alarms, and that a person has to look', () => {
    const r = {
      ...rolledBack,
      alarmWatch: {
        since: s(141),
        alarms: ['web-prod-5xx'],
        notOk: ['web-prod-5xx'],
        outcome: 'not-recovered' as const,
        at: s(1041),
      },
    };
    expect(stepsOf(r).split('\n').slice(-3)).toEqual([
      `:white_check_mark: Alarms watched: \`web-prod-5xx\` · ${time(141)}`,
      `:warning: Not recovered 15m 00s after the rollback: \`web-prod-5xx\` not OK · ${time(1041)}`,
      '*What to do:* A person has to look; the bot does not roll back again.',
    ]);
  });

  it('a failed rollback says what failed and what to do, and lists nothing after it', () => {
    const r: RollbackRequest = {
      ...rolledBack,
      state: 'failed',
      summary: `Rollback execution ${EXEC} Failed: Stage Deploy failed`,
      lockedTransition: undefined,
    };
    expect(stepsOf(r)).toBe(
      [
        `:white_check_mark: Requested by <@U0ONCALL> · ${day(0)}`,
        `:white_check_mark: Approved by <@U0LEAD> · ${time(95)}`,
        `:white_check_mark: AWS accepted: execution ${EXEC_LINK} · ${time(97)}`,
        `:x: Rollback failed in stage Deploy · ${time(140)}`,
        `*What happened:* \`Rollback execution ${EXEC} Failed: Stage Deploy failed\``,
        '*What to do:* Open the AWS link above to see what failed, then request the rollback again or fix forward.',
      ].join('\n'),
    );
    const msg = JSON.stringify(requestStatusMessage(r, new Date(s(150))).blocks);
    expect(msg).not.toContain(':white_circle:');
    // The summary is said once, at the step.
    expect(msg).not.toContain('AWS: `');
  });

  it('rejected, cancelled, blocked: who stopped it and when; nothing listed after', () => {
    const rejected = {
      ...requested,
      state: 'rejected' as const,
      decision: 'rejected by user:U0LEAD',
      lastError: 'not during the sale',
      updatedAt: s(60),
    };
    expect(stepsOf(rejected)).toBe(
      [
        `:white_check_mark: Requested by <@U0ONCALL> · ${day(0)}`,
        `:no_entry_sign: Rejected by <@U0LEAD> · ${time(60)}`,
      ].join('\n'),
    );
    expect(JSON.stringify(requestStatusMessage(rejected, new Date(s(60))).blocks)).toContain(
      'Rejected: `not during the sale`',
    );
    const cancelled = {
      ...requested,
      state: 'cancelled' as const,
      decision: 'cancelled by user:U0ONCALL',
      updatedAt: s(20),
    };
    expect(stepsOf(cancelled).split('\n')[1]).toBe(
      `:heavy_multiplication_x: Cancelled by <@U0ONCALL> · ${time(20)}`,
    );
    const blocked = { ...requested, state: 'blocked' as const, endedAt: s(0) };
    expect(stepsOf(blocked).split('\n')[1]).toBe(`:no_entry: Blocked by policy · ${time(0)}`);
  });

  it('an automatic request in its grace period is queued, with when it starts', () => {
    const r: RollbackRequest = {
      ...requested,
      state: 'queued',
      requestedBy: { kind: 'auto', reason: 'Deploy failed' },
      decision: 'allow',
      lastError: undefined,
      queuedAt: s(1),
      runAfter: s(31),
    };
    const msg = requestStatusMessage(r, new Date(s(10)));
    expect(stepsOf(r, s(10))).toBe(
      [
        `:white_check_mark: Requested automatically · ${day(0)}`,
        `:hourglass_flowing_sand: Queued · since ${time(1)}`,
        ':white_circle: AWS accepted',
        ':white_circle: Deploying in stage Deploy',
        ':white_circle: Alarms watched',
        ':white_circle: Recovered',
      ].join('\n'),
    );
    // Why it was asked for is the context's Reason line, not the step's.
    expect(msg.blocks[3]).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: [
            'Reason: `Deploy failed`',
            'Starts at <!date^1796091271^{date_short_pretty} {time}|2026-12-01 02:14 UTC> unless cancelled',
          ].join('\n'),
        },
      ],
    });
  });

  it('an environment without alarms says so instead of waiting for a recovery', () => {
    const r = { ...rolledBack, alarmWatch: { since: s(141), alarms: [] } };
    expect(stepsOf(r).split('\n').at(-1)).toBe(
      `:white_check_mark: No alarms configured to watch · ${time(141)}`,
    );
  });
});
