// `/rollback <env> [stage] [to X] [because …]`: check who asks and where, preview, then a private
// confirmation whose button carries only the offer id.
import { groupConfirmationMessage } from '../src/slack/blocks/group-messages.js';
import { escapeMrkdwn } from '../src/slack/blocks/inert-text.js';
import { reviewRollback } from '../src/slack/review-rollback.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';
import type { Target } from './parsed-command.js';
import { requireActor } from './require-actor.js';

export async function runRollback(
  ctx: CommandContext,
  cmd: { target: Target; stage?: string; to?: string; reason?: string },
): Promise<void> {
  if (cmd.target.kind === 'group') {
    await runGroupRollback(ctx, cmd.target.name, cmd);
    return;
  }
  const envName = cmd.target.name;
  const env = ctx.config.environments[envName]!;
  if (!(await requireActor(ctx, { act: 'request', env }, 'rollback'))) return;
  // The review asks the policy exactly what the click will do (same decide, same facts).
  const review = await reviewRollback(ctx, {
    env: envName,
    ...(cmd.stage ? { stage: cmd.stage } : {}),
    ...(cmd.to ? { to: cmd.to } : {}),
    ...(cmd.reason ? { reason: cmd.reason } : {}),
    user: ctx.user,
  });
  await ctx.reply(review.ok ? review.message : text(review.message));
}

/**
 * `/rollback <group> [because …]`: permission for every member, a preview of every member (one
 * that cannot be rolled back refuses the group), then one "Roll back all N" confirmation.
 */
async function runGroupRollback(
  ctx: CommandContext,
  name: string,
  cmd: { stage?: string; to?: string; reason?: string },
): Promise<void> {
  const group = ctx.config.groups[name]!;
  if (!ctx.groups) {
    await ctx.reply(
      text(
        `Group rollbacks are not available here. Roll back each member: ${group.members.map((m) => `\`/rollback ${escapeMrkdwn(m)}\``).join(', ')}`,
      ),
    );
    return;
  }
  if (cmd.stage || cmd.to) {
    await ctx.reply(
      text(
        `A group rolls each member back to its last good release; drop the stage and \`to\` (or roll back one member: ${group.members.map((m) => `\`/rollback ${escapeMrkdwn(m)}\``).join(', ')}).`,
      ),
    );
    return;
  }
  // The person must be allowed on every member: one refusal refuses the group.
  for (const member of group.members) {
    const env = ctx.config.environments[member]!;
    if (!(await requireActor(ctx, { act: 'request', env }, 'rollback'))) return;
  }
  const proposal = await ctx.groups.propose({
    group: name,
    requesterId: ctx.user,
    ...(cmd.reason ? { reason: cmd.reason } : {}),
  });
  if (!proposal.ok) {
    const why = proposal.refusals.map(
      (r) => `*${escapeMrkdwn(r.env)}*: ${escapeMrkdwn(r.message)}`,
    );
    await ctx.audit.record({
      by: `user:${ctx.user}`,
      event: 'group-rollback-refused',
      detail: `group ${name}: ${proposal.refusals.map((r) => `${r.env}: ${r.message}`).join('; ')}`,
    });
    await ctx.reply(
      text(`:no_entry_sign: Can't roll back group ${escapeMrkdwn(name)}:\n${why.join('\n')}`),
    );
    return;
  }
  const p = proposal.plan;
  await ctx.reply(
    groupConfirmationMessage({
      group: name,
      groupId: p.id,
      onMemberFailure: p.onMemberFailure,
      members: p.members,
      ...(p.reason ? { reason: p.reason } : {}),
      decision: proposal.decision,
    }),
  );
}
