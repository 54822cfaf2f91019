import { describe, expect, it } from 'vitest';
import type { RollbackRequest } from '../../../../src/domain/rollback-request.js';
import type { DeployBlock, Freeze } from '../../../../src/domain/stage-locks/index.js';
import { historyReport, threadUrl } from '../../../../src/slack/blocks/history-report.js';
import { type EnvStatusView, statusReport } from '../../../../src/slack/blocks/status-report.js';
import { stageRequest } from '../../request-fixture.js';

const now = new Date('2026-11-20T14:05:00Z').getTime();
/** What a reader sees of a line: emoji as one glyph, dates as their fallback, mentions short. */
const visible = (line: string) =>
  line
    .replace(/:[a-z0-9_+-]+:/g, 'E')
    .replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1')
    .replace(/<@[A-Z0-9]+>/g, '@someone')
    .replace(/<#[A-Z0-9]+>/g, '#channel')
    .replace(/<[^|>]+\|([^>]*)>/g, '$1');
/** Longest line a phone shows whole in a section (it wraps; long fields and context get cut). */
const LINE_MAX = 80;

const request = (over: Partial<Omit<RollbackRequest, 'target'>>): RollbackRequest =>
  stageRequest(
    {
      state: 'succeeded',
      requestedBy: { kind: 'user', id: 'U0ONCALL1' },
      createdAt: now - 3_600_000,
      updatedAt: now - 3_000_000,
      ...over,
    },
    {
      currentExecutionId: 'exec-rollback-0001',
      currentReleaseId: 'exec-bad-0002',
      targetExecutionId: 'exec-good-0001',
    },
  );

const freeze: Freeze = {
  id: 'f1',
  scope: 'prod-us',
  reason: 'Black Friday: nothing goes out until the traffic is back to normal <!channel>',
  by: 'U0FREEZER',
  from: new Date(now - 3_600_000),
  until: new Date(now + 86_400_000),
};
const block: DeployBlock = {
  blocked: true,
  causes: [
    { kind: 'freeze', reason: 'frozen', until: freeze.until, freeze },
    { kind: 'alarm', reason: 'alarm', alarm: 'web-app-5xx-rate-above-threshold' },
  ],
  unknownAlarms: ['web-app-latency'],
  ignoredAlarms: [],
  windows: {
    open: false,
    window: { inside: false, opensAt: new Date(now + 7_200_000) },
  },
};

const prod: EnvStatusView = {
  name: 'prod-us',
  channel: 'C0PROD',
  where: 'web-app / Deploy',
  autoRollback: 'on-failure',
  hasWindows: true,
  blockOnAlarms: ['web-app-5xx-rate-above-threshold', 'web-app-latency'],
  codeDeploy: false,
  guard: {
    block,
    stages: [
      {
        stage: 'Deploy',
        enabled: false,
        causes: [
          ...block.causes,
          {
            kind: 'post-rollback',
            reason: 'lock',
            lock: { requestId: '01JD5X7K9M2N3P4Q5R6S7T8V9W', by: 'U0ONCALL1' },
          },
        ],
      },
    ],
  },
  active: [request({ id: '01JD5X7K9M2N3P4Q5R6S7T8V9X', state: 'running' })],
  last: request({}),
};
const staging: EnvStatusView = {
  ...prod,
  name: 'staging',
  channel: 'C0STAGING',
  hasWindows: false,
  blockOnAlarms: [],
  guard: { stages: [{ stage: 'Deploy', enabled: true, causes: [] }] },
  active: [],
};

describe('/rollback status', () => {
  const msg = statusReport([prod, staging]);
  const sections = msg.blocks.filter((b) => b.type === 'section');
  const textOf = (i: number) => (sections[i] as { text: { text: string } }).text.text;

  it('has one section per environment', () => {
    expect(sections).toHaveLength(2);
    expect(textOf(0)).toMatch(/^\*prod-us\* · <#C0PROD>/);
    expect(textOf(1)).toMatch(/^\*staging\* · <#C0STAGING>/);
  });

  it('has a short line per cause, none long enough to be cut on a phone', () => {
    const lines = textOf(0).split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `:snowflake: Frozen until <!date^${Math.floor(freeze.until.getTime() / 1000)}^{date_short_pretty} {time}|2026-11-21 14:05 UTC> by <@U0FREEZER>`,
        ':clock3: Deploy window closed, opens <!date^1795190700^{date_short_pretty} {time}|2026-11-20 16:05 UTC>',
        ':red_circle: Alarm `web-app-5xx-rate-above-threshold` in ALARM',
        ':white_circle: Alarm `web-app-latency` unknown',
        ':lock: *Deploy* inbound: disabled by rollback-bot',
        ':lock: Locked after a rollback by <@U0ONCALL1>',
        '      Unlock: `/rollback unlock prod-us Deploy`',
        ':octagonal_sign: Forward deploys blocked:',
        '      freeze, blocking alarm, post-rollback lock',
        ':arrows_counterclockwise: Rolling back `01JD5X7K9M2N3P4Q5R6S7T8V9X`',
      ]),
    );
    // The freeze reason is on a line of its own, inert and cut.
    expect(lines).toContain('      `Black Friday: nothing goes out until the traffic is back …`');
    for (const line of [...lines, ...textOf(1).split('\n')]) {
      expect(visible(line).length, line).toBeLessThanOrEqual(LINE_MAX);
    }
    expect(textOf(1)).toContain(':large_green_circle: Forward deploys open');
    expect(textOf(1)).toContain('No rollback in progress');
  });

  it('says a suppressed alarm the policy ignores is in ALARM but not blocking', () => {
    const quiet = statusReport([
      {
        ...prod,
        guard: {
          ...prod.guard,
          block: {
            ...block,
            unknownAlarms: [],
            ignoredAlarms: [{ alarm: 'web-app-latency', suppressedBy: 'WaitPeriod' }],
          },
        },
      } as EnvStatusView,
    ]);
    const text = (quiet.blocks.find((b) => b.type === 'section') as { text: { text: string } }).text
      .text;
    expect(text).toContain(
      ':white_circle: Alarm `web-app-latency` in ALARM, actions suppressed (WaitPeriod): not blocking',
    );
  });

  it('says the same in its fallback text', () => {
    expect(msg.text).toContain(textOf(0));
    expect(msg.text).toContain(textOf(1));
  });
});

describe('/rollback history', () => {
  const revisions = new Map([
    [
      'exec-bad-0002',
      [
        {
          actionName: 'Source',
          revisionId: '8f14e45fceea167a5a36dedd4bea2543e5c1a9b2',
          message: 'Break checkout <!here>\nmore',
        },
      ],
    ],
    [
      'exec-good-0001',
      [
        {
          actionName: 'Source',
          revisionId: '3a1f9c2e4b5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f',
          message: 'Add retry to payment client',
        },
      ],
    ],
  ]);
  const approved = request({ decision: 'approved by user:U0APPROVER' });
  const msg = historyReport([
    {
      request: approved,
      revisions,
      approvedBy: ['U0APPROVER'],
      thread: { channel: 'C0PROD', ts: '1763647500.000200', threadTs: '1763647400.000100' },
    },
    {
      request: request({
        id: '01JD5X7K9M2N3P4Q5R6S7T8V9Y',
        state: 'failed',
        requestedBy: { kind: 'auto', reason: 'deploy failed' },
        summary: 'Stage Deploy failed',
      }),
    },
  ]);
  const sections = msg.blocks.filter((b) => b.type === 'section');
  const textOf = (i: number) => (sections[i] as { text: { text: string } }).text.text;

  it('shows when, how it ended, the commits, who asked and approved, and the thread', () => {
    expect(textOf(1).split('\n')).toEqual([
      '*prod-us* · <!date^1795179900^{date_short_pretty} {time}|2026-11-20 13:05 UTC> · <https://slack.com/archives/C0PROD/p1763647500000200?thread_ts=1763647400.000100&cid=C0PROD|thread>',
      ':white_check_mark: Rolled back',
      'From `8f14e45` `Break checkout &lt;!here&gt;`',
      'To `3a1f9c2` `Add retry to payment client`',
      'Asked by <@U0ONCALL1> · approved by <@U0APPROVER>',
    ]);
  });

  it('names an automatic, failed rollback and falls back to execution ids', () => {
    expect(textOf(2).split('\n')).toEqual([
      '*prod-us* · <!date^1795179900^{date_short_pretty} {time}|2026-11-20 13:05 UTC>',
      ':x: Rollback failed: `Stage Deploy failed`',
      'From execution `exec-bad-0002`',
      'To execution `exec-good-0001`',
      'Automatic: `deploy failed`',
    ]);
    for (const line of textOf(2).split('\n'))
      expect(visible(line).length).toBeLessThanOrEqual(LINE_MAX);
  });

  it('links only to a real channel and message', () => {
    expect(threadUrl({ channel: 'C0PROD', ts: '1.2' })).toBe(
      'https://slack.com/archives/C0PROD/p12',
    );
    expect(threadUrl({ channel: 'x/../y', ts: '1.2' })).toBeUndefined();
    expect(threadUrl({ channel: 'C0PROD' })).toBeUndefined();
  });

  it('says so when there is nothing', () => {
    expect(historyReport([]).text).toBe('No rollbacks recorded yet.');
  });
});
