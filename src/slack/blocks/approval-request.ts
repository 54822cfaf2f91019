// The approval request in the thread: who asked and why, what changes, live alarm state, which
// rules need approval and from whom, when it expires, approvals so far; Approve and Reject carry
// the request id only. Once decided, the buttons go and the outcome stays.

import type { Phrase } from '../../domain/phrase.js';
import type { RequestState } from '../../domain/request-state.js';
import {
  describeTarget,
  type RollbackRequest,
  type RollbackTarget,
} from '../../domain/rollback-request.js';
import { ACTION, BLOCK, VIEW } from './action-ids.js';
import type { KnownBlock, ModalView, SlackMessage } from './block-kit.js';
import { mention, person, STATE_LABEL, slackDate } from './format.js';
import { escapeMrkdwn, inertCode, plainLine } from './inert-text.js';
import { mrkdwnPhrase } from './phrase.js';
import { shortRelease } from './release-line.js';

export interface ApprovalRequestView {
  requestId: string;
  env: string;
  target: RollbackTarget;
  /** Slack user id of who asked; undefined for an automatic rollback. */
  requesterId?: string;
  automaticReason?: string;
  reason?: string;
  rules: ReadonlyArray<{ rule: string; why: Phrase }>;
  required: number;
  /** User ids (U…/W…) and user-group ids (S…), as configured. */
  approvers: readonly string[];
  approvedBy: readonly string[];
  expiresAt: Date;
  /** Not shown: each reader sees the expiry in their own time zone. */
  timeZone?: string;
  warnings: readonly string[];
  currentSummary?: string;
  targetSummary?: string;
  /** The commits rolled back from and to, as the request recorded them. */
  commits?: RollbackRequest['commits'];
  /** Live alarm states by name, or why they could not be read. */
  alarms: ReadonlyArray<{ name: string; state: string }> | { unavailable: string };
  state: RequestState;
  /** Who decided and how, once it is no longer waiting (e.g. the reject reason). */
  outcome?: string;
}

function change(v: ApprovalRequestView): string {
  const t = v.target;
  if (t.kind === 'stage') {
    const from = shortRelease(v.commits?.from, 120);
    const to = shortRelease(v.commits?.to, 120);
    if (from && to) return `*Now:* ${from}\n*After:* ${to}`;
    const cur = `\`${t.currentExecutionId.slice(0, 8)}\`${v.currentSummary ? ` ${inertCode(v.currentSummary, 120)}` : ''}`;
    const tgt = `\`${t.targetExecutionId.slice(0, 8)}\`${v.targetSummary ? ` ${inertCode(v.targetSummary, 120)}` : ''}`;
    return `*Now:* ${cur}\n*After:* ${tgt}`;
  }
  if (t.action === 'stop')
    return `Stop deployment \`${t.currentDeploymentId ?? '?'}\` and let CodeDeploy roll back`;
  return `Redeploy the revision of \`${t.targetDeploymentId ?? '?'}\``;
}

function alarmLine(v: ApprovalRequestView): string {
  if ('unavailable' in v.alarms)
    return `Alarms: could not be read (${escapeMrkdwn(plainLine(v.alarms.unavailable, 200))})`;
  if (v.alarms.length === 0) return 'Alarms: none configured for this environment';
  const icon = (s: string) =>
    s === 'ALARM' ? ':red_circle:' : s === 'OK' ? ':large_green_circle:' : ':white_circle:';
  return `Alarms now: ${v.alarms.map((a) => `${icon(a.state)} ${escapeMrkdwn(plainLine(a.name, 100))} ${a.state}`).join(' · ')}`;
}

export function approvalRequestMessage(v: ApprovalRequestView): SlackMessage {
  const waiting = v.state === 'awaiting_approval';
  const who = v.requesterId
    ? person(v.requesterId)
    : `rollback-bot (automatic: ${inertCode(v.automaticReason, 200)})`;
  const head = waiting
    ? `:raised_hand: *Approval needed* · ${escapeMrkdwn(v.env)} · ${escapeMrkdwn(describeTarget(v.target))}`
    : `${STATE_LABEL[v.state]} · approval request for ${escapeMrkdwn(v.env)} · ${escapeMrkdwn(describeTarget(v.target))}`;
  const count = v.required === 1 ? '1 approval' : `${v.required} approvals`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: head } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Requested by*\n${who}` },
        { type: 'mrkdwn', text: `*Why*\n${v.reason ? inertCode(v.reason, 500) : '—'}` },
        {
          type: 'mrkdwn',
          text: `*Expires*\n${slackDate(v.expiresAt.getTime())}`,
        },
        {
          type: 'mrkdwn',
          text: `*Needs*\n${count} from ${v.approvers.map(mention).join(', ')}`,
        },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: change(v) } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Approval required because*\n${v.rules.map((r) => `• ${mrkdwnPhrase(r.why)} (\`${r.rule}\`)`).join('\n')}`,
      },
    },
  ];
  for (const w of v.warnings) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `:warning: *${escapeMrkdwn(plainLine(w, 2_000))}*` },
    });
  }
  const progress =
    v.approvedBy.length > 0
      ? `Approved by ${v.approvedBy.map((u) => person(u)).join(', ')} (${v.approvedBy.length} of ${v.required})`
      : `No approvals yet (0 of ${v.required})`;
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${alarmLine(v)}\n${progress}` }],
  });
  if (waiting) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION.approve,
          text: { type: 'plain_text', text: 'Approve' },
          style: 'primary',
          value: v.requestId,
        },
        {
          type: 'button',
          action_id: ACTION.reject,
          text: { type: 'plain_text', text: 'Reject' },
          style: 'danger',
          value: v.requestId,
        },
      ],
    });
  } else if (v.outcome) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Outcome:* ${v.outcome}` },
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'plain_text', text: `Request ${v.requestId}` }],
  });
  const what = `${plainLine(v.env, 100)} ${plainLine(describeTarget(v.target), 200)}`;
  return {
    text: waiting
      ? `Approval needed: rollback of ${what} (request ${v.requestId})`
      : `${STATE_LABEL[v.state].replace(/^:[a-z_]+: /, '')}: approval request for ${what}`,
    blocks,
  };
}

/** The modal Reject opens: a reason is required. */
export function rejectReasonModal(requestId: string, env: string): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.reject,
    private_metadata: requestId,
    title: { type: 'plain_text', text: 'Reject rollback' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Reject the rollback of *${escapeMrkdwn(env)}* (request \`${requestId}\`). The requester and the channel see your reason.`,
        },
      },
      {
        type: 'input',
        block_id: BLOCK.rejectReason,
        label: { type: 'plain_text', text: 'Reason' },
        element: {
          type: 'plain_text_input',
          action_id: 'reason',
          multiline: true,
          min_length: 3,
          max_length: 500,
        },
      },
    ],
  };
}
