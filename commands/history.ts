import { describeTarget } from '../src/domain/rollback-request.js';
import { STATE_LABEL } from '../src/slack/blocks/format.js';
import { escapeMrkdwn, inertCode } from '../src/slack/blocks/inert-text.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';

export async function runHistory(
  ctx: CommandContext,
  environment: string | undefined,
  limit: number,
): Promise<void> {
  const names = environment ? [environment] : Object.keys(ctx.config.environments);
  const all = (await Promise.all(names.map((n) => ctx.service.history(n, limit)))).flat();
  all.sort((a, b) => b.createdAt - a.createdAt);
  const rows = all.slice(0, limit).map((r) => {
    const by = r.requestedBy.kind === 'user' ? `<@${r.requestedBy.id}>` : 'automatic';
    const when = new Date(r.createdAt).toISOString().slice(0, 16).replace('T', ' ');
    const why = r.reason ? ` ${inertCode(r.reason, 80)}` : '';
    return `${when} UTC · ${STATE_LABEL[r.state]} · *${escapeMrkdwn(r.env)}* ${escapeMrkdwn(describeTarget(r.target))} · ${by}${why}`;
  });
  await ctx.reply(
    text(rows.length > 0 ? `*Recent rollbacks*\n${rows.join('\n')}` : 'No rollbacks recorded yet.'),
  );
}
