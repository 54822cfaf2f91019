// /rollback history: one section per rollback: when, where, how it ended, from → to as commits
// (short sha and the first line of the message, inert), who asked, who approved, and a link to
// its thread. Pure; outside text (commit messages, reasons, errors) is inert.
import type { SourceRevision } from '../../domain/releases.js';
import { type RollbackRequest, releaseRolledBack } from '../../domain/rollback-request.js';
import type { KnownBlock, SlackMessage } from './block-kit.js';
import { person, STATE_LABEL, slackDate } from './format.js';
import { escapeMrkdwn, inertCode, LIMITS, safeLink, truncate } from './inert-text.js';
import { commitRef, mainRevision } from './release-line.js';

/** Longest commit message (first line) or reason shown. */
const MESSAGE_MAX = 60;

export interface HistoryRow {
  request: RollbackRequest;
  /** Source revisions of releases by execution id, where known (absent: the id is shown). */
  revisions?: ReadonlyMap<string, SourceRevision[]>;
  /** Who approved it (Slack user ids), if anyone. */
  approvedBy?: readonly string[];
  /** Where its live status message is in Slack. */
  thread?: { channel: string; ts?: string; threadTs?: string; permalink?: string };
}

/** A link to a message in Slack's archive (Slack opens it in the reader's workspace). */
export function threadUrl(t: HistoryRow['thread']): string | undefined {
  // Slack's own link, kept when the status was posted; the archive form for older records.
  if (t?.permalink) return t.permalink;
  if (!t || !/^[CGD][A-Z0-9]+$/.test(t.channel)) return undefined;
  const ts = t.ts ?? t.threadTs;
  if (!ts || !/^\d+\.\d+$/.test(ts)) return undefined;
  const base = `https://slack.com/archives/${t.channel}/p${ts.replace('.', '')}`;
  return t.threadTs && t.threadTs !== ts
    ? `${base}?thread_ts=${t.threadTs}&cid=${t.channel}`
    : base;
}

/** The user id in a decision such as `approved by user:U123`, if it names one. */
export function approverOfDecision(decision: string | undefined): string | undefined {
  return /^approved by user:([UW][A-Z0-9]+)\b/.exec(decision ?? '')?.[1];
}

/**
 * A release as a commit when known: `abc1234` `Fix checkout`; else its execution id. `kept`: what
 * the request recorded when it was made (a failed release is no longer among the stage's).
 */
function release(
  id: string | undefined,
  revisions: HistoryRow['revisions'],
  kept?: readonly SourceRevision[],
): string {
  if (!id) return '`unknown`';
  const rev = mainRevision(kept?.length ? kept : (revisions?.get(id) ?? []));
  if (!rev) return `execution \`${escapeMrkdwn(truncate(id, 40))}\``;
  const message = rev.message ? ` ${inertCode(rev.message.split('\n')[0], MESSAGE_MAX)}` : '';
  return `${commitRef(rev)}${message}`;
}

function fromTo(row: HistoryRow): string[] {
  const t = row.request.target;
  if (t.kind === 'stage') {
    return [
      `From ${release(releaseRolledBack(t), row.revisions, row.request.commits?.from)}`,
      `To ${release(t.targetExecutionId, row.revisions, row.request.commits?.to)}`,
    ];
  }
  const from = `From deployment ${inertCode(t.currentDeploymentId ?? 'unknown', 40)}`;
  if (t.action === 'stop') return [from, 'Stopped, with CodeDeploy rolling back'];
  return [from, `To deployment ${inertCode(t.targetDeploymentId ?? 'unknown', 40)}`];
}

function ending(r: RollbackRequest): string {
  const why =
    r.state === 'failed' || r.state === 'rejected' ? (r.summary ?? r.lastError) : undefined;
  return `${STATE_LABEL[r.state]}${why ? `: ${inertCode(why, MESSAGE_MAX)}` : ''}`;
}

/** The lines of one rollback, mrkdwn. */
export function historyLines(row: HistoryRow): string[] {
  const r = row.request;
  const link = safeLink(threadUrl(row.thread), 'thread');
  const asked =
    r.requestedBy.kind === 'user'
      ? `Asked by ${person(r.requestedBy.id)}`
      : `Automatic: ${inertCode(r.requestedBy.reason, MESSAGE_MAX)}`;
  const approvers = row.approvedBy?.length ? row.approvedBy : undefined;
  const approved = approvers ? ` · approved by ${approvers.map(person).join(', ')}` : '';
  return [
    `*${escapeMrkdwn(r.env)}* · ${slackDate(r.createdAt)}${link ? ` · ${link}` : ''}`,
    ending(r),
    ...fromTo(row),
    `${asked}${approved}`,
  ];
}

export function historyReport(rows: readonly HistoryRow[]): SlackMessage {
  if (rows.length === 0) {
    const text = 'No rollbacks recorded yet.';
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  // A header, then one section per rollback and a divider between them, within 50 blocks.
  const shown = rows.slice(0, Math.floor((LIMITS.blocksPerMessage - 1) / 2));
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: '*Recent rollbacks*, newest first' } },
  ];
  const texts = shown.map((row) => truncate(historyLines(row).join('\n'), LIMITS.sectionText));
  texts.forEach((text, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  });
  if (rows.length > shown.length) {
    const more = `${rows.length - shown.length} older not shown; \`/rollback history <env> <n>\` narrows it.`;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: more }] });
  }
  // The fallback (notifications, screen readers) says the same, rollback by rollback.
  const fallback = ['*Recent rollbacks*, newest first', ...texts].join('\n\n');
  return { text: truncate(fallback, LIMITS.messageFallback), blocks };
}
