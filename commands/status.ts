import { describeTarget } from '../src/domain/rollback-request.js';
import { STATE_LABEL } from '../src/slack/blocks/format.js';
import { escapeMrkdwn } from '../src/slack/blocks/inert-text.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';
import { guardrailsStatusLines } from './freeze.js';

export async function runStatus(ctx: CommandContext, environment?: string): Promise<void> {
  const names = environment ? [environment] : Object.keys(ctx.config.environments);
  const lines: string[] = [];
  for (const name of names) {
    const env = ctx.config.environments[name]!;
    const { active, recent } = await ctx.service.status(name);
    const where =
      env.target.kind === 'stage'
        ? `${env.target.pipeline} / ${Object.keys(env.target.stages).join(', ')}`
        : `CodeDeploy ${env.target.application} / ${env.target.deploymentGroup}`;
    lines.push(
      `*${escapeMrkdwn(name)}* · ${escapeMrkdwn(where)} · <#${env.channel}> · auto rollback: ${env.autoRollback}`,
    );
    lines.push(...(await guardrailsStatusLines(ctx, name)));
    if (active.length === 0) lines.push('   no rollback in progress');
    for (const r of active) {
      lines.push(
        `   ${STATE_LABEL[r.state]} ${escapeMrkdwn(describeTarget(r.target))} — request \`${r.id}\``,
      );
    }
    const last = recent.find((r) => !active.includes(r));
    if (last)
      lines.push(
        `   last: ${STATE_LABEL[last.state]} ${new Date(last.updatedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      );
  }
  await ctx.reply(text(lines.join('\n')));
}
