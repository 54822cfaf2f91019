// The live status of a rollback request: posted once, then updated in place as it moves.

import { describeTarget, type RollbackRequest } from '../../domain/rollback-request.js';
import { ACTION } from './action-ids.js';
import type { Button, KnownBlock, SlackMessage } from './block-kit.js';
import {
  deploymentUrl,
  elapsed,
  person,
  pipelineExecutionUrl,
  STATE_LABEL,
  slackDate,
} from './format.js';
import { escapeMrkdwn, inertCode, plainLine } from './inert-text.js';

function who(req: RollbackRequest): string {
  return req.requestedBy.kind === 'user'
    ? person(req.requestedBy.id)
    : `rollback-bot (automatic: ${escapeMrkdwn(plainLine(req.requestedBy.reason, 200))})`;
}

function awsLink(req: RollbackRequest): string | undefined {
  if (!req.awsExecutionId) return undefined;
  const url =
    req.target.kind === 'stage'
      ? pipelineExecutionUrl(req.region, req.target.pipeline, req.awsExecutionId)
      : deploymentUrl(req.region, req.awsExecutionId);
  return `<${url}|${escapeMrkdwn(req.awsExecutionId)}>`;
}

function fromTo(req: RollbackRequest): string {
  const t = req.target;
  if (t.kind === 'stage')
    return `\`${t.currentExecutionId.slice(0, 8)}\` → \`${t.targetExecutionId.slice(0, 8)}\``;
  if (t.action === 'stop')
    return `stop \`${t.currentDeploymentId ?? '?'}\` and let CodeDeploy roll back`;
  return `redeploy the revision of \`${t.targetDeploymentId ?? '?'}\``;
}

export function requestStatusMessage(req: RollbackRequest, now: Date): SlackMessage {
  const label = STATE_LABEL[req.state];
  const since = req.startedAt ?? req.queuedAt ?? req.createdAt;
  const end = req.endedAt ?? now.getTime();
  const fields = [
    `*Environment*\n${escapeMrkdwn(req.env)}`,
    `*Target*\n${escapeMrkdwn(describeTarget(req.target))}`,
    `*Change*\n${fromTo(req)}`,
    `*Requested by*\n${who(req)}`,
    `*Elapsed*\n${elapsed(end - since)}`,
    `*AWS execution*\n${awsLink(req) ?? '—'}`,
  ];
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*${label}* · ${escapeMrkdwn(req.env)}` },
    },
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
  ];
  // A refusal is read first: what happened and what to do, in a section of its own.
  const refused = req.state === 'failed' && req.nextStep !== undefined;
  if (refused) {
    const lines = [
      ...(req.summary ? [`*What happened:* ${inertCode(req.summary, 1200)}`] : []),
      `*What to do:* ${escapeMrkdwn(plainLine(req.nextStep, 1200))}`,
    ];
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } });
  }
  const notes: string[] = [];
  if (req.reason) notes.push(`Reason: ${inertCode(req.reason, 500)}`);
  if (req.summary && !refused) notes.push(`AWS: ${inertCode(req.summary, 500)}`);
  // The record's lastError carries the policy's words while a request waits or is blocked.
  if (req.lastError) {
    const label: Partial<Record<RollbackRequest['state'], string>> = {
      awaiting_approval: 'Needs approval',
      blocked: 'Blocked',
      rejected: 'Rejected',
      failed: refused ? 'Error code' : 'Why',
      queued: 'Last error (retrying)',
      running: 'Last error (retrying)',
    };
    const what = label[req.state];
    if (what)
      notes.push(`${what}: ${inertCode(req.lastError, req.state === 'failed' ? 1000 : 300)}`);
  }
  const canceller = /^cancelled by user:([UW][A-Z0-9]+)$/.exec(req.decision ?? '')?.[1];
  if (req.state === 'cancelled' && canceller) notes.push(`Cancelled by ${person(canceller)}`);
  if (req.state === 'queued' && req.runAfter) {
    notes.push(`Starts at ${slackDate(req.runAfter)} unless cancelled`);
  }
  if (req.retries > 0) notes.push(`AWS calls retried ${req.retries}×`);
  if (req.lockedTransition)
    notes.push(
      ':lock: Inbound transition disabled so the bad release does not roll forward. `/rollback unlock` re-enables it.',
    );
  if (notes.length > 0) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: notes.join('\n') }] });
  }
  if (req.state === 'awaiting_approval') {
    const cancel: Button = {
      type: 'button',
      action_id: ACTION.cancelRequest,
      text: { type: 'plain_text', text: 'Cancel request' },
      value: req.id,
    };
    blocks.push({ type: 'actions', elements: [cancel] });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'plain_text', text: `Request ${req.id}` }],
  });
  return {
    text: `${label.replace(/^:[a-z_]+: /, '')}: ${plainLine(req.env, 100)} ${plainLine(describeTarget(req.target), 200)}`,
    blocks,
  };
}
