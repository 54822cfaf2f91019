// `/rollback cancel <request-id>`: cancels a request still awaiting approval. Who may is
// permissions.cancel (default: the requester, the approvers, admins).
import type { CommandContext } from './context.js';
import { text } from './context.js';
import { requireActor } from './require-actor.js';

export async function runCancel(ctx: CommandContext, requestId: string): Promise<void> {
  const r = await ctx.service.get(requestId);
  if (!r) {
    await ctx.reply(text(`No request \`${requestId}\`. Check the id on the request's message.`));
    return;
  }
  const env = ctx.config.environments[r.env];
  if (!env) {
    await ctx.reply(text(`Request \`${r.id}\` is for ${r.env}, which is no longer configured.`));
    return;
  }
  const scope = { act: 'cancel' as const, env, requester: r.requestedBy };
  if (!(await requireActor(ctx, scope, 'cancel', r.id))) return;
  if (r.requestedBy.kind === 'auto' && r.state === 'queued') {
    // An automatic rollback still in its grace period: the same as its Cancel button.
    const out = await ctx.service.cancelAutomatic(r.id, `user:${ctx.user}`);
    if (out.ok) {
      await ctx.scheduleStatus(out.request);
      await ctx.reply(text(`Cancelled automatic rollback \`${r.id}\` before it started.`));
      return;
    }
    const state = out.reason === 'wrong-state' ? out.state.replace('_', ' ') : out.reason;
    await ctx.reply(
      text(`Request \`${r.id}\` cannot be cancelled now (${state}); nothing changed.`),
    );
    return;
  }
  if (r.state !== 'awaiting_approval') {
    await ctx.reply(
      text(
        `Request \`${r.id}\` is ${r.state.replace('_', ' ')}; only a request awaiting approval can be cancelled.`,
      ),
    );
    return;
  }
  const cancelled = await ctx.service.cancel(r.id, `user:${ctx.user}`);
  await ctx.scheduleStatus(cancelled);
  await ctx.reply(text(`Cancelled request \`${r.id}\`.`));
}
