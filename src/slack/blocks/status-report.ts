// /rollback status: one section per environment, one short line per cause (freeze, deploy window,
// blackout, blocking alarm, post-rollback lock, a rollback in progress), so a phone shows each
// line whole. Long things (reasons, commands) go on a line of their own. Pure; outside text inert.
import type { RollbackRequest } from '../../domain/rollback-request.js';
import { causeNames, type DeployBlock, type LockCause } from '../../domain/stage-locks/index.js';
import type { KnownBlock, SlackMessage } from './block-kit.js';
import { channelRef, locker, person, STATE_LABEL, slackDate } from './format.js';
import { escapeMrkdwn, inertCode, LIMITS, truncate } from './inert-text.js';

/** Longest outside text (reason, alarm, error) on a status line. */
const OUTSIDE_MAX = 60;
/** Longest name (pipeline, stage, application) on a status line. */
const NAME_MAX = 40;

/** What the guardrails say about one environment (services/guardrails EnvGuardStatus). */
export interface GuardView {
  block?: DeployBlock;
  blockError?: string;
  stages: ReadonlyArray<{ stage: string; causes: readonly LockCause[]; enabled: boolean }>;
  transitionsError?: string;
}

export interface EnvStatusView {
  name: string;
  channel: string;
  /** `pipeline / stage, stage` or `CodeDeploy app / group`. */
  where: string;
  autoRollback: string;
  /** Configured deploy windows (only then is the window shown). */
  hasWindows: boolean;
  blockOnAlarms: readonly string[];
  /** Absent when guardrails are not enabled in this process. */
  guard?: GuardView;
  /** A deployment group: the block is not enforced in AWS. */
  codeDeploy: boolean;
  active: readonly RollbackRequest[];
  last?: RollbackRequest;
}

const name = (s: string) => escapeMrkdwn(truncate(s, NAME_MAX));

/** One guarded stage: its inbound transition as AWS reports it, and what of its own holds it. */
function stageLines(s: GuardView['stages'][number], env: string): string[] {
  const stage = `*${name(s.stage)}*`;
  const foreign = s.causes.find((c) => c.kind === 'foreign');
  const own = s.causes.filter((c) => c.kind !== 'foreign');
  const state = s.enabled
    ? own.length > 0
      ? 'enabled; being disabled'
      : 'enabled'
    : foreign
      ? 'disabled by someone else'
      : own.length > 0
        ? 'disabled by rollback-bot'
        : 'disabled; being re-enabled';
  const lines = [`${s.enabled ? ':unlock:' : ':lock:'} ${stage} inbound: ${state}`];
  if (foreign?.kind === 'foreign' && foreign.disabledReason) {
    lines.push(`      ${inertCode(foreign.disabledReason, OUTSIDE_MAX)}`);
  }
  for (const c of s.causes) {
    if (c.kind !== 'post-rollback') continue;
    const by = c.lock.by ? ` by ${locker(c.lock.by)}` : '';
    lines.push(`:lock: Locked after a rollback${by}`);
    lines.push(`      Unlock: \`/rollback unlock ${escapeMrkdwn(env)} ${escapeMrkdwn(s.stage)}\``);
  }
  return lines;
}

function blockLines(v: EnvStatusView, block: DeployBlock): string[] {
  const lines: string[] = [];
  for (const c of block.causes) {
    if (c.kind === 'freeze') {
      lines.push(
        `:snowflake: Frozen until ${slackDate(c.until.getTime())} by ${person(c.freeze.by)}`,
      );
      lines.push(`      ${inertCode(c.freeze.reason, OUTSIDE_MAX)}`);
    }
  }
  const w = block.windows;
  if (v.hasWindows) {
    const at = w.window.inside ? w.window.closesAt : w.window.opensAt;
    const when = at ? `, ${w.window.inside ? 'closes' : 'opens'} ${slackDate(at.getTime())}` : '';
    lines.push(`:clock3: Deploy window ${w.window.inside ? 'open' : 'closed'}${when}`);
  }
  if (w.activeBlackout) {
    lines.push(`:no_entry: Blackout until ${slackDate(w.activeBlackout.to.getTime())}`);
    lines.push(`      ${inertCode(w.activeBlackout.reason, OUTSIDE_MAX)}`);
  }
  for (const alarm of v.blockOnAlarms) {
    const firing = block.causes.some((c) => c.kind === 'alarm' && c.alarm === alarm);
    // In ALARM but not blocking: its actions are suppressed and the policy ignores that.
    const ignored = block.ignoredAlarms?.find((a) => a.alarm === alarm);
    const state = firing
      ? 'in ALARM'
      : ignored
        ? `in ALARM, actions suppressed (${ignored.suppressedBy}): not blocking`
        : block.unknownAlarms.includes(alarm)
          ? 'unknown'
          : 'OK';
    lines.push(
      `${firing ? ':red_circle:' : ':white_circle:'} Alarm ${inertCode(alarm, OUTSIDE_MAX)} ${state}`,
    );
  }
  return lines;
}

function forwardLine(v: EnvStatusView, g: GuardView): string {
  const names = causeNames([...(g.block?.causes ?? []), ...g.stages.flatMap((s) => s.causes)]);
  const blocked =
    names.length > 0 || (!v.codeDeploy && g.stages.some((s) => !s.enabled)) || g.block?.blocked;
  if (blocked) {
    const list = names.join(', ');
    // Many causes go on a line of their own, so neither line is cut.
    const by = names.length === 0 ? '' : list.length > 40 ? `:\n      ${list}` : `: ${list}`;
    return `:octagonal_sign: Forward deploys blocked${v.codeDeploy ? ' (not enforced in AWS)' : ''}${by}`;
  }
  if (g.blockError || g.transitionsError) return ':grey_question: Forward deploys: unknown';
  return ':large_green_circle: Forward deploys open';
}

function guardLines(v: EnvStatusView, g: GuardView): string[] {
  const lines: string[] = [];
  if (g.block) lines.push(...blockLines(v, g.block));
  else if (g.blockError)
    lines.push(`:grey_question: Deploy block unknown: ${inertCode(g.blockError, OUTSIDE_MAX)}`);
  for (const s of g.stages) lines.push(...stageLines(s, v.name));
  if (g.transitionsError) {
    lines.push(
      `:grey_question: Transitions unknown: ${inertCode(g.transitionsError, OUTSIDE_MAX)}`,
    );
  }
  lines.push(forwardLine(v, g));
  return lines;
}

function rollbackLines(v: EnvStatusView): string[] {
  const lines = v.active.map((r) => `${STATE_LABEL[r.state]} \`${escapeMrkdwn(r.id)}\``);
  if (v.active.length === 0) lines.push('No rollback in progress');
  if (v.last) lines.push(`Last: ${STATE_LABEL[v.last.state]} ${slackDate(v.last.updatedAt)}`);
  return lines;
}

/** The lines of one environment's section, mrkdwn. */
export function envStatusLines(v: EnvStatusView): string[] {
  return [
    `*${escapeMrkdwn(v.name)}* · ${channelRef(v.channel)}`,
    `${escapeMrkdwn(truncate(v.where, 2 * NAME_MAX))}`,
    `Auto rollback: ${escapeMrkdwn(v.autoRollback)}`,
    ...(v.guard ? guardLines(v, v.guard) : []),
    ...rollbackLines(v),
  ];
}

export function statusReport(envs: readonly EnvStatusView[]): SlackMessage {
  const blocks: KnownBlock[] = [];
  const texts = envs
    .slice(0, LIMITS.blocksPerMessage / 2)
    .map((v) => truncate(envStatusLines(v).join('\n'), LIMITS.sectionText));
  texts.forEach((text, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  });
  if (blocks.length === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'No environments configured.' } });
  }
  // The fallback (notifications, screen readers) says the same, section by section.
  const fallback = texts.length > 0 ? texts.join('\n\n') : 'No environments configured.';
  return { text: truncate(fallback, LIMITS.messageFallback), blocks };
}
