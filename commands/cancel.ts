import type { CommandContext } from './context.js';
import { text } from './context.js';

export async function runCancel(ctx: CommandContext, requestId: string): Promise<void> {
  const r = await ctx.service.get(requestId);
  if (!r) {
    await ctx.reply(text(`No request \`${requestId}\`. Check the id on the request's message.`));
    return;
  }
  if (r.requestedBy.kind !== 'user' || r.requestedBy.id !== ctx.user) {
    await ctx.audit.record({
      by: `user:${ctx.user}`,
      event: 'cancel-refused',
      env: r.env,
      request: r.id,
      detail: 'not the requester',
    });
    await ctx.reply(text('Only the person who asked for this rollback can cancel it.'));
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
