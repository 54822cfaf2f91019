import { describe, expect, it } from 'vitest';
import {
  announcementAfterGrace,
  autoRollbackAnnouncement,
  escalation,
  feedMessage,
  propagationOffer,
  recoveryReport,
} from '../../../src/reactions/reaction-messages.js';
import { checkBlocks } from '../../../src/sandbox/slack/index.js';
import { ACTION } from '../../../src/slack/blocks/action-ids.js';

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
        text: ':hourglass_flowing_sand: Rolling back in 30 s (at <!date^1772452830^{time_secs}|2026-03-02T12:00:30.000Z>) — Cancel to stop it.',
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
    expect(feed.text).toBe('Deployed, bake passed: prod web-app / Deploy');
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
