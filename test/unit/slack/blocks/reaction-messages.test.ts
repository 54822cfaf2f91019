import { describe, expect, it } from 'vitest';
import { checkBlocks } from '../../../../src/sandbox/slack/index.js';
import { ACTION } from '../../../../src/slack/blocks/action-ids.js';
import {
  announcementAfterGrace,
  autoRollbackAnnouncement,
  escalation,
  feedMessage,
  propagationOffer,
  reactionMessage,
  recoveryReport,
} from '../../../../src/slack/blocks/reaction-messages.js';

const evil = { actionName: 'Source', revisionId: 'abcdef1234567890', message: '<!channel> *boom*' };

describe('reaction messages', () => {
  it('announce who, what and why, with outside text inert', () => {
    const m = autoRollbackAnnouncement({
      env: 'prod',
      where: 'web-app / Deploy',
      trigger: 'failure',
      why: 'Deploy stage failed in execution e-1 <@U1>.',
      requestId: '01REQ',
      target: { id: 'e-0', sourceRevisions: [evil] },
    });
    const json = JSON.stringify(m.blocks);
    expect(json).toContain('*rollback-bot* is rolling back *prod* (web-app / Deploy)');
    expect(json).toContain('Policy: on-failure');
    expect(json).toContain('01REQ');
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U1>');
    expect(checkBlocks(m.blocks, 'message')).toEqual([]);
  });

  it('with a grace period, say when it starts and offer Cancel (value: the request id)', () => {
    const input = {
      env: 'prod',
      where: 'web-app / Deploy',
      trigger: 'failure' as const,
      why: 'Deploy failed.',
      requestId: '01REQ',
    };
    const m = autoRollbackAnnouncement({
      ...input,
      grace: { graceMs: 30_000, runAfter: Date.UTC(2026, 2, 2, 12, 0, 30) },
    });
    expect(m.blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: ':hourglass_flowing_sand: Rolling back in 30 s (at <!date^1772452830^{date_short_pretty} {time}|2026-03-02 12:00 UTC>) — Cancel to stop it.',
      },
      accessory: {
        type: 'button',
        action_id: ACTION.cancelAutomatic,
        text: { type: 'plain_text', text: 'Cancel' },
        style: 'danger',
        value: '01REQ',
      },
    });
    expect(m.text).toContain('in 30 s unless cancelled');
    expect(checkBlocks(m.blocks, 'message')).toEqual([]);
    // Without a grace: no button.
    expect(JSON.stringify(autoRollbackAnnouncement(input).blocks)).not.toContain(
      ACTION.cancelAutomatic,
    );
    // After the click: the button goes, the note stays.
    const after = announcementAfterGrace(m.blocks, 'Cancelled by <@U1>.');
    expect(JSON.stringify(after)).not.toContain(ACTION.cancelAutomatic);
    expect(JSON.stringify(after)).toContain('Cancelled by <@U1>.');
  });

  it('escalations mention only Slack ids, and say no automatic action follows', () => {
    const m = escalation({
      env: 'prod',
      where: 'web-app / Deploy',
      headline: 'Rollback failed',
      detail: 'it broke',
      mention: ['S0APPROVERS', 'U0MANAGER', '@here'],
    });
    const json = JSON.stringify(m.blocks);
    expect(json).toContain('<!subteam^S0APPROVERS> <@U0MANAGER>');
    expect(json).not.toContain('@here');
    expect(json).toContain('No further automatic action');
    expect(checkBlocks(m.blocks, 'message')).toEqual([]);
  });

  it('feed, recovery and propagation messages pass Block Kit checks', () => {
    const feed = feedMessage({
      env: 'prod',
      where: 'web-app / Deploy',
      releaseId: 'e-1',
      sourceRevisions: [evil],
      step: 'bake-passed',
    });
    expect(feed.text).toBe('Deployed, bake passed: prod web-app / Deploy · abcdef1');
    expect(JSON.stringify(feed.blocks)).not.toContain('<!channel>');
    // A live release on the feed can be marked bad; a failed one already is.
    const ids = (step: 'bake-passed' | 'failed') =>
      JSON.stringify(
        feedMessage({
          env: 'prod',
          where: 'w',
          releaseId: 'e-1',
          sourceRevisions: [],
          step,
          offerId: 'O1',
        }).blocks,
      );
    expect(ids('bake-passed')).toContain(ACTION.markBad);
    expect(ids('failed')).not.toContain(ACTION.markBad);
    expect(JSON.stringify(feed.blocks)).not.toContain(ACTION.markBad);
    const rec = recoveryReport({
      env: 'prod',
      outcome: 'recovered',
      afterMs: 95_000,
      alarms: ['a'],
    });
    expect(JSON.stringify(rec.blocks)).toContain('OK 1m 35s after the rollback finished');
    const offer = propagationOffer(
      [evil],
      ['prod-eu', 'staging'].map((env, i) => ({
        env,
        where: 'web-app / Deploy',
        why: 'other region',
        offerId: `OFFER${i}`,
        current: [evil],
      })),
    );
    const buttons = offer.blocks.filter((b) => b.type === 'actions');
    expect(buttons).toHaveLength(2);
    expect(JSON.stringify(buttons)).toContain(ACTION.rollbackOffer);
    expect(JSON.stringify(buttons)).toContain('"value":"OFFER1"');
    for (const m of [feed, rec, offer]) expect(checkBlocks(m.blocks, 'message')).toEqual([]);
  });
});

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const plain = (text: string) => ({ type: 'plain_text', text });

describe('reactionMessage: each notice, as the whole payload', () => {
  it('an automatic rollback, and one that did not start', () => {
    expect(
      reactionMessage({
        notice: 'auto-rollback',
        env: 'prod',
        where: 'web-app / Deploy',
        trigger: 'alarm',
        why: 'api-5xx fired.',
        requestId: '01REQ',
        target: { id: 'e-0', sourceRevisions: [evil] },
      }),
    ).toEqual({
      text: 'rollback-bot is rolling back prod automatically',
      blocks: [
        section(
          ':robot_face: *rollback-bot* is rolling back *prod* (web-app / Deploy) to `abcdef1` `&lt;!channel&gt; *boom*` automatically.',
        ),
        context('Why: api-5xx fired. Policy: on-alarm. Request `01REQ`; live status below.'),
      ],
    });
    expect(
      reactionMessage({
        notice: 'auto-rollback-not-started',
        env: 'prod',
        why: 'a newer release <@U1> is live',
      }),
    ).toEqual({
      text: 'No automatic rollback of prod',
      blocks: [
        section(
          ':warning: rollback-bot did not roll *prod* back automatically: a newer release &lt;@U1&gt; is live',
        ),
      ],
    });
  });

  it('the announcement after its Cancel: the button gone, the note second', () => {
    const m = autoRollbackAnnouncement({
      env: 'prod',
      where: 'w',
      trigger: 'failure',
      why: 'x',
      requestId: '01REQ',
      grace: { graceMs: 30_000, runAfter: 1_772_452_830_000 },
    });
    expect(announcementAfterGrace(m.blocks, 'Cancelled by <@U1>.')).toEqual([
      section(':robot_face: *rollback-bot* is rolling back *prod* (w) automatically.'),
      context('Cancelled by <@U1>.'),
      context('Why: x Policy: on-failure. Request `01REQ`; live status below.'),
    ]);
  });

  it('an escalation mentions only Slack ids', () => {
    expect(
      reactionMessage({
        notice: 'escalation',
        env: 'prod',
        where: 'web-app / Deploy',
        headline: 'Rollback failed',
        detail: 'it broke',
        mention: ['S0APPROVERS', 'U0MANAGER', '@here'],
      }),
    ).toEqual({
      text: 'Rollback failed: prod',
      blocks: [
        { type: 'header', text: { ...plain(':sos: Rollback failed: prod'), emoji: true } },
        section('*web-app / Deploy* · it broke'),
        context(
          'No further automatic action will be taken. <!subteam^S0APPROVERS> <@U0MANAGER>, please take a look.',
        ),
      ],
    });
  });

  it('a feed line with Mark bad, and a step in its thread', () => {
    expect(
      reactionMessage({
        notice: 'feed',
        env: 'prod',
        where: 'web-app / Deploy',
        releaseId: 'e-1',
        sourceRevisions: [evil],
        step: 'bake-passed',
        offerId: 'OFFER1',
      }),
    ).toEqual({
      text: 'Deployed, bake passed: prod web-app / Deploy · abcdef1',
      blocks: [
        context(
          ':white_check_mark: Deployed, bake passed · *prod* · web-app / Deploy · `abcdef1` `&lt;!channel&gt; *boom*`',
        ),
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: ACTION.markBad,
              text: plain('Mark bad'),
              value: 'OFFER1',
              confirm: {
                title: plain('Mark this release bad?'),
                text: plain(
                  'The bot will not offer it as the last good release in prod (web-app / Deploy); choosing it will need approval. /rollback mark-good undoes it.',
                ),
                confirm: plain('Mark bad'),
                deny: plain('Cancel'),
              },
            },
          ],
        },
      ],
    });
    expect(reactionMessage({ notice: 'feed-step', step: 'rolled-back' })).toEqual({
      text: 'Rolled back',
      blocks: [context(':leftwards_arrow_with_hook: Rolled back')],
    });
  });

  it('recovery, either way', () => {
    expect(
      reactionMessage({
        notice: 'recovery',
        env: 'prod',
        outcome: 'recovered',
        afterMs: 95_000,
        alarms: ['api-5xx'],
        missing: ['gone'],
      }),
    ).toEqual({
      text: 'prod recovered after the rollback',
      blocks: [
        section(
          ':white_check_mark: *prod* recovered: `api-5xx` OK 1m 35s after the rollback finished.',
        ),
        context('CloudWatch does not know `gone`; check the config.'),
      ],
    });
    expect(
      reactionMessage({
        notice: 'recovery',
        env: 'prod',
        outcome: 'not-recovered',
        afterMs: 900_000,
        alarms: ['api-5xx'],
        notOk: ['api-5xx'],
      }),
    ).toEqual({
      text: 'prod has not recovered after the rollback',
      blocks: [
        section(
          ':sos: *prod* has not recovered 15m 00s after the rollback: `api-5xx` not OK. No further automatic rollback; a person has to look.',
        ),
      ],
    });
  });

  it('a propagation offer: one Roll back per environment', () => {
    expect(
      reactionMessage({
        notice: 'propagation',
        bad: [evil],
        offers: [
          {
            env: 'prod-eu',
            where: 'web-app / Deploy-EU',
            why: 'other region',
            offerId: 'OFFER1',
            current: [evil],
          },
        ],
      }),
    ).toEqual({
      text: 'The bad release also runs in prod-eu',
      blocks: [
        section(':mag: The bad release `abcdef1` also runs in another environment:'),
        section(
          '*prod-eu* · web-app / Deploy-EU (other region) · `abcdef1` `&lt;!channel&gt; *boom*`',
        ),
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: ACTION.rollbackOffer,
              text: plain('Roll back prod-eu'),
              value: 'OFFER1',
              confirm: {
                title: plain('Roll back?'),
                text: plain(
                  'Roll web-app / Deploy-EU in prod-eu back to its previous release. The rollback is audited.',
                ),
                confirm: plain('Roll back'),
                deny: plain('Not now'),
              },
            },
          ],
        },
      ],
    });
  });

  it('the health probe report, either way, with what the URL said inert', () => {
    const base = { notice: 'health', env: 'prod', url: 'https://x/health' } as const;
    expect(reactionMessage({ ...base, attempts: 1, afterMs: 1200, outcome: 'healthy' })).toEqual({
      text: 'prod health check passed',
      blocks: [
        section(
          '*prod*: :large_green_circle: Health check passed: `https://x/health` answered 200 after 1 attempt (1 s).',
        ),
      ],
    });
    expect(
      reactionMessage({
        ...base,
        attempts: 3,
        afterMs: 10_400,
        outcome: 'unhealthy',
        said: 'HTTP 503 <b>',
      }),
    ).toEqual({
      text: 'prod health check failed',
      blocks: [
        section(
          '*prod*: :red_circle: Health check failed: `https://x/health` did not answer 200 in 3 attempts (10 s; last: HTTP 503 &lt;b&gt;). A person has to look; no further automatic action.',
        ),
      ],
    });
  });
});
