// /rollback freeze <env|group> <4h | until …> <reason> and /rollback unfreeze <env|group>: who
// may is config access.freezers (and admins), resolved through the principal resolver (fails
// closed). A freeze always has an end; both are audited, and the deploy block is reconciled
// with AWS at once. Also the guardrails lines of /rollback status.
import {
  activeFreezes,
  formatLocal,
  formatWhen,
  isDeployBlockReason,
  isOwnTransitionReason,
  resolveFreezeEnd,
} from '../src/domain/guardrails/index.js';
import { escapeMrkdwn, inertCode } from '../src/slack/blocks/inert-text.js';
import { PrincipalsUnavailableError } from '../src/slack/principals.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';
import type { Target } from './grammar.js';

function membersOf(ctx: CommandContext, target: Target): string[] {
  return target.kind === 'group' ? (ctx.config.groups[target.name]?.members ?? []) : [target.name];
}

async function mayFreeze(ctx: CommandContext, action: string, target: Target): Promise<boolean> {
  const who = [...ctx.config.access.freezers, ...ctx.config.access.admins];
  let ok = false;
  let detail = 'not a freezer (access.freezers)';
  try {
    ok = who.length > 0 && (await ctx.principals.includes(who, ctx.user));
  } catch (err) {
    if (!(err instanceof PrincipalsUnavailableError)) throw err;
    detail = 'freezer groups unavailable';
    await ctx.audit.record({
      by: `user:${ctx.user}`,
      event: `${action}-refused`,
      env: target.name,
      channel: ctx.channel,
      detail,
    });
    await ctx.reply(text(`:no_entry: ${err.message}`));
    return false;
  }
  if (!ok) {
    await ctx.audit.record({
      by: `user:${ctx.user}`,
      event: `${action}-refused`,
      env: target.name,
      channel: ctx.channel,
      detail,
    });
    const names = ctx.config.access.freezers.map((p) =>
      p.startsWith('S') ? `<!subteam^${p}>` : `<@${p}>`,
    );
    await ctx.reply(
      text(
        `:no_entry: Only freezers may ${action} (${names.join(', ') || 'none configured in access.freezers'}).`,
      ),
    );
  }
  return ok;
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
  await g.control.reconcileNow(`freeze ${target.name}`);
  await ctx.reply(
    text(
      `:snowflake: Froze ${escapeMrkdwn(envs.join(', '))} until ${formatLocal(end.until, tz)} ${tz}: ${inertCode(reason, 300)}. Forward deploys into the guarded stages are being blocked in AWS; \`/rollback unfreeze ${escapeMrkdwn(target.name)}\` lifts it.`,
    ),
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
  await g.control.reconcileNow(`unfreeze ${target.name}`);
  await ctx.reply(
    text(
      `:sunny: Unfroze ${escapeMrkdwn(envs.join(', '))}. The deploy block lifts unless a blackout, a closed window or a blocking alarm still applies.`,
    ),
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
    lines.push(
      st.block.blocked ? '   :octagonal_sign: forward deploys blocked' : '   forward deploys open',
    );
  } else if (st.blockError) {
    lines.push(`   deploy block unknown: ${inertCode(st.blockError, 200)}`);
  }
  for (const t of st.transitions) {
    const whose = t.enabled
      ? 'enabled'
      : isDeployBlockReason(t.disabledReason)
        ? 'disabled by rollback-bot (deploy block)'
        : isOwnTransitionReason(t.disabledReason)
          ? 'disabled by rollback-bot (lock)'
          : `disabled by someone else${t.disabledReason ? `: ${inertCode(t.disabledReason, 200)}` : ''}`;
    lines.push(`   inbound transition of ${escapeMrkdwn(t.stage)}: ${whose}`);
  }
  if (st.transitionsError)
    lines.push(`   transitions unknown: ${inertCode(st.transitionsError, 200)}`);
  return lines;
}
