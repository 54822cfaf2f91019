import { describe, expect, it } from 'vitest';
import { ACTION } from '../../../../src/slack/blocks/action-ids.js';
import {
  type ApprovalRequestView,
  approvalRequestMessage,
  rejectReasonModal,
} from '../../../../src/slack/blocks/approval-request.js';

const view: ApprovalRequestView = {
  requestId: '01JD5X7K9M2N3P4Q5R6S7T8V9W',
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
  reason: '5xx after deploy <!channel>',
  rules: [
    {
      rule: 'older-than-previous',
      why: [{ text: 'the target is older than the previous release' }],
    },
  ],
  required: 1,
  approvers: ['S0APPROVERS'],
  approvedBy: [],
  expiresAt: new Date('2026-11-20T15:30:00Z'),
  timeZone: 'Europe/Berlin',
  warnings: [],
  currentSummary: 'perf(api): cache product lookups',
  targetSummary: 'fix(auth): refresh the session cookie',
  alarms: [{ name: 'web-prod-5xx', state: 'ALARM' }],
  state: 'awaiting_approval',
};

describe('approval request in the thread', () => {
  it('builds the exact message with Approve and Reject carrying only the request id', () => {
    const msg = approvalRequestMessage(view);
    expect(msg.text).toBe(
      'Approval needed: rollback of prod-us web-app / Deploy (request 01JD5X7K9M2N3P4Q5R6S7T8V9W)',
    );
    expect(msg.blocks).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: ':raised_hand: *Approval needed* · prod-us · web-app / Deploy',
        },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Requested by*\n<@U0ONCALL>' },
          { type: 'mrkdwn', text: '*Why*\n`5xx after deploy &lt;!channel&gt;`' },
          {
            type: 'mrkdwn',
            // In each reader's own time zone; the fallback in UTC. No configured zone is shown.
            text: '*Expires*\n<!date^1795188600^{date_short_pretty} {time}|2026-11-20 15:30 UTC>',
          },
          { type: 'mrkdwn', text: '*Needs*\n1 approval from <!subteam^S0APPROVERS>' },
        ],
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*Now:* `9d2b7c4e` `perf(api): cache product lookups`\n*After:* `7a1e3b55` `fix(auth): refresh the session cookie`',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*Approval required because*\n• the target is older than the previous release (`older-than-previous`)',
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Alarms now: :red_circle: web-prod-5xx ALARM\nNo approvals yet (0 of 1)',
          },
        ],
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION.approve,
            text: { type: 'plain_text', text: 'Approve' },
            style: 'primary',
            value: view.requestId,
          },
          {
            type: 'button',
            action_id: ACTION.reject,
            text: { type: 'plain_text', text: 'Reject' },
            style: 'danger',
            value: view.requestId,
          },
        ],
      },
      { type: 'context', elements: [{ type: 'plain_text', text: `Request ${view.requestId}` }] },
    ]);
  });

  it('drops the buttons once decided and keeps the outcome; unreadable alarms stay inert', () => {
    const msg = approvalRequestMessage({
      ...view,
      state: 'rejected',
      outcome: 'Rejected by <@U0MANAGER>',
      alarms: { unavailable: 'AccessDenied <@U0BOSS>' },
    });
    const json = JSON.stringify(msg.blocks);
    expect(json).not.toContain(ACTION.approve);
    expect(json).toContain('*Outcome:* Rejected by <@U0MANAGER>');
    expect(json).toContain('could not be read (AccessDenied &lt;@U0BOSS&gt;)');
  });

  it('asks for a reason when rejecting', () => {
    const modal = rejectReasonModal(view.requestId, 'prod-us');
    expect(modal.private_metadata).toBe(view.requestId);
    expect(modal.submit).toEqual({ type: 'plain_text', text: 'Reject' });
    expect(JSON.stringify(modal.blocks)).toContain('"type":"plain_text_input"');
  });
});
