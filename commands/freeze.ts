// /rollback freeze <env|group> <4h | until …> <reason> and /rollback unfreeze <env|group>: who
// may is config access.freezers (and admins), through the one permission check (user groups
// resolved through Slack, failing closed). A freeze always has an end; both are audited, and the
// guarded stages are brought in line in AWS before the answer (apply-stage-locks.ts). Also the
// guardrails lines of /rollback status: every cause that holds each guarded stage.
import type { EnvironmentConfig } from '../src/config/config.js';
import {
  activeFreezes,
  causeNames,
  formatLocal,
  formatWhen,
  resolveFreezeEnd,
} from '../src/domain/stage-locks/index.js';
import type { EnvGuardStatus } from '../src/services/guardrails/guardrails-control.js';
import type { StageLockView } from '../src/services/guardrails/lock-announcer.js';
import { escapeMrkdwn, inertCode } from '../src/slack/blocks/inert-text.js';
import { causeLine } from '../src/slack/blocks/stage-lock-messages.js';
import { applyAndAnswer, guardedWhere, stillHolds } from './apply-stage-locks.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';
import type { Target } from './parsed-command.js';
import { requireActor } from './require-actor.js';

function membersOf(ctx: CommandContext, target: Target): string[] {
  return target.kind === 'group' ? (ctx.config.groups[target.name]?.members ?? []) : [target.name];
}

/** Freezers (access.freezers) and admins, through the one permission check. */
function mayFreeze(ctx: CommandContext, act: 'freeze' | 'unfreeze', target: Target) {
  return requireActor(ctx, { act, target: target.name }, act);
}

export async function runFreeze(
  ctx: CommandContext,
  target: Target,
  until: { durationMs: number } | { at: string },
  reason: string,
): Promise<void> {
  const g = ctx.guardrails;
  if (!g) return ctx.reply(text('Freezes are not enabled in this process.'));
  if (!(await mayFreeze(ctx, 'freeze', target))) return;
  const envs = membersOf(ctx, target);
  const tz = ctx.config.environments[envs[0]!]?.windows.timezone ?? 'UTC';
  const now = ctx.now();
  const end = resolveFreezeEnd(until, tz, new Date(now));
  if (!end.ok) return ctx.reply(text(`:warning: ${end.message}`));
  const added = await g.control.freezes.add({
    envs,
    reason,
    by: ctx.user,
    from: now,
    until: end.until.getTime(),
  });
  await ctx.audit.record({
    by: `user:${ctx.user}`,
    event: 'freeze',
    env: envs.join(','),
    channel: ctx.channel,
    detail: `until ${end.until.toISOString()}: ${reason} (${added.map((f) => f.id).join(',')})`,
  });
  const what = `${escapeMrkdwn(envs.join(', '))} until ${formatLocal(end.until, tz)} ${tz}: ${inertCode(reason, 300)}`;
  const lift = `\`/rollback unfreeze ${escapeMrkdwn(target.name)}\` lifts it.`;
  const where = () => envs.map((e) => guardedWhere(ctx.config.environments[e]!)).join(', ');
  await applyAndAnswer(
    ctx,
    envs,
    { wantDisabled: true, why: `freeze ${target.name}` },
    {
      done: () =>
        `:snowflake: Froze ${what}. Forward deploys into ${where()} are blocked in AWS now (inbound transition disabled); ${lift}`,
      pending: (problems) =>
        `:snowflake: Freezing ${what}: recorded, and being applied in AWS (${problems.join('; ')}). I will say here once the block is in force; ${lift}`,
      late: () =>
        `:snowflake: The freeze of ${escapeMrkdwn(envs.join(', '))} is in force in AWS now: forward deploys into ${where()} are blocked (inbound transition disabled).`,
      failed: (problems) =>
        `:warning: The freeze of ${escapeMrkdwn(envs.join(', '))} is recorded, but AWS has not taken the block: ${problems.join('; ')}. The bot keeps trying on every pass (every 30 s); \`/rollback status\` shows the transition.`,
    },
  );
}

export async function runUnfreeze(ctx: CommandContext, target: Target): Promise<void> {
  const g = ctx.guardrails;
  if (!g) return ctx.reply(text('Freezes are not enabled in this process.'));
  if (!(await mayFreeze(ctx, 'unfreeze', target))) return;
  const envs = membersOf(ctx, target);
  const removed = await g.control.freezes.remove(envs, ctx.now());
  await ctx.audit.record({
    by: `user:${ctx.user}`,
    event: 'unfreeze',
    env: envs.join(','),
    channel: ctx.channel,
    detail: removed.length > 0 ? `ended ${removed.map((f) => f.id).join(',')}` : 'nothing frozen',
  });
  if (removed.length === 0) {
    return ctx.reply(text(`${escapeMrkdwn(envs.join(', '))} had no freeze in force.`));
  }
  const names = escapeMrkdwn(envs.join(', '));
  await applyAndAnswer(
    ctx,
    envs,
    { wantDisabled: false, why: `unfreeze ${target.name}` },
    {
      done: (outcomes) => [`:sunny: Unfroze ${names}.`, ...stillHolds(ctx, outcomes)].join('\n'),
      pending: (problems) =>
        `:sunny: Unfroze ${names}: the freeze is over; AWS is being brought in line (${problems.join('; ')}). I will say here what holds once it is.`,
      late: (outcomes) =>
        [
          `:sunny: AWS is in line with the unfreeze of ${names}.`,
          ...stillHolds(ctx, outcomes),
        ].join('\n'),
      failed: (problems) =>
        `:warning: The freeze of ${names} is over, but AWS has not taken the change: ${problems.join('; ')}. The bot keeps trying on every pass (every 30 s); \`/rollback status\` shows the transition.`,
    },
  );
}

/** The guardrails part of /rollback status for one environment: lines of mrkdwn. */
export async function guardrailsStatusLines(
  ctx: CommandContext,
  envName: string,
): Promise<string[]> {
  const g = ctx.guardrails;
  const env = ctx.config.environments[envName];
  if (!g || !env) return [];
  const now = ctx.now();
  const tz = env.windows.timezone;
  const at = new Date(now);
  const st = await g.control.status(env, now);
  const lines: string[] = [];
  const freezes = activeFreezes(await g.control.freezes.list(now), at, env.name);
  for (const f of freezes) {
    lines.push(
      `   :snowflake: frozen until ${formatLocal(f.until, tz)} ${tz} by <@${f.by}>: ${inertCode(f.reason, 200)}`,
    );
  }
  if (st.block) {
    const w = st.block.windows;
    if (env.windows.allow.length > 0) {
      const open = w.window.inside
        ? `deploy window open${w.window.closesAt ? `, closes ${formatWhen(w.window.closesAt, tz, at)}` : ''}`
        : `deploy window closed${w.window.opensAt ? `, opens ${formatWhen(w.window.opensAt, tz, at)}` : ''}`;
      lines.push(`   :clock3: ${open} (${tz})`);
    }
    if (w.activeBlackout) {
      lines.push(
        `   :no_entry: blackout until ${formatLocal(w.activeBlackout.to, tz)} ${tz}: ${inertCode(w.activeBlackout.reason, 200)}`,
      );
    }
    for (const alarm of env.blockOnAlarms) {
      const firing = st.block.causes.some((c) => c.kind === 'alarm' && c.alarm === alarm);
      const unknown = st.block.unknownAlarms.includes(alarm);
      lines.push(
        `   blocking alarm ${inertCode(alarm, 100)}: ${firing ? ':red_circle: ALARM' : unknown ? 'unknown' : 'not in ALARM'}`,
      );
    }
  } else if (st.blockError) {
    lines.push(`   deploy block unknown: ${inertCode(st.blockError, 200)}`);
  }
  for (const s of st.stages) {
    lines.push(`   inbound transition of ${escapeMrkdwn(s.stage)}: ${transitionState(s)}`);
    for (const c of s.causes) lines.push(`      ${causeLine(c, env, s.stage, at)}`);
  }
  if (st.transitionsError)
    lines.push(`   transitions unknown: ${inertCode(st.transitionsError, 200)}`);
  lines.push(`   ${forwardDeploys(env, st)}`);
  return lines;
}

/** One transition as status says it: who disabled it, for which causes. */
function transitionState(s: StageLockView): string {
  const own = causeNames(s.causes.filter((c) => c.kind !== 'foreign'));
  const foreign = s.causes.find((c) => c.kind === 'foreign');
  if (s.enabled) return own.length > 0 ? `enabled; being disabled (${own.join(', ')})` : 'enabled';
  if (foreign) {
    const also = own.length > 0 ? `; rollback-bot also holds it (${own.join(', ')})` : '';
    return `disabled by someone else${s.disabledReason ? `: ${inertCode(s.disabledReason, 200)}` : ''}${also}`;
  }
  return own.length > 0
    ? `disabled by rollback-bot (${own.join(', ')})`
    : 'disabled by rollback-bot; nothing holds it any more, being re-enabled';
}

/** The summary: open only when no cause holds and every transition is enabled. */
function forwardDeploys(env: EnvironmentConfig, st: EnvGuardStatus): string {
  if (env.target.kind !== 'stage') {
    if (!st.block) return 'forward deploys unknown';
    return st.block.blocked
      ? `:octagonal_sign: forward deploys blocked by: ${causeNames(st.block.causes).join(', ')} (a CodeDeploy group: not enforced in AWS)`
      : 'forward deploys open';
  }
  const names = causeNames(st.stages.flatMap((s) => s.causes));
  if (names.length > 0) return `:octagonal_sign: forward deploys blocked by: ${names.join(', ')}`;
  if (st.stages.some((s) => !s.enabled)) return ':octagonal_sign: forward deploys blocked';
  if (st.transitionsError || st.blockError) return 'forward deploys unknown';
  return 'forward deploys open';
}
