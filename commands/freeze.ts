// /rollback freeze <env|group> <4h | until …> <reason> and /rollback unfreeze <env|group>: who
// may is config access.freezers (and admins), through the one permission check (user groups
// resolved through Slack, failing closed). A freeze always has an end; both are audited, and the
// guarded stages are brought in line in AWS before the answer (apply-stage-locks.ts).
import { resolveFreezeEnd } from '../src/domain/stage-locks/index.js';
import { slackDate } from '../src/slack/blocks/format.js';
import { escapeMrkdwn, inertCode } from '../src/slack/blocks/inert-text.js';
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
  // Each reader sees the end in their own zone; `until 18:00` was read in the environment's.
  const what = `${escapeMrkdwn(envs.join(', '))} until ${slackDate(end.until.getTime())}: ${inertCode(reason, 300)}`;
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
