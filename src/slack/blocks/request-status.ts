// The live status of a rollback request: posted once, then updated in place as it moves.

import { describeTarget, type RollbackRequest } from '../../domain/rollback-request.js';
import { ACTION } from './action-ids.js';
import type { Button, KnownBlock, SlackMessage } from './block-kit.js';
import { elapsed, STATE_LABEL, slackDate } from './format.js';
import { escapeMrkdwn, inertCode, plainLine } from './inert-text.js';
import { mrkdwnPhrase } from './phrase.js';
import { shortRelease } from './release-line.js';
import { requestSteps } from './request-steps.js';

/** From → to as commits, where the request recorded them; the execution ids go in the context. */
function fromTo(req: RollbackRequest): string {
  const t = req.target;
  if (t.kind === 'stage') {
    const from = shortRelease(req.commits?.from);
    const to = shortRelease(req.commits?.to);
    if (from && to) return `${from}\n→ ${to}`;
    return `\`${t.currentExecutionId.slice(0, 8)}\` → \`${t.targetExecutionId.slice(0, 8)}\``;
  }
  if (t.action === 'stop')
    return `stop \`${t.currentDeploymentId ?? '?'}\` and let CodeDeploy roll back`;
  return `redeploy the revision of \`${t.targetDeploymentId ?? '?'}\``;
}

export function requestStatusMessage(req: RollbackRequest, now: Date): SlackMessage {
  const label = STATE_LABEL[req.state];
  const since = req.startedAt ?? req.queuedAt ?? req.createdAt;
  const end = req.endedAt ?? now.getTime();
  const fields = [
    `*Target*\n${escapeMrkdwn(describeTarget(req.target))}`,
    `*Change*\n${fromTo(req)}`,
    `*Elapsed*\n${elapsed(end - since)}`,
  ];
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*${label}* · ${escapeMrkdwn(req.env)}` },
    },
    // What a person watches for, step by step; a failed step says what happened and what to do.
    { type: 'section', text: { type: 'mrkdwn', text: requestSteps(req).join('\n') } },
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
  ];
  const failed = req.state === 'failed';
  const refused = failed && req.nextStep !== undefined;
  const notes: string[] = [];
  const reason =
    req.reason ?? (req.requestedBy.kind === 'auto' ? req.requestedBy.reason : undefined);
  if (reason) notes.push(`Reason: ${inertCode(reason, 500)}`);
  // A failure's summary is its step's "What happened".
  if (req.summary && !failed) notes.push(`AWS: ${inertCode(req.summary, 500)}`);
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
    // The policy's words as a phrase: approvers and freezers as mentions, times for each reader.
    const words =
      req.policyWords && (req.state === 'awaiting_approval' || req.state === 'blocked')
        ? mrkdwnPhrase(req.policyWords)
        : inertCode(req.lastError, req.state === 'failed' ? 1000 : 300);
    if (what) notes.push(`${what}: ${words}`);
  }
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
  const executions =
    req.target.kind === 'stage' && req.commits
      ? ` · execution ${req.target.currentExecutionId} → ${req.target.targetExecutionId}`
      : '';
  blocks.push({
    type: 'context',
    elements: [{ type: 'plain_text', text: `Request ${req.id}${executions}` }],
  });
  return {
    text: `${label.replace(/^:[a-z_]+: /, '')}: ${plainLine(req.env, 100)} ${plainLine(describeTarget(req.target), 200)}`,
    blocks,
  };
}
