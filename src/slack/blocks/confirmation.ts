// Shown (privately) before a manual rollback: current → target, the commits that go away,
// whether approval will be needed and why, and Roll back / Cancel buttons carrying the offer id.
import { describeDeployRevision, shortRevision } from '../../domain/releases.js';
import type { Preview } from '../../services/rollback-service.js';
import { ACTION } from './action-ids.js';
import type { KnownBlock } from './block-kit.js';
import { diffBlocks } from './diff-blocks.js';
import { age } from './format.js';
import type { SlackMessage } from './help-message.js';
import { escapeMrkdwn, inertCode, plainLine } from './inert-text.js';
import { releaseLine } from './release-line.js';

type OkPreview = Extract<Preview, { ok: true }>;

export interface ConfirmationInput {
  preview: OkPreview;
  offerId: string;
  reason?: string;
  /** What the policy will ask for, in words; undefined = no approval needed. */
  approvalNote?: string;
  now: Date;
}

export function previewSummary(p: OkPreview, now: Date): KnownBlock[] {
  if (p.kind === 'stage') {
    const cur = `*Now:* ${releaseLine(p.current.sourceRevisions)} (${age(p.current.startTime, now)})`;
    const tgt = `*After:* ${releaseLine(p.target.sourceRevisions)} (${age(p.target.startTime, now)}, execution \`${p.target.executionId.slice(0, 8)}\`${p.byDefault ? ', the last good release' : ''})`;
    const blocks: KnownBlock[] = [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${escapeMrkdwn(p.env)}* · ${escapeMrkdwn(p.pipeline)} / ${escapeMrkdwn(p.stage)}\n${cur}\n${tgt}`,
        },
      },
      ...diffBlocks(p.diff).slice(0, 10),
    ];
    if (p.lockAfterRollback) {
      blocks.push({
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: ':lock: After the rollback the stage’s inbound transition is disabled, so the bad release does not roll forward again. `/rollback unlock` re-enables it.',
          },
        ],
      });
    }
    return blocks;
  }
  const lines = [
    `*${escapeMrkdwn(p.env)}* · CodeDeploy ${escapeMrkdwn(p.application)} / ${escapeMrkdwn(p.deploymentGroup)}`,
  ];
  if (p.action === 'stop') {
    lines.push(
      `Stop the deployment in flight \`${escapeMrkdwn(p.current?.deploymentId ?? '?')}\` and let CodeDeploy roll it back.`,
    );
  } else {
    if (p.current)
      lines.push(
        `*Now:* \`${escapeMrkdwn(p.current.deploymentId)}\` ${inertCode(describeDeployRevision(p.current.revision), 200)}`,
      );
    if (p.target)
      lines.push(
        `*After:* redeploy the revision of \`${escapeMrkdwn(p.target.deploymentId)}\` ${inertCode(describeDeployRevision(p.target.revision), 200)}`,
      );
    if (p.fileExists) lines.push(`:warning: ${escapeMrkdwn(p.fileExists.note)}`);
  }
  return [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }];
}

export function confirmationMessage(input: ConfirmationInput): SlackMessage {
  const p = input.preview;
  const label =
    p.kind === 'stage'
      ? shortRevision(p.target.sourceRevisions[0]?.revisionId ?? p.target.executionId).slice(0, 12)
      : p.action === 'stop'
        ? 'stop and roll back'
        : (p.target?.deploymentId ?? 'last good');
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: ':leftwards_arrow_with_hook: *Review this rollback*' },
    },
    ...previewSummary(p, input.now),
  ];
  const notes = [
    input.approvalNote
      ? `:raised_hand: Needs approval: ${escapeMrkdwn(input.approvalNote)}`
      : ':white_check_mark: No approval needed under this environment’s policy.',
  ];
  if (input.reason) notes.push(`Reason: ${inertCode(input.reason, 500)}`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: notes.join('\n') }] });
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: ACTION.confirmRequest,
        style: 'danger',
        text: { type: 'plain_text', text: plainLine(`Roll back to ${label}`, 75) },
        value: input.offerId,
      },
      ...(p.kind === 'stage'
        ? [
            {
              type: 'button' as const,
              action_id: ACTION.openPicker,
              text: { type: 'plain_text' as const, text: 'Choose another release…' },
              value: input.offerId,
            },
          ]
        : []),
      {
        type: 'button',
        action_id: ACTION.cancelDraft,
        text: { type: 'plain_text', text: 'Cancel' },
        value: input.offerId,
      },
    ],
  });
  return {
    text: `Review the rollback of ${plainLine(p.env, 100)} to ${plainLine(label, 40)}`,
    blocks,
  };
}
