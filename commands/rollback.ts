// `/rollback <env> [stage] [to X] [because …]`: check who asks and where, preview, then a private
// confirmation whose button carries only the offer id.
import { confirmationMessage } from '../src/slack/blocks/confirmation.js';
import { escapeMrkdwn } from '../src/slack/blocks/inert-text.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';
import type { Target } from './grammar.js';
import { requireActor } from './require-actor.js';

export async function runRollback(
  ctx: CommandContext,
  cmd: { target: Target; stage?: string; to?: string; reason?: string },
): Promise<void> {
  if (cmd.target.kind === 'group') {
    const members = ctx.config.groups[cmd.target.name]?.members ?? [];
    await ctx.reply(
      text(
        `Group rollbacks under one approval are not available yet. Roll back each member: ${members.map((m) => `\`/rollback ${escapeMrkdwn(m)}\``).join(', ')}`,
      ),
    );
    return;
  }
  const envName = cmd.target.name;
  const env = ctx.config.environments[envName]!;
  if (!(await requireActor(ctx, env, 'rollback'))) return;
  const preview = await ctx.service.preview(envName, {
    ...(cmd.stage ? { stage: cmd.stage } : {}),
    ...(cmd.to ? { to: cmd.to } : {}),
  });
  if (!preview.ok) {
    await ctx.audit.record({
      by: `user:${ctx.user}`,
      event: 'rollback-refused',
      env: envName,
      detail: preview.message,
    });
    await ctx.reply(
      text(
        `:no_entry_sign: Can't roll back ${escapeMrkdwn(envName)}: ${escapeMrkdwn(preview.message)}`,
      ),
    );
    return;
  }
  const offer = await ctx.offers.create(
    {
      kind: 'manual',
      env: envName,
      ...(preview.kind === 'stage'
        ? {
            stage: preview.stage,
            currentId: preview.current.executionId,
            to: preview.target.executionId,
          }
        : {}),
      ...(preview.kind === 'deployment-group' && preview.target
        ? { to: preview.target.deploymentId }
        : {}),
      ...(cmd.reason ? { reason: cmd.reason } : {}),
      createdBy: ctx.user,
      channel: env.channel,
    },
    ctx.now(),
  );
  await ctx.reply(
    confirmationMessage({
      preview,
      offerId: offer.id,
      ...(cmd.reason ? { reason: cmd.reason } : {}),
      now: new Date(ctx.now()),
    }),
  );
}
