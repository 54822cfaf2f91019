// Small, pure formatting helpers shared by the builders. Time is always passed in.
import { plainUtc } from '../../domain/phrase.js';
import type { RequestState } from '../../domain/request-state.js';
import { AUTOMATIC_LOCKER } from '../../domain/stage-locks/index.js';
import { inertCode } from './inert-text.js';

/** A Slack user id (U…, W…), as Slack issues them: only then is it written as a mention. */
export function isSlackUserId(id: string | undefined): id is string {
  return id !== undefined && /^[UW][A-Z0-9]{2,}$/.test(id);
}

/**
 * A Slack mention of a user (U…/W…) or user group (S…). Ids come from the config (checked by its
 * schema) or from Slack itself; anything else is shown inert, never as markup.
 */
export function mention(id: string): string {
  if (/^S[A-Z0-9]{2,}$/.test(id)) return `<!subteam^${id}>`;
  return isSlackUserId(id) ? `<@${id}>` : inertCode(id, 60);
}

/** A person: `<@U…>` for a Slack user id; anything else (or nothing) inert. mrkdwn only. */
export function person(id: string | undefined): string {
  return isSlackUserId(id) ? `<@${id}>` : inertCode(id ?? 'unknown', 60);
}

/** Who asked for the rollback behind a post-rollback lock: a person, or an automatic rollback. */
export function locker(by: string): string {
  return by === AUTOMATIC_LOCKER ? 'an automatic rollback' : person(by);
}

/** A Slack channel id (C…, G…, D…), as Slack issues them. */
export function isSlackChannelId(id: string | undefined): id is string {
  return id !== undefined && /^[CGD][A-Z0-9]{2,}$/.test(id);
}

/** A channel reference `<#C…>` (Slack shows #name); anything else inert. mrkdwn only. */
export function channelRef(id: string): string {
  return isSlackChannelId(id) ? `<#${id}>` : inertCode(id, 60);
}

/** A time written out in UTC, "2026-12-01 18:16 UTC": the fallback of `slackDate`. */
export const utcText = plainUtc;

/**
 * A time shown in each reader's own time zone: `<!date^UNIX^{date_short_pretty} {time}|fallback>`,
 * the fallback written out in UTC. mrkdwn only (plain_text does not expand it: use `utcText`).
 * `tokens`: Slack's date tokens to show instead, e.g. `{time_secs}` for steps seconds apart (the
 * fallback then to the second too).
 */
export function slackDate(ms: number, tokens = '{date_short_pretty} {time}'): string {
  const fallback = tokens.includes('{time_secs}')
    ? `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`
    : utcText(ms);
  return `<!date^${Math.floor(ms / 1000)}^${tokens}|${fallback}>`;
}

/** `text` as a sentence: a full stop added unless it already ends in one (". ? ! …"). */
export function sentence(text: string): string {
  const t = text.trimEnd();
  return /[.?!…]$/.test(t) ? t : `${t}.`;
}

export function age(from: Date, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - from.getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

export function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  const rest = String(s % 60).padStart(2, '0');
  return m > 0 ? `${m}m ${rest}s` : `${s}s`;
}

export function pipelineExecutionUrl(
  region: string,
  pipeline: string,
  executionId: string,
): string {
  const p = encodeURIComponent(pipeline);
  return `https://${region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${p}/executions/${executionId}/timeline?region=${region}`;
}

export function deploymentUrl(region: string, deploymentId: string): string {
  return `https://${region}.console.aws.amazon.com/codesuite/codedeploy/deployments/${deploymentId}?region=${region}`;
}

export const STATE_LABEL: Record<RequestState, string> = {
  requested: ':hourglass_flowing_sand: Requested',
  blocked: ':no_entry: Blocked',
  awaiting_approval: ':raised_hand: Awaiting approval',
  queued: ':hourglass_flowing_sand: Queued',
  running: ':arrows_counterclockwise: Rolling back',
  succeeded: ':white_check_mark: Rolled back',
  failed: ':x: Rollback failed',
  rejected: ':no_entry_sign: Rejected',
  expired: ':alarm_clock: Expired',
  cancelled: ':heavy_multiplication_x: Cancelled',
};
