// Shown (privately) before a manual rollback: current → target, the commits that go away,
// whether approval will be needed and why, and Roll back / Cancel buttons carrying the offer id.
import { describeDeployRevision, shortRevision } from '../../domain/releases.js';
import type { PolicyDecision } from '../../services/rollback-policy.js';
import type { ActiveRollback, Preview } from '../../services/rollback-service.js';
import { ACTION } from './action-ids.js';
import type { KnownBlock, SlackMessage } from './block-kit.js';
import { diffBlocks } from './diff-blocks.js';
import { age, person, sentence } from './format.js';
import { escapeMrkdwn, inertCode, plainLine } from './inert-text.js';
import { mrkdwnPhrase } from './phrase.js';
import { releaseLine } from './release-line.js';

type OkPreview = Extract<Preview, { ok: true }>;

export interface ConfirmationInput {
  preview: OkPreview;
  offerId: string;
  reason?: string;
  /** What the click will do, decided by the same policy as the request (service.review). */
  decision?: PolicyDecision;
  /** A rollback of this target is already under way: the click would point at it. */
  active?: ActiveRollback;
  now: Date;
}

/** The review's promise: exactly what the click does. */
function promise(input: ConfirmationInput): string {
  if (input.active) {
    const a = input.active;
    const who = a.requestedBy.kind === 'user' ? person(a.requestedBy.id) : 'an automatic rollback';
    return `:hourglass: A rollback of this target is already ${a.state.replace('_', ' ')} (request \`${escapeMrkdwn(a.requestId)}\`, by ${who}); clicking will not start a second one.`;
  }
  const d = input.decision;
  if (!d || d.kind === 'allow') {
    return `:white_check_mark: No approval needed: the rollback starts when you click.${d?.kind === 'allow' && d.note ? ` ${escapeMrkdwn(d.note)}` : ''}`;
  }
  if (d.kind === 'needs-approval') {
    return `:raised_hand: *Needs approval* — clicking asks for it in the thread. ${mrkdwnPhrase(d.detail)}`;
  }
  return `:no_entry: *Blocked* — clicking will not roll back. ${mrkdwnPhrase(d.reason)}`;
}

export function previewSummary(p: OkPreview, now: Date): KnownBlock[] {
  if (p.kind === 'stage') {
    const cur = `*Now:* ${releaseLine(p.current.sourceRevisions)} (${age(p.current.startTime, now)})`;
    const tgt = `*After:* ${releaseLine(p.target.sourceRevisions)} (${age(p.target.startTime, now)}${p.byDefault ? ', the last good release' : ''})`;
    const ids = [
      `Now: execution ${p.current.executionId}${p.deployed.executionId !== p.current.executionId ? ` (redeployed by rollback ${p.deployed.executionId})` : ''}`,
      `after: execution ${p.target.executionId}`,
    ].join(', ');
    const standing = [
      ...(p.currentBad.length > 0
        ? [
            `:red_circle: The live release is bad: ${escapeMrkdwn(plainLine(p.currentBad.map((b) => b.why).join('; '), 400))}`,
          ]
        : []),
      ...(p.targetBad
        ? [
            `:warning: *The chosen release is bad here:* ${sentence(escapeMrkdwn(plainLine(p.targetBad.map((b) => b.why).join('; '), 400)))} Rolling back to it needs approval.`,
          ]
        : []),
    ];
    const blocks: KnownBlock[] = [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: [
            `*${escapeMrkdwn(p.env)}* · ${escapeMrkdwn(p.pipeline)} / ${escapeMrkdwn(p.stage)}`,
            cur,
            tgt,
            ...standing,
          ].join('\n'),
        },
      },
      { type: 'context', elements: [{ type: 'plain_text', text: ids }] },
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
  const notes = [promise(input)];
  if (input.reason) notes.push(`Reason: ${inertCode(input.reason, 500)}`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: notes.join('\n') }] });
  const asks = input.decision?.kind === 'needs-approval';
  const blocked = input.decision?.kind === 'block';
  blocks.push({
    type: 'actions',
    elements: [
      ...(blocked
        ? []
        : [
            {
              type: 'button' as const,
              action_id: ACTION.confirmRequest,
              style: 'danger' as const,
              text: {
                type: 'plain_text' as const,
                text: plainLine(
                  `${asks ? 'Ask approval to roll back to' : 'Roll back to'} ${label}`,
                  75,
                ),
              },
              value: input.offerId,
            },
          ]),
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
        action_id: ACTION.cancelOffer,
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
