// `/rollback mark-bad <env> [stage] <release> [because …]` and `mark-good`: a person says a
// release is bad (or good again) where the environment deploys it. A bad release is never offered
// as "last good"; choosing it needs approval. Who may is whoever may request a rollback there.
import { escapeMrkdwn, inertCode } from '../src/slack/blocks/inert-text.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';
import { requireActor } from './require-actor.js';

export async function runMark(
  ctx: CommandContext,
  cmd: {
    standing: 'bad' | 'good';
    environment: string;
    stage?: string;
    release: string;
    reason?: string;
  },
): Promise<void> {
  const env = ctx.config.environments[cmd.environment]!;
  if (!(await requireActor(ctx, { act: 'request', env }, `mark-${cmd.standing}`))) return;
  const out = await ctx.service.mark({
    env: env.name,
    ...(cmd.stage ? { stage: cmd.stage } : {}),
    release: cmd.release,
    standing: cmd.standing,
    by: `user:${ctx.user}`,
    ...(cmd.reason ? { why: cmd.reason } : {}),
  });
  if (!out.ok) {
    await ctx.reply(text(`:warning: ${escapeMrkdwn(out.message)}`));
    return;
  }
  const what = `${inertCode(out.label, 120)} in ${escapeMrkdwn(env.name)} (${escapeMrkdwn(out.where)})`;
  await ctx.reply(
    text(
      cmd.standing === 'bad'
        ? `:no_entry_sign: Marked ${what} bad${cmd.reason ? `: ${inertCode(cmd.reason, 300)}` : ''}. The bot will not offer it as the last good release; choosing it needs approval. Undo with \`/rollback mark-good ${escapeMrkdwn(env.name)} ${escapeMrkdwn(cmd.release)}\`.`
        : `:white_check_mark: Marked ${what} good: the reasons it was bad before now no longer count.`,
    ),
  );
}
