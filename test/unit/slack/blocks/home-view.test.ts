// The App Home tab's view, whole: people and channels as mentions, times as <!date^…>, outside
// text inert, the approval card's Approve / Reject ids, and Slack's 100 blocks of a view.

import { describe, expect, it } from 'vitest';
import type { SourceRevision } from '../../../../src/domain/releases.js';
import type { RollbackRequest } from '../../../../src/domain/rollback-request.js';
import { checkHomeView } from '../../../../src/sandbox/slack/block-kit-limits.js';
import {
  HOME_MAX_BLOCKS,
  type HomeEnvView,
  type HomeViewInput,
  homeView,
} from '../../../../src/slack/blocks/home-view.js';
import type { EnvStatusView } from '../../../../src/slack/blocks/status-report.js';
import { stageRequest } from '../../request-fixture.js';

const now = new Date('2026-11-20T14:05:00Z').getTime();
const date = (ms: number, fallback: string) =>
  `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${fallback}>`;

const bad: SourceRevision = {
  actionName: 'Source',
  revisionId: 'badc0ffee1234567890abcdef',
  message: 'Speed up *checkout* <!channel>\nsecond line',
};
const good: SourceRevision = {
  actionName: 'Source',
  revisionId: '900d5eed1234567890abcdef',
  message: 'Fix login redirect',
};
const revisions = new Map([
  ['exec-bad-0002', [bad]],
  ['exec-good-0001', [good]],
]);

const waiting: RollbackRequest = stageRequest(
  { state: 'awaiting_approval', reason: 'checkout 5xx <!here>', createdAt: now - 60_000 },
  { currentExecutionId: 'exec-bad-0002', targetExecutionId: 'exec-good-0001' },
);

const prodUs: EnvStatusView = {
  name: 'prod-us',
  channel: 'C0DEPLOYPROD',
  where: 'web-app / Deploy',
  autoRollback: 'on-failure-and-alarm',
  hasWindows: false,
  blockOnAlarms: [],
  codeDeploy: false,
  guard: { stages: [{ stage: 'Deploy', enabled: true, causes: [] }] },
  active: [waiting],
};
const prodEu: EnvStatusView = {
  ...prodUs,
  name: 'prod-eu',
  where: 'CodeDeploy billing-api / prod-eu',
  autoRollback: 'on-alarm',
  codeDeploy: true,
  guard: { stages: [] },
  active: [],
};

const input: HomeViewInput = {
  user: 'U0MANAGER',
  at: now,
  answer: {
    text: ':white_check_mark: Approved: the rollback of prod-us is queued.',
    at: now - 5_000,
  },
  waiting: [
    {
      kind: 'group',
      id: '01JD5X7K9M2N3P4Q5R6S7T8V9Z',
      group: 'prod',
      requesterId: 'U0ONCALL',
      members: [
        { env: 'prod-us', current: 'web-app / Deploy: badc0ff', target: '900d5ee' },
        { env: 'prod-eu', current: 'billing-api / prod-eu: d-BAD', target: 'redeploy d-GOOD' },
      ],
      required: 1,
      expiresAt: now + 900_000,
    },
    {
      kind: 'request',
      request: waiting,
      required: 1,
      expiresAt: now + 1_800_000,
      revisions,
      thread: { channel: 'C0DEPLOYPROD', ts: '1795183440.000100' },
    },
  ],
  envs: [
    {
      status: prodUs,
      releases: [{ executionId: 'exec-bad-0002', revisions: [bad], bad: ['failed in Deploy'] }],
      mayRequest: 'no',
      mayApprove: true,
    },
    {
      status: prodEu,
      releases: [{ deployment: { id: 'd-ABC123', revision: 's3://builds/billing.zip@v7' } }],
      mayRequest: 'from-channel',
      mayApprove: true,
    },
  ],
  history: [
    {
      request: {
        ...waiting,
        id: '01JD5X7K9M2N3P4Q5R6S7T8V9A',
        state: 'succeeded',
        createdAt: now - 86_400_000,
        decision: 'approved by user:U0RELEASE',
      },
      revisions,
      approvedBy: ['U0RELEASE'],
      thread: { channel: 'C0DEPLOYPROD', ts: '1795097100.000200' },
    },
  ],
};

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const header = (text: string) => ({ type: 'header', text: { type: 'plain_text', text } });
const buttons = (approve: string, reject: string, value: string) => ({
  type: 'actions',
  elements: [
    {
      type: 'button',
      action_id: approve,
      text: { type: 'plain_text', text: 'Approve' },
      style: 'primary',
      value,
    },
    {
      type: 'button',
      action_id: reject,
      text: { type: 'plain_text', text: 'Reject' },
      style: 'danger',
      value,
    },
  ],
});

describe('the App Home view', () => {
  it('is the whole payload: answer, waiting approvals, environments, last rollbacks', () => {
    expect(homeView(input)).toEqual({
      type: 'home',
      blocks: [
        header('Rollbacks'),
        context(`For <@U0MANAGER> · updated ${date(now, '2026-11-20 14:05 UTC')}`),
        section(':white_check_mark: Approved: the rollback of prod-us is queued.'),
        context(`Your click, ${date(now - 5_000, '2026-11-20 14:04 UTC')}`),
        header('Waiting for my approval'),
        section(
          [
            '*Group prod* · 2 environments, one after another',
            '• *prod-us*: `web-app / Deploy: badc0ff` → `900d5ee`',
            '• *prod-eu*: `billing-api / prod-eu: d-BAD` → `redeploy d-GOOD`',
            'Asked by <@U0ONCALL>',
            `Needs 1 approval · expires ${date(now + 900_000, '2026-11-20 14:20 UTC')}`,
          ].join('\n'),
        ),
        buttons('group.approve', 'group.reject', '01JD5X7K9M2N3P4Q5R6S7T8V9Z'),
        section(
          [
            `*prod-us* · ${date(now - 60_000, '2026-11-20 14:04 UTC')} · <https://slack.com/archives/C0DEPLOYPROD/p1795183440000100|thread>`,
            'From `badc0ff` `Speed up *checkout* &lt;!channel&gt;`',
            'To `900d5ee` `Fix login redirect`',
            'Asked by <@U0ONCALL>',
            'Why: `checkout 5xx &lt;!here&gt;`',
            `Needs 1 approval · expires ${date(now + 1_800_000, '2026-11-20 14:35 UTC')}`,
          ].join('\n'),
        ),
        buttons('rollback.approve', 'rollback.reject', '01JD5X7K9M2N3P4Q5R6S7T8V9W'),
        { type: 'divider' },
        header('My environments'),
        section(
          [
            '*prod-us* · <#C0DEPLOYPROD>',
            ':package: Now: `badc0ff` `Speed up *checkout* &lt;!channel&gt;`',
            '      :red_circle: Bad here: `failed in Deploy`',
            'web-app / Deploy',
            'Auto rollback: on-failure-and-alarm',
            ':unlock: *Deploy* inbound: enabled',
            ':large_green_circle: Forward deploys open',
            ':raised_hand: Awaiting approval `01JD5X7K9M2N3P4Q5R6S7T8V9W`',
            'You may approve here.',
          ].join('\n'),
        ),
        { type: 'divider' },
        section(
          [
            '*prod-eu* · <#C0DEPLOYPROD>',
            ':package: Now: deployment `d-ABC123` `s3://builds/billing.zip@v7`',
            'CodeDeploy billing-api / prod-eu',
            'Auto rollback: on-alarm',
            ':large_green_circle: Forward deploys open',
            'No rollback in progress',
            'You may approve here, and roll back from <#C0DEPLOYPROD>.',
          ].join('\n'),
        ),
        { type: 'divider' },
        header('Last rollbacks'),
        section(
          [
            `*prod-us* · ${date(now - 86_400_000, '2026-11-19 14:05 UTC')} · <https://slack.com/archives/C0DEPLOYPROD/p1795097100000200|thread>`,
            ':white_check_mark: Rolled back',
            'From `badc0ff` `Speed up *checkout* &lt;!channel&gt;`',
            'To `900d5ee` `Fix login redirect`',
            'Asked by <@U0ONCALL> · approved by <@U0RELEASE>',
          ].join('\n'),
        ),
        context('`/rollback history <env>` in a channel shows more.'),
      ],
    });
  });

  it('says so when nothing waits and nothing was rolled back; a release AWS did not name is not known', () => {
    const view = homeView({
      user: 'U0OUTSIDER',
      at: now,
      waiting: [],
      envs: [
        { status: { ...prodUs, active: [] }, releases: [{}], mayRequest: 'yes', mayApprove: false },
      ],
      history: [],
    });
    const texts = view.blocks.map((b) => JSON.stringify(b));
    expect(texts).toContain(JSON.stringify(section('Nothing waits for your approval.')));
    expect(texts).toContain(JSON.stringify(section('No rollbacks recorded yet.')));
    const env = view.blocks.find((b) => JSON.stringify(b).includes('*prod-us* ·'));
    expect(JSON.stringify(env)).toContain(':grey_question: Now: not known');
    expect(JSON.stringify(env)).toContain('You may roll back here.');
    expect(view.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('stays within a Home view’s 100 blocks, and passes the local Slack’s view checks', () => {
    const many: HomeEnvView[] = Array.from({ length: 80 }, (_, i) => ({
      status: { ...prodUs, name: `env-${i}`, active: [] },
      releases: [{ executionId: 'exec-good-0001', revisions: [good], bad: [] }],
      mayRequest: 'yes',
      mayApprove: true,
    }));
    const requests = Array.from({ length: 14 }, (_, i) => ({
      ...input.waiting[1]!,
      request: { ...waiting, id: `01JD5X7K9M2N3P4Q5R6S7T8V${String(i).padStart(2, '0')}` },
    }));
    const view = homeView({ ...input, waiting: requests, envs: many });
    expect(view.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    expect(checkHomeView(view)).toEqual([]);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('4 more wait in their threads.');
    expect(text).toMatch(/\d+ more: `\/rollback status` lists all\./);
    // The last rollbacks and the footer are kept, whatever the environments took.
    expect(text).toContain('Last rollbacks');
    expect(view.blocks.at(-1)).toEqual(
      context('`/rollback history <env>` in a channel shows more.'),
    );
    expect(checkHomeView(homeView(input))).toEqual([]);
  });
});
